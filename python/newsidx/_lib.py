"""The C interface of libnewsidx, declared for ctypes.

This file is the one place that knows the C header (include/newsidx.h):
the structures, field by field in the header's order, the option
versions and defaults of the _INIT macros, and the prototypes.  ctypes
cannot read a header, so a change there must be made here too;
tests/python/test_newsidx.py compiles a small C program against the
header and compares every size, field offset, option version and
default with what is declared here, so that a drift fails the tests
instead of corrupting memory.

Why ctypes and not cffi: ctypes is part of Python itself, so the module
installs with nothing but setuptools, on any Python 3 (Debian's, a
virtual environment, pyenv), and needs no C compiler at install time.
cffi's ABI mode would read the declarations from a header-like string,
which is nicer to write but needs the python3-cffi package everywhere
the module runs; its API mode needs a compiler and the header at
install time.  The cost of ctypes, declaring the structures by hand, is
paid once here and checked by the test above.
"""

import ctypes
import ctypes.util
import os

c_char_p = ctypes.c_char_p
c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_ulong = ctypes.c_ulong
c_ulonglong = ctypes.c_ulonglong
c_size_t = ctypes.c_size_t
c_double = ctypes.c_double
c_void_p = ctypes.c_void_p
POINTER = ctypes.POINTER

# Option structure versions this module fills in (newsidx.h).
OPEN_OPTIONS_VERSION = 4
INDEX_OPTIONS_VERSION = 7
SEARCH_OPTIONS_VERSION = 4
TREND_OPTIONS_VERSION = 1

OPEN_READ = 0
OPEN_WRITE = 1

SORT_RELEVANCE = 0
SORT_NEWEST = 1
SORT_OLDEST = 2
SORT_INDEXED = 3

POSITIONS_KEEP = 0
POSITIONS_TABLE = 1
POSITIONS_COMPACT = 2

BY_DAY = 0
BY_WEEK = 1
BY_MONTH = 2
BY_YEAR = 3

REJECT_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p, c_char_p)


class OpenOptions(ctypes.Structure):
    _fields_ = [
        ("version", c_int),
        ("mode", c_int),
        ("lock_timeout", c_double),
        ("any_schema", c_int),
        ("synonyms", c_char_p),
        # Version 2:
        ("gazetteer", c_char_p),
        # Version 3:
        ("partial", c_int),
        ("shard_timeout", c_double),
        # Version 4:
        ("period", c_int),
    ]


class IndexStats(ctypes.Structure):
    _fields_ = [
        ("files", c_ulong),
        ("articles", c_ulong),
        ("rejected", c_ulong),
        ("rejected_files", c_ulong),
        ("bytes", c_ulonglong),
        ("added", c_ulong),
        ("updated", c_ulong),
        ("deleted", c_ulong),
        ("unchanged", c_ulong),
        ("files_total", c_ulong),
        ("bytes_total", c_ulonglong),
        ("bytes_done", c_ulonglong),
        ("skipped", c_ulong),
        ("unprocessed", c_ulong),
        ("title_only", c_ulong),
        ("shards", c_ulong),
        ("failed_unchanged", c_ulong),
    ]


PROGRESS_FN = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(IndexStats))


class IndexOptions(ctypes.Structure):
    _fields_ = [
        ("version", c_int),
        ("source", c_char_p),
        ("lang", c_char_p),
        ("max_article_bytes", c_size_t),
        ("batch_size", c_uint),
        ("on_reject", REJECT_FN),
        ("reject_ctx", c_void_p),
        ("no_delete", c_int),
        ("retry_failed", c_int),
        ("force", c_int),
        ("progress", PROGRESS_FN),
        ("progress_ctx", c_void_p),
        ("jobs", c_uint),
        ("shards", c_uint),
        ("positions", c_int),
        ("max_delete_share", c_uint),
        ("max_delete", c_ulong),
        ("encoding", c_char_p),
        ("include", POINTER(c_char_p)),
        ("n_include", c_size_t),
        ("exclude", POINTER(c_char_p)),
        ("n_exclude", c_size_t),
        ("no_tags", c_int),
        # Version 7:
        ("reopen", c_int),
    ]


