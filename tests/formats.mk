# The feed, HTML, WARC and Reuters SGML parsers: their unit tests, fuzz
# harness sources and parser benchmark.  Included from the top-level
# Makefile.am after tests/Makefile.inc and bench/bench.mk, whose
# check_PROGRAMS, TESTS, EXTRA_PROGRAMS and EXTRA_DIST it adds to.  The
# parsers themselves (src/lib/ingest/ and src/lib/analyzer/lang.c)
# and libxml2 are in libnewsidx_core_la in Makefile.am.
#
# The fixtures live in tests/fixtures/formats (shipped with the rest of
# tests/fixtures); test_formats finds them through $FIXTURES, which
# AM_TESTS_ENVIRONMENT sets.

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_formats tests/unit/test_meta \
	tests/unit/test_encoding
TESTS += tests/unit/test_formats tests/unit/test_meta \
	tests/unit/test_encoding
endif

tests_unit_test_encoding_SOURCES = tests/unit/test_encoding.c
tests_unit_test_encoding_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_encoding_LDADD = $(TEST_LIBS)
nodist_EXTRA_tests_unit_test_encoding_SOURCES = dummy.cxx

tests_unit_test_formats_SOURCES = tests/unit/test_formats.c tests/unit/sink.h
tests_unit_test_formats_CFLAGS = $(TEST_CFLAGS) $(ZLIB_CFLAGS)
tests_unit_test_formats_LDADD = $(TEST_LIBS)
nodist_EXTRA_tests_unit_test_formats_SOURCES = dummy.cxx

tests_unit_test_meta_SOURCES = tests/unit/test_meta.c
tests_unit_test_meta_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_meta_LDADD = $(TEST_LIBS)
nodist_EXTRA_tests_unit_test_meta_SOURCES = dummy.cxx

# How fast the parsers alone turn files into articles (no index):
#   make bench/ingest_bench && bench/ingest_bench -r 3 DIR...
EXTRA_PROGRAMS += bench/ingest_bench
bench_ingest_bench_SOURCES = bench/ingest_bench.c
bench_ingest_bench_LDADD = libnewsidx_core.la
nodist_EXTRA_bench_ingest_bench_SOURCES = dummy.cxx

EXTRA_DIST += tests/formats.mk tests/fuzz/fuzz_feed.c tests/fuzz/fuzz_html.c \
	tests/fuzz/fuzz_warc.c tests/fuzz/fuzz_sgml.c tests/fuzz/fuzz_meta.c \
	bench/ingest-speed
