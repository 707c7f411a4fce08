# The speed benchmark (bench/run, bench/perf.md), included from the
# top-level Makefile.am after bench/bench.mk.
#
# Nothing is built by default: bench/run compiles its own tools (the
# corpus generator, the rss wrapper, the query driver against this
# tree's libnewsidx, and the Xapian and FTS5 baselines) into its work
# folder.  `make bench-speed BENCH_REUTERS=DIR` builds newsidx and runs
# it; BENCH_SPEED_FLAGS passes options (e.g. --quick).

EXTRA_DIST += bench/run bench/mkcorpus.c bench/qbench.c bench/rss.c \
	bench/LuceneIndex.java \
	bench/perf.md bench/perf.mk

bench-speed: newsidx$(EXEEXT) libnewsidx.la
	@if test -z "$(BENCH_REUTERS)"; then \
		echo "usage: make bench-speed BENCH_REUTERS=DIR [BENCH_SPEED_FLAGS=--quick]" >&2; \
		exit 2; \
	fi
	$(SHELL) $(srcdir)/bench/run --newsidx $(abs_builddir)/newsidx \
		$(BENCH_SPEED_FLAGS) $(BENCH_REUTERS)
.PHONY: bench-speed