class Count(ctypes.Structure):
    _fields_ = [("value", c_char_p), ("count", c_size_t)]


class SearchOptions(ctypes.Structure):
    _fields_ = [
        ("version", c_int),
        ("offset", c_size_t),
        ("limit", c_size_t),
        ("sort", c_int),
        ("snippets", c_int),
        ("snippet_words", c_uint),
        ("relax", c_int),
        ("bm25_k1", c_double),
        ("bm25_b", c_double),
        ("lang", c_char_p),
        ("facets", c_uint),
        ("all_copies", c_int),
        ("recent_halflife", c_double),
        ("recent_weight", c_double),
        ("suggest", c_int),
        ("title_weight", c_double),
        ("feedback", c_int),
        ("exact_up_to", c_size_t),
        ("time_limit", c_double),
    ]


# NEWSIDX_SEARCH_OPTIONS_INIT, field by field.
SEARCH_DEFAULTS = {
    "version": SEARCH_OPTIONS_VERSION,
    "offset": 0,
    "limit": 10,
    "sort": SORT_RELEVANCE,
    "snippets": 1,
    "snippet_words": 30,
    "relax": 1,
    "bm25_k1": -1.0,
    "bm25_b": -1.0,
    "lang": None,
    "facets": 0,
    "all_copies": 0,
    "recent_halflife": 0.0,
    "recent_weight": 0.0,
    "suggest": 1,
    "title_weight": 0.0,
    "feedback": 0,
    "exact_up_to": 0,
    "time_limit": 0.0,
}

# NEWSIDX_INDEX_OPTIONS_INIT: everything zero or NULL but the version.
INDEX_DEFAULTS = {name: None for name, _ in IndexOptions._fields_}
INDEX_DEFAULTS.update(
    {name: 0 for name, t in IndexOptions._fields_
     if t in (c_int, c_uint, c_ulong, c_size_t)})
INDEX_DEFAULTS["version"] = INDEX_OPTIONS_VERSION


class Hit(ctypes.Structure):
    _fields_ = [
        ("id", c_char_p),
        ("rank", c_size_t),
        ("score", c_double),
        ("title", c_char_p),
        ("date", c_char_p),
        ("place", c_char_p),
        ("source", c_char_p),
        ("path", c_char_p),
        ("url", c_char_p),
        ("lang", c_char_p),
        # Bytes, not c_char_p: highlights are byte offsets into it.
        ("snippet", c_void_p),
        ("highlights", POINTER(c_size_t)),
        ("nhighlights", c_size_t),
        ("copies", c_size_t),
        ("group", c_char_p),
        ("authors", c_char_p),
        ("topics", c_char_p),
        ("encoding", c_char_p),
    ]


class Article(ctypes.Structure):
    _fields_ = [
        ("id", c_char_p),
        ("title", c_char_p),
        ("date", c_char_p),
        ("place", c_char_p),
        ("source", c_char_p),
        ("path", c_char_p),
        ("url", c_char_p),
        ("lang", c_char_p),
        ("authors", c_char_p),
        ("topics", c_char_p),
        ("body", c_void_p),
        ("body_len", c_size_t),
        ("group", c_char_p),
        ("copies", c_size_t),
        ("encoding", c_char_p),
    ]


class FailedFile(ctypes.Structure):
    _fields_ = [("path", c_char_p), ("reason", c_char_p)]


class Info(ctypes.Structure):
    _fields_ = [
        ("path", c_char_p),
        ("articles", c_size_t),
        ("terms", c_ulonglong),
        ("disk_bytes", c_ulonglong),
        ("updated", c_char_p),
        ("schema_version", c_int),
        ("schema_current", c_int),
        ("stemmer", c_char_p),
        ("stemmer_version", c_char_p),
        ("files", c_size_t),
        ("failed_files", c_size_t),
        ("sources", POINTER(Count)),
        ("nsources", c_size_t),
        ("months", POINTER(Count)),
        ("nmonths", c_size_t),
        ("positions", c_char_p),
        ("dictionary_bytes", c_size_t),
        ("stem_codes", c_size_t),
        ("term_lists", c_int),
        ("deleted", c_size_t),
        ("retired_bytes", c_ulonglong),
        ("failed", POINTER(FailedFile)),
        ("gazetteer", c_char_p),
        ("gazetteer_current", c_char_p),
    ]


