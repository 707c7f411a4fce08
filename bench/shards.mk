# The scale-out benchmark (bench/shards, figures in bench/shards.md):
# `make bench-shards BENCH_REUTERS=DIR` runs it on this build's program;
# BENCH_SHARDS_FLAGS=--quick for a short check.  Needs xapian-tcpsrv.
EXTRA_DIST += bench/shards bench/shards.md bench/shards.mk

bench-shards: newsidx$(EXEEXT) libnewsidx.la
	@if test -z "$(BENCH_REUTERS)"; then \
		echo "usage: make bench-shards BENCH_REUTERS=DIR [BENCH_SHARDS_FLAGS=--quick]" >&2; \
		exit 2; \
	fi
	$(SHELL) $(srcdir)/bench/shards --newsidx $(abs_builddir)/newsidx \
		$(BENCH_SHARDS_FLAGS) $(BENCH_REUTERS)
.PHONY: bench-shards
