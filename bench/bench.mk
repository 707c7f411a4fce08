# The retrieval benchmark, included from the top-level Makefile.am after
# tests/Makefile.inc (it adds to check_PROGRAMS, TESTS and EXTRA_DIST).
#
# make check builds and runs the unit test of the measures
# (tests/unit/test_evalmetrics).  Nothing else here is built by default:
# `make bench BENCH_TIME=DIR BENCH_CRANFIELD=DIR` builds newsidx and the
# benchmark's tools and runs bench/eval on the two collections, which
# compiles the baselines itself (they need libsqlite3-dev, which the
# library does not).  bench/README.md tells the rest.

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_evalmetrics
TESTS += tests/unit/test_evalmetrics
endif

tests_unit_test_evalmetrics_SOURCES = tests/unit/test_evalmetrics.c \
	bench/evalmetrics.c bench/evalmetrics.h
tests_unit_test_evalmetrics_CPPFLAGS = -I$(top_srcdir)/bench
tests_unit_test_evalmetrics_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_evalmetrics_LDADD = $(CHECK_LIBS) -lm
nodist_EXTRA_tests_unit_test_evalmetrics_SOURCES = dummy.cxx

# Built only by `make bench`: the scorer and the experiment driver, which
# uses nothing but newsidx.h and the shared library.
EXTRA_PROGRAMS = bench/evaluate bench/eval_newsidx
bench_evaluate_SOURCES = bench/evaluate.c bench/evalmetrics.c \
	bench/evalmetrics.h
bench_evaluate_LDADD = -lm
bench_eval_newsidx_SOURCES = bench/eval_newsidx.c
bench_eval_newsidx_CPPFLAGS = -I$(top_srcdir)/include
bench_eval_newsidx_LDADD = libnewsidx.la
nodist_EXTRA_bench_eval_newsidx_SOURCES = dummy.cxx

BENCH_DIST = bench/eval bench/sweep bench/convert-time \
	bench/convert-cranfield bench/convert-reuters
EXTRA_DIST += bench/README.md bench/bench.mk $(BENCH_DIST) \
	bench/baseline_xapian.cc bench/baseline_fts5.c \
	bench/BaselineLucene.java bench/reuters-topics.tsv \
	bench/reuters-topics.md
CLEANFILES = $(EXTRA_PROGRAMS)

bench: newsidx$(EXEEXT) bench/evaluate$(EXEEXT) bench/eval_newsidx$(EXEEXT)
	@if test -z "$(BENCH_TIME)" || test -z "$(BENCH_CRANFIELD)"; then \
		echo "usage: make bench BENCH_TIME=DIR BENCH_CRANFIELD=DIR" >&2; \
		exit 2; \
	fi
	$(SHELL) $(srcdir)/bench/eval --newsidx $(abs_builddir)/newsidx \
		time $(BENCH_TIME) cranfield $(BENCH_CRANFIELD)
.PHONY: bench

# Country tagging accuracy on Reuters-21578 (bench/geo-eval): built only
# by `make bench/geo_eval`, against the convenience library because it
# drives the tagger directly.
EXTRA_PROGRAMS += bench/geo_eval
bench_geo_eval_SOURCES = bench/geo_eval.c
bench_geo_eval_CPPFLAGS = $(AM_CPPFLAGS)
bench_geo_eval_LDADD = libnewsidx_core.la
nodist_EXTRA_bench_geo_eval_SOURCES = dummy.cxx
EXTRA_DIST += bench/geo-eval bench/geo.md bench/reuters-places.tsv