class Watch(ctypes.Structure):
    _fields_ = [
        ("name", c_char_p),
        ("query", c_char_p),
        ("lang", c_char_p),
        ("cursor", c_ulonglong),
        ("added", c_char_p),
        ("last_run", c_char_p),
    ]


class Watches(ctypes.Structure):
    _fields_ = [
        ("n", c_size_t),
        ("v", POINTER(Watch)),
        ("sequence", c_ulonglong),
    ]


class TrendOptions(ctypes.Structure):
    _fields_ = [
        ("version", c_int),
        ("by", c_int),
        ("facet", c_uint),
        ("top", c_size_t),
        ("from", c_char_p),
        ("to", c_char_p),
        ("lang", c_char_p),
        ("terms", c_int),
        ("max_terms", c_size_t),
    ]


# NEWSIDX_TREND_OPTIONS_INIT, field by field.
TREND_DEFAULTS = {
    "version": TREND_OPTIONS_VERSION,
    "by": BY_MONTH,
    "facet": 0,
    "top": 5,
    "from": None,
    "to": None,
    "lang": None,
    "terms": 0,
    "max_terms": 0,
}


# Every structure, by its C name, for the layout test.
STRUCTS = {
    "newsidx_open_options_t": OpenOptions,
    "newsidx_index_stats_t": IndexStats,
    "newsidx_index_options_t": IndexOptions,
    "newsidx_count_t": Count,
    "newsidx_search_options_t": SearchOptions,
    "newsidx_hit_t": Hit,
    "newsidx_article_t": Article,
    "newsidx_failed_file_t": FailedFile,
    "newsidx_info_t": Info,
    "newsidx_watch_t": Watch,
    "newsidx_watches_t": Watches,
    "newsidx_trend_options_t": TrendOptions,
}

db_p = c_void_p
results_p = c_void_p
trend_p = c_void_p

