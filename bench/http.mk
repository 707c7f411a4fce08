# The HTTP load benchmark (bench/http-load, figures in bench/http.md):
# `make bench-http BENCH_REUTERS=DIR` runs it on this build's program;
# BENCH_HTTP_FLAGS=--quick for a short check.  Needs Debian's wrk.
EXTRA_DIST += bench/http-load bench/http.md bench/http.mk

bench-http: newsidx$(EXEEXT) libnewsidx.la
	@if test -z "$(BENCH_REUTERS)"; then \
		echo "usage: make bench-http BENCH_REUTERS=DIR [BENCH_HTTP_FLAGS=--quick]" >&2; \
		exit 2; \
	fi
	$(SHELL) $(srcdir)/bench/http-load --newsidx $(abs_builddir)/newsidx \
		$(BENCH_HTTP_FLAGS) $(BENCH_REUTERS)
.PHONY: bench-http