# name: (restype, argtypes)
PROTOTYPES = {
    "newsidx_status_str": (c_char_p, [c_int]),
    "newsidx_version": (c_char_p, []),
    "newsidx_db_open": (c_int, [POINTER(db_p), c_char_p,
                                POINTER(OpenOptions)]),
    "newsidx_db_free": (None, [db_p]),
    "newsidx_db_errmsg": (c_char_p, [db_p]),
    "newsidx_db_commit": (c_int, [db_p]),
    "newsidx_db_count": (c_size_t, [db_p]),
    "newsidx_db_shard_count": (c_size_t, [db_p]),
    "newsidx_db_set_search_threads": (c_int, [db_p, c_uint]),
    "newsidx_db_set_long_lived": (c_int, [db_p, c_int]),
    "newsidx_db_shard_line": (c_char_p, [db_p, c_size_t]),
    "newsidx_db_shard_where": (c_char_p, [db_p, c_size_t]),
    "newsidx_db_shard_remote": (c_int, [db_p, c_size_t]),
    "newsidx_db_shard_missing": (c_char_p, [db_p, c_size_t]),
    "newsidx_db_shard_articles": (c_size_t, [db_p, c_size_t]),
    "newsidx_index_path": (c_int, [db_p, c_char_p, POINTER(IndexOptions),
                                   POINTER(IndexStats)]),
    "newsidx_index_buffer": (c_int, [db_p, c_char_p, c_char_p, c_size_t,
                                     POINTER(IndexOptions),
                                     POINTER(IndexStats)]),
    "newsidx_search": (c_int, [POINTER(results_p), db_p, c_char_p,
                               POINTER(SearchOptions)]),
    "newsidx_article_similar": (c_int, [POINTER(results_p), db_p, c_char_p,
                                        POINTER(SearchOptions)]),
    "newsidx_results_total": (c_size_t, [results_p]),
    "newsidx_results_total_exact": (c_int, [results_p]),
    "newsidx_results_total_all": (c_size_t, [results_p]),
    "newsidx_results_total_some": (c_size_t, [results_p]),
    "newsidx_results_count": (c_size_t, [results_p]),
    "newsidx_results_hit": (POINTER(Hit), [results_p, c_size_t]),
    "newsidx_results_relaxed": (c_int, [results_p]),
    "newsidx_results_time_limited": (c_int, [results_p]),
    "newsidx_results_facet": (c_size_t, [results_p, c_uint,
                                         POINTER(POINTER(Count))]),
    "newsidx_results_suggestion": (c_char_p, [results_p]),
    "newsidx_results_free": (None, [results_p]),
    "newsidx_article_get": (c_int, [POINTER(POINTER(Article)), db_p,
                                    c_char_p]),
    "newsidx_article_free": (None, [POINTER(Article)]),
    "newsidx_db_info": (c_int, [db_p, POINTER(POINTER(Info))]),
    "newsidx_info_free": (None, [POINTER(Info)]),
    "newsidx_db_delete_id": (c_int, [db_p, c_char_p]),
    "newsidx_db_delete_query": (c_int, [db_p, c_char_p,
                                        POINTER(c_size_t)]),
    # @since 0.4:
    "newsidx_results_facet_label": (c_char_p, [results_p, c_uint,
                                               c_size_t]),
    "newsidx_watch_list": (c_int, [POINTER(POINTER(Watches)), db_p]),
    "newsidx_watches_free": (None, [POINTER(Watches)]),
    "newsidx_trend": (c_int, [POINTER(trend_p), db_p, c_char_p,
                              POINTER(TrendOptions)]),
    "newsidx_trend_periods": (c_size_t, [trend_p]),
    "newsidx_trend_period": (c_char_p, [trend_p, c_size_t]),
    "newsidx_trend_series": (c_size_t, [trend_p]),
    "newsidx_trend_series_value": (c_char_p, [trend_p, c_size_t]),
    "newsidx_trend_series_label": (c_char_p, [trend_p, c_size_t]),
    "newsidx_trend_count": (c_size_t, [trend_p, c_size_t, c_size_t]),
    "newsidx_trend_sum": (c_size_t, [trend_p, c_size_t]),
    "newsidx_trend_free": (None, [trend_p]),
}

# The oldest library whose structures match the declarations above:
# the fields and functions marked @since 0.4 are used (facet labels,
# watches, trends, counts-only searches).
MIN_VERSION = (0, 4)


def _candidates():
    env = os.environ.get("NEWSIDX_LIBRARY")
    if env:
        return [env]
    # The soname first (an installed library after ldconfig, or one on
    # LD_LIBRARY_PATH), then whatever the system's search finds.
    names = ["libnewsidx.so.0"]
    found = ctypes.util.find_library("newsidx")
    if found:
        names.append(found)
    return names


def load():
    """Load libnewsidx and declare its functions; raise ImportError
    when it cannot be found or is too old for these declarations."""
    errors = []
    lib = None
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError as e:
            errors.append(str(e))
    if lib is None:
        raise ImportError(
            "libnewsidx not found (%s); install newsidx, or set "
            "NEWSIDX_LIBRARY to the path of libnewsidx.so"
            % "; ".join(errors))
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise ImportError("%s: no %s; this module needs libnewsidx "
                              "%d.%d or later" % (lib._name, name,
                                                  *MIN_VERSION)) from None
        fn.restype = restype
        fn.argtypes = argtypes
    version = lib.newsidx_version().decode()
    parts = tuple(int(p) for p in version.split(".")[:2])
    if parts < MIN_VERSION:
        raise ImportError("%s is version %s; this module needs %d.%d or "
                          "later" % (lib._name, version, *MIN_VERSION))
    return lib
