"""newsidx: search news articles from Python, over libnewsidx.

    import newsidx

    with newsidx.Index("news.idx", create=True) as ix:
        ix.add({"id": "a1", "title": "Rail link opens",
                "body": "The high-speed railway opened today.",
                "date": "2024-03-07", "source": "EAM"})
        ix.index_paths(["feeds/"])
        res = ix.search('"high-speed railway"', limit=5, facets=["source"])
        for hit in res.hits:
            print(hit.rank, hit.date, hit.title, hit.snippet)

Everything a search, similar, show, stats or trend call returns carries
the fields of the JSON documents of `newsidx search --json` (and
similar, show, stats, trend): the same names, the same values, and
to_dict() gives the document itself.  Highlights are [start, end)
offsets in code points, so that hit.snippet[start:end] is the matched
text.

Failures raise an exception of the status's class (a subclass of
NewsidxError, grouped by family: QueryError, IndexUnusable, Busy,
InputError), whose message is the handle's one-line detail and whose
.status is the library's number.

The library is found by its soname (libnewsidx.so.0), else by the
system's search; set NEWSIDX_LIBRARY to the path of a libnewsidx.so to
use another one (a build tree's .libs/libnewsidx.so, for instance).
Why ctypes rather than cffi is explained in newsidx/_lib.py.

Threads: one Index serves one call at a time (it holds a lock while the
library runs, which releases the GIL); open one Index per thread to
search in parallel.
"""

import ctypes
import json
import os
import threading
from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Optional

from . import _lib

__all__ = [
    "Index", "Results", "Hit", "Article", "Stats", "IndexStats", "Trend",
    "NewsidxError", "OutOfMemory", "InvalidArgument", "IOFailure",
    "IndexUnusable", "NoIndex", "Corrupt", "VersionMismatch", "Busy",
    "Locked", "Modified", "QueryError", "QuerySyntaxError", "TooManyTerms",
    "InputError", "Rejected", "NoInput", "DeleteRefused", "NotFound",
    "NetworkError", "ReadOnly", "EngineError", "Interrupted",
    "FACETS", "library_version", "status_str",
]

_c = _lib.load()

__version__ = "0.4.0"

# The facets by the names of the JSON documents (and of search --facet).
# The last four (@since 0.4) count fields an article has several values
# of: countries (ISO 3166-1 codes), organisations, people and topics;
# each value comes with the label to display ("Japan" for "JP").
FACETS = {
    "source": 0x01,
    "place": 0x02,
    "lang": 0x04,
    "year": 0x08,
    "month": 0x10,
    "country": 0x20,
    "org": 0x40,
    "person": 0x80,
    "topic": 0x100,
}

_SORTS = {
    "relevance": _lib.SORT_RELEVANCE,
    "newest": _lib.SORT_NEWEST,
    "-date": _lib.SORT_NEWEST,
    "oldest": _lib.SORT_OLDEST,
    "date": _lib.SORT_OLDEST,
    "indexed": _lib.SORT_INDEXED,
}

_BY = {
    "day": _lib.BY_DAY,
    "week": _lib.BY_WEEK,
    "month": _lib.BY_MONTH,
    "year": _lib.BY_YEAR,
}

_POSITIONS = {
    None: _lib.POSITIONS_KEEP,
    "table": _lib.POSITIONS_TABLE,
    "compact": _lib.POSITIONS_COMPACT,
}


def library_version() -> str:
    """The version of the libnewsidx in use, "MAJOR.MINOR.PATCH"."""
    return _c.newsidx_version().decode()


def status_str(status: int) -> str:
    """The library's short description of a status number."""
    return _c.newsidx_status_str(status).decode()


# ---- exceptions -------------------------------------------------------


class NewsidxError(Exception):
    """A status other than NEWSIDX_OK.  str() is the handle's message
    (or the status's description when the handle has none); .status is
    the number, .status_text the library's description."""

    status = 1

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message
        self.status_text = status_str(self.status)


class OutOfMemory(NewsidxError, MemoryError):
    status = 2


class InvalidArgument(NewsidxError, ValueError):
    status = 3


class IOFailure(NewsidxError):
    """A file or directory could not be read or written."""
    status = 4


class IndexUnusable(NewsidxError):
    """The index cannot be used as it is: missing, damaged, or of
    another version."""


class NoIndex(IndexUnusable):
    status = 5


class Corrupt(IndexUnusable):
    status = 8


class VersionMismatch(IndexUnusable):
    status = 9


class Busy(NewsidxError):
    """Another process is in the way; retrying later may succeed."""


class Locked(Busy):
    status = 6


class Modified(Busy):
    status = 7


class QueryError(NewsidxError, ValueError):
    """The query cannot be run as written."""


class QuerySyntaxError(QueryError):
    status = 10


class TooManyTerms(QueryError):
    status = 14


class InputError(NewsidxError):
    """Indexing met bad or missing input.  .stats (IndexStats) and
    .rejects (a list of (where, reason)) say what was done anyway."""

    stats = None
    rejects: List = []


class Rejected(InputError):
    status = 11


class NoInput(InputError):
    status = 18


class DeleteRefused(InputError):
    status = 19


class NotFound(NewsidxError, LookupError):
    status = 12


class NetworkError(NewsidxError):
    status = 13


class ReadOnly(NewsidxError):
    status = 15


class EngineError(NewsidxError):
    status = 16


class Interrupted(NewsidxError):
    status = 17


_BY_STATUS = {cls.status: cls for cls in (
    OutOfMemory, InvalidArgument, IOFailure, NoIndex, Locked, Modified,
    Corrupt, VersionMismatch, QuerySyntaxError, Rejected, NotFound,
    NetworkError, TooManyTerms, ReadOnly, EngineError, Interrupted,
    NoInput, DeleteRefused)}


def _error(status: int, message: str) -> NewsidxError:
    cls = _BY_STATUS.get(status, NewsidxError)
    return cls(message or status_str(status), status)


# ---- what calls return ------------------------------------------------


def _text(s: str, what: str) -> bytes:
    """s for the library: UTF-8, and refused when a NUL would cut it."""
    if not isinstance(s, str):
        raise TypeError("%s must be a str, not %s" % (what, type(s).__name__))
    if "\0" in s:
        raise InvalidArgument("%s holds a NUL character" % what, 3)
    return s.encode("utf-8")


def _s(b) -> str:
    return b.decode("utf-8", "replace") if b else ""


class _Record:
    """A dataclass whose to_dict() is its JSON document."""

    def to_dict(self) -> Dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    def to_json(self, **kw) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kw)


def _plain(v):
    if isinstance(v, _Record):
        return v.to_dict()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, tuple):
        return list(v)
    return v


@dataclass
class Hit(_Record):
    """One search hit: the fields of a hit of `newsidx search --json`."""
    id: str
    rank: int
    score: float
    title: str
    date: str
    place: str
    source: str
    path: str
    url: str
    lang: str
    authors: str
    topics: str
    encoding: str
    snippet: str
    highlights: List[List[int]]
    copies: int
    group: str


@dataclass
class Results(_Record):
    """A page of results: the document of `newsidx search --json`.
    facets maps each facet asked for to [{"value", "label", "count"}...],
    label being the name to display ("Japan" for the country "JP", else
    the value itself).  A search with limit=0 counts only: the totals
    and facets, no hits."""
    query: str
    total: int
    total_exact: bool
    total_all: int
    total_some: int
    offset: int
    limit: int
    relaxed: bool
    suggestion: Optional[str]
    time_limited: bool
    facets: Dict[str, List[Dict[str, Any]]]
    hits: List[Hit]

    def __len__(self):
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)


@dataclass
class Article(_Record):
    """A stored article: the document of `newsidx show --json`."""
    id: str
    title: str
    date: str
    place: str
    source: str
    path: str
    url: str
    lang: str
    authors: str
    topics: str
    body: str
    group: str
    copies: int
    encoding: str


@dataclass
class Stats(_Record):
    """The index described: the document of `newsidx stats --json`.
    sources and months map a value to its count; failed lists
    {"path", "reason"}; gazetteer is {"index", "current", "outdated"}:
    the gazetteer version that tagged the articles ("" when none did),
    the one the library would tag with now, and whether a rebuild
    would tag them again; sequence is the index's last indexing
    sequence; watches lists {"name", "query", "lang", "cursor",
    "behind", "added", "last_run"} (see Index.watches())."""
    index: str
    articles: int
    terms: int
    disk_bytes: int
    updated: str
    schema_version: int
    schema_current: int
    stemmer: str
    stemmer_version: str
    positions: str
    dictionary_bytes: int
    stem_codes: int
    term_lists: bool
    deleted: int
    retired_bytes: int
    files: int
    failed_files: int
    sources: Dict[str, int]
    months: Dict[str, int]
    failed: List[Dict[str, str]]
    gazetteer: Dict[str, Any]
    sequence: int
    watches: List[Dict[str, Any]]


@dataclass
class Trend(_Record):
    """The counts of a query over time: the document of `newsidx trend
    --json`.  periods names each period ("2024-03-07", "2024-W10",
    "2024-03" or "2024"); series lists {"value" (None for the total),
    "label" ("total" for it), "sum", "counts" (one per period)}, the
    total first, then one per top value of the facet.  from_ and to are
    what was asked for (None: the first and last match); to_dict()
    names the first "from"."""
    query: str
    from_: Optional[str]
    to: Optional[str]
    by: str
    facet: Optional[str]
    periods: List[str]
    series: List[Dict[str, Any]]

    def to_dict(self) -> Dict[str, Any]:
        d = super().to_dict()
        return {("from" if k == "from_" else k): v for k, v in d.items()}


@dataclass
class IndexStats(_Record):
    """What an add() or index_paths() call did (newsidx_index_stats_t);
    rejects lists (where, reason) for each rejected input."""
    files: int = 0
    articles: int = 0
    rejected: int = 0
    rejected_files: int = 0
    bytes: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    files_total: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    skipped: int = 0
    unprocessed: int = 0
    title_only: int = 0
    shards: int = 0
    failed_unchanged: int = 0
    rejects: List = field(default_factory=list)


def _hit(h) -> Hit:
    snippet = ctypes.string_at(h.snippet) if h.snippet else b""
    # Byte offsets to code points, as the JSON documents give them.
    hl = []
    for k in range(h.nhighlights):
        a, b = h.highlights[2 * k], h.highlights[2 * k + 1]
        hl.append([len(snippet[:a].decode("utf-8", "replace")),
                   len(snippet[:b].decode("utf-8", "replace"))])
    return Hit(id=_s(h.id), rank=h.rank, score=h.score, title=_s(h.title),
               date=_s(h.date), place=_s(h.place), source=_s(h.source),
               path=_s(h.path), url=_s(h.url), lang=_s(h.lang),
               authors=_s(h.authors), topics=_s(h.topics),
               encoding=_s(h.encoding),
               snippet=snippet.decode("utf-8", "replace"), highlights=hl,
               copies=h.copies, group=_s(h.group))


def _counts(p, n) -> List:
    return [(_s(p[i].value), p[i].count) for i in range(n)]


# ---- the index --------------------------------------------------------


class Index:
    """An open index: Index(path) reads one that exists; create=True
    (or writable=True) opens the one writer, creating the index when it
    is missing.  A context manager; close() frees it (a writer commits
    first).

    lock_timeout: seconds a writer waits for another writer's lock (0:
    fail at once with Locked).  synonyms: a writer's synonym list file.
    gazetteer: a writer's gazetteer additions file (the format of the
    installed gazetteer.txt), kept by the index for later runs and
    queries; a bad line raises InvalidArgument ("FILE:LINE: reason").
    path may name a stub file listing a set of shards (doc/shards.md),
    opened read-only: partial=True searches without a shard that cannot
    be opened, and shard_timeout is the seconds a remote shard has to
    answer (0: 5).
    """

    def __init__(self, path: str, create: bool = False,
                 writable: Optional[bool] = None, lock_timeout: float = 0.0,
                 synonyms: Optional[str] = None,
                 gazetteer: Optional[str] = None,
                 partial: bool = False, shard_timeout: float = 0.0):
        self._lock = threading.Lock()
        self._db = None
        self.path = os.fspath(path)
        self.writable = bool(create if writable is None else writable)
        opts = _lib.OpenOptions(
            _lib.OPEN_OPTIONS_VERSION,
            _lib.OPEN_WRITE if self.writable else _lib.OPEN_READ,
            float(lock_timeout), 0,
            os.fsencode(synonyms) if synonyms is not None else None,
            os.fsencode(gazetteer) if gazetteer is not None else None,
            1 if partial else 0, float(shard_timeout))
        db = _lib.db_p()
        st = _c.newsidx_db_open(ctypes.byref(db), os.fsencode(self.path),
                                ctypes.byref(opts))
        if not db:
            raise OutOfMemory(status_str(2), 2)
        if st:
            err = _error(st, _s(_c.newsidx_db_errmsg(db)))
            _c.newsidx_db_free(db)
            raise err
        self._db = db

    # -- lifecycle --

    def close(self) -> None:
        """Close the index (a writer commits what it has indexed)."""
        with self._lock:
            if self._db:
                _c.newsidx_db_free(self._db)
                self._db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        # The lock may be gone when the interpreter shuts down.
        if getattr(self, "_db", None):
            _c.newsidx_db_free(self._db)
            self._db = None

    def __len__(self):
        return self.count()

    def _handle(self):
        if not self._db:
            raise InvalidArgument("the index is closed", 3)
        return self._db

    def _check(self, st: int) -> None:
        if st:
            raise _error(st, _s(_c.newsidx_db_errmsg(self._db)))

    # -- reading --

    def count(self) -> int:
        """The number of articles in the index."""
        with self._lock:
            return _c.newsidx_db_count(self._handle())

    def set_search_threads(self, n: int) -> None:
        """The threads one search may use: 2 (the default) counts the
        matches in a second thread while the page is ranked; 1 does
        everything on the calling thread, which is better when the
        program already keeps every core busy with searches (a threaded
        web server under load).  The results are the same."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise InvalidArgument("a search uses 1 or 2 threads", 3)
        with self._lock:
            self._check(_c.newsidx_db_set_search_threads(self._handle(),
                                                          n))

    def set_long_lived(self, on: bool = True) -> None:
        """Say that this reader will serve many searches (a web
        application's): its tables of article lengths and near-duplicate
        groups, which make searches cheaper, are read now and again at
        the first search after each commit, instead of once they have
        paid for themselves.  The results are the same.  InvalidArgument
        on an index opened for writing."""
        with self._lock:
            self._check(_c.newsidx_db_set_long_lived(self._handle(),
                                                      1 if on else 0))

    def shards(self) -> List[Dict[str, Any]]:
        """The shards of a set opened from a stub file, as `stats --json`
        lists them: [{"shard": its stub line, "where": a directory,
        host:port or :PROGRAM, "remote": bool, "articles": int, "error":
        why it is missing from the last search (partial=True), or
        None}]; [] for a single index."""
        with self._lock:
            db = self._handle()
            out = []
            for i in range(_c.newsidx_db_shard_count(db)):
                why = _c.newsidx_db_shard_missing(db, i)
                out.append({
                    "shard": _s(_c.newsidx_db_shard_line(db, i)),
                    "where": _s(_c.newsidx_db_shard_where(db, i)),
                    "remote": bool(_c.newsidx_db_shard_remote(db, i)),
                    "articles": _c.newsidx_db_shard_articles(db, i),
                    "error": _s(why) if why is not None else None})
            return out

    def search(self, q: str, **options) -> Results:
        """Run a query of the query language (see newsidx(1)) and return
        a page of results.

        Options, as `newsidx search` has them: limit (10; 0 counts
        only: the totals and facets, no hits), offset (0), sort
        ("relevance", "newest" or "-date", "oldest" or "date",
        "indexed": in the order indexed),
        facets (a list of FACETS names), snippets (True),
        snippet_words (30), relax (True), all_copies (False), lang,
        suggest (True), feedback (0 automatic, 1 always, -1 never),
        recent_halflife, recent_weight, title_weight, bm25_k1, bm25_b,
        exact_up_to, time_limit (seconds; 0 none: past it, the total
        and facet counts cover the articles examined, and the results'
        time_limited is True).

        Raises QuerySyntaxError (the message shows where), TooManyTerms,
        and the other statuses of newsidx_search()."""
        so = self._search_options(options)
        with self._lock:
            r = _lib.results_p()
            self._check(_c.newsidx_search(ctypes.byref(r), self._handle(),
                                          _text(q, "query"),
                                          ctypes.byref(so)))
            return self._results(r, q, so)

    def similar(self, id: str, **options) -> Results:
        """The articles most like the article with this id (its
        near-duplicate copies left out).  Options as for search() (sort
        and relax do not apply).  Raises NotFound for an unknown id."""
        so = self._search_options(options)
        with self._lock:
            r = _lib.results_p()
            self._check(_c.newsidx_article_similar(
                ctypes.byref(r), self._handle(), _text(id, "id"),
                ctypes.byref(so)))
            return self._results(r, "similar:" + id, so)

    def show(self, id: str) -> Article:
        """The stored article with this id; raises NotFound."""
        with self._lock:
            a = ctypes.POINTER(_lib.Article)()
            self._check(_c.newsidx_article_get(ctypes.byref(a),
                                               self._handle(),
                                               _text(id, "id")))
            try:
                x = a.contents
                body = ctypes.string_at(x.body, x.body_len) if x.body \
                    else b""
                return Article(
                    id=_s(x.id), title=_s(x.title), date=_s(x.date),
                    place=_s(x.place), source=_s(x.source),
                    path=_s(x.path), url=_s(x.url), lang=_s(x.lang),
                    authors=_s(x.authors), topics=_s(x.topics),
                    body=body.decode("utf-8", "replace"),
                    group=_s(x.group), copies=x.copies,
                    encoding=_s(x.encoding))
            finally:
                _c.newsidx_article_free(a)

    def stats(self) -> Stats:
        """Describe the index: counts, size, schema, articles per source
        and per month, the files that failed, the gazetteer, the last
        indexing sequence and the watches."""
        with self._lock:
            p = ctypes.POINTER(_lib.Info)()
            self._check(_c.newsidx_db_info(self._handle(), ctypes.byref(p)))
            try:
                sequence, watches = self._watch_list()
            except BaseException:
                _c.newsidx_info_free(p)
                raise
            try:
                i = p.contents
                failed = []
                if i.failed:
                    failed = [{"path": _s(i.failed[k].path),
                               "reason": _s(i.failed[k].reason)}
                              for k in range(i.failed_files)]
                return Stats(
                    index=_s(i.path), articles=i.articles, terms=i.terms,
                    disk_bytes=i.disk_bytes, updated=_s(i.updated),
                    schema_version=i.schema_version,
                    schema_current=i.schema_current,
                    stemmer=_s(i.stemmer),
                    stemmer_version=_s(i.stemmer_version),
                    positions=_s(i.positions),
                    dictionary_bytes=i.dictionary_bytes,
                    stem_codes=i.stem_codes, term_lists=bool(i.term_lists),
                    deleted=i.deleted, retired_bytes=i.retired_bytes,
                    files=i.files, failed_files=i.failed_files,
                    sources=dict(_counts(i.sources, i.nsources)),
                    months=dict(_counts(i.months, i.nmonths)),
                    failed=failed,
                    gazetteer={
                        "index": _s(i.gazetteer),
                        "current": _s(i.gazetteer_current),
                        # Tagged with another version than now's.
                        "outdated": bool(i.gazetteer) and
                        i.gazetteer != i.gazetteer_current},
                    sequence=sequence, watches=watches)
            finally:
                _c.newsidx_info_free(p)

    def watches(self) -> List[Dict[str, Any]]:
        """The index's watches (standing queries, see `newsidx watch`),
        by name, as `newsidx stats --json` lists them: {"name", "query",
        "lang" ("" for English), "cursor" (the last indexing sequence
        reported), "behind" (sequences indexed since), "added",
        "last_run" ("" before the first)}."""
        with self._lock:
            return self._watch_list()[1]

    def _watch_list(self):
        """(the last indexing sequence, the watches); the lock is held."""
        p = ctypes.POINTER(_lib.Watches)()
        self._check(_c.newsidx_watch_list(ctypes.byref(p), self._handle()))
        try:
            w = p.contents
            seq = w.sequence
            out = []
            for k in range(w.n):
                x = w.v[k]
                out.append({"name": _s(x.name), "query": _s(x.query),
                            "lang": _s(x.lang), "cursor": x.cursor,
                            "behind": seq - x.cursor if seq > x.cursor
                            else 0,
                            "added": _s(x.added),
                            "last_run": _s(x.last_run)})
            return seq, out
        finally:
            _c.newsidx_watches_free(p)

    def trend(self, q: str, by: str = "month", facet: Optional[str] = None,
              top: int = 5, from_: Optional[str] = None,
              to: Optional[str] = None, lang: Optional[str] = None) -> Trend:
        """Count the matches of a query (every word required) per
        period, as `newsidx trend --json`: by "day", "week" (ISO),
        "month" or "year"; periods without a match count 0.  facet (a
        FACETS name but year and month) adds a series for each of its
        top values with the most matches.  from_ and to ("YYYY",
        "YYYY-MM" or "YYYY-MM-DD") bound the periods; None: those of
        the first and last match.  Raises InvalidArgument for a bad
        option or date, QuerySyntaxError."""
        if by not in _BY:
            raise InvalidArgument("bad by '%s' (%s)"
                                  % (by, ", ".join(_BY)), 3)
        to_opts = _lib.TrendOptions(**_lib.TREND_DEFAULTS)
        to_opts.by = _BY[by]
        if facet is not None:
            if facet not in FACETS or facet in ("year", "month"):
                raise InvalidArgument(
                    "bad facet '%s' (%s)" % (facet, ", ".join(
                        f for f in FACETS if f not in ("year", "month"))),
                    3)
            to_opts.facet = FACETS[facet]
        to_opts.top = int(top)
        if from_ is not None:
            setattr(to_opts, "from", _text(from_, "from_"))
        if to is not None:
            to_opts.to = _text(to, "to")
        if lang:
            to_opts.lang = _text(lang, "lang")
        with self._lock:
            t = _lib.trend_p()
            self._check(_c.newsidx_trend(ctypes.byref(t), self._handle(),
                                         _text(q, "query"),
                                         ctypes.byref(to_opts)))
            try:
                np = _c.newsidx_trend_periods(t)
                periods = [_s(_c.newsidx_trend_period(t, i))
                           for i in range(np)]
                series = []
                for k in range(_c.newsidx_trend_series(t)):
                    series.append({
                        "value": _s(_c.newsidx_trend_series_value(t, k))
                        if k else None,
                        "label": _s(_c.newsidx_trend_series_label(t, k))
                        if k else "total",
                        "sum": _c.newsidx_trend_sum(t, k),
                        "counts": [_c.newsidx_trend_count(t, k, i)
                                   for i in range(np)]})
            finally:
                _c.newsidx_trend_free(t)
        return Trend(query=q, from_=from_, to=to, by=by, facet=facet,
                     periods=periods, series=series)

    # -- writing --

    def add(self, articles, name: str = "python", **options) -> IndexStats:
        """Add or replace articles: a dict or a list of dicts with the
        members of the JSON Lines format (id, title, body, date, url,
        source, place, lang, authors, topics).  An article replaces the
        stored one with the same id (else url); one with neither raises
        InvalidArgument and nothing is added.  name names the input in
        the messages of rejections ("python:2: ...").  Committed before returning.  Options as for
        index_paths() (source, lang, max_article_bytes, batch_size).
        Raises Rejected for a bad article (the others are added)."""
        if isinstance(articles, dict):
            articles = [articles]
        for i, a in enumerate(articles):
            # Without either, the article's id would be name#N, and the
            # next call's article N would silently replace it.
            if isinstance(a, dict) and not (a.get("id") or a.get("url")):
                raise InvalidArgument("article %d has neither id nor url"
                                      % (i + 1), 3)
        lines = [json.dumps(a, ensure_ascii=False) for a in articles]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        return self._index(options, lambda db, io, stats:
                           _c.newsidx_index_buffer(
                               db, _text(name, "name"), data, len(data),
                               io, stats))

    def index_paths(self, paths, **options) -> IndexStats:
        """Index files and directories (recursively, incrementally: only
        what changed is read, articles of vanished files are removed), as
        `newsidx index` does.  paths: one path or a list.

        Options: source, lang, encoding, include and exclude (lists of
        gitignore patterns), force, retry_failed, no_delete, no_tags,
        max_delete_share, max_delete, max_article_bytes, batch_size,
        jobs, shards, positions ("table" or "compact", for an empty
        index), on_reject (a callable(where, reason); when given,
        rejections are not raised), progress (a callable(IndexStats)
        returning True to stop).

        Returns the counters summed over the paths.  Raises Rejected
        after the whole run when something was rejected (and on_reject
        is not given), NoInput for a missing path, DeleteRefused,
        Interrupted, ReadOnly for an index opened read-only; the
        exception's .stats and .rejects say what was done."""
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        return self._index(options, lambda db, io, stats: self._paths(
            db, paths, io, stats))

    @staticmethod
    def _paths(db, paths, io, stats):
        worst = 0
        for p in paths:
            st = _c.newsidx_index_path(db, os.fsencode(p), io, stats)
            if st == 11:  # REJECTED: the rest was indexed; go on
                worst = st
            elif st:
                return st
        return worst

    def delete(self, id: str) -> None:
        """Delete the article with this id; raises NotFound."""
        with self._lock:
            self._check(_c.newsidx_db_delete_id(self._handle(),
                                                _text(id, "id")))

    def commit(self) -> None:
        """Make what was indexed durable and visible to readers."""
        with self._lock:
            self._check(_c.newsidx_db_commit(self._handle()))

    # -- helpers --

    def _index(self, options, call) -> IndexStats:
        keep = []  # keeps the encoded strings alive during the call
        on_reject = options.pop("on_reject", None)
        progress = options.pop("progress", None)
        io = _index_options(options, keep)
        rejects = []
        failure = []

        def reject_cb(ctx, where, reason):
            w, r = _s(where), _s(reason)
            rejects.append((w, r))
            if on_reject is not None:
                try:
                    on_reject(w, r)
                except BaseException as e:  # noqa: B902
                    failure.append(e)

        def progress_cb(ctx, p):
            if failure:
                return 1
            try:
                return 1 if progress(_index_stats(p.contents, [])) else 0
            except BaseException as e:  # noqa: B902
                failure.append(e)
                return 1

        io.on_reject = _lib.REJECT_FN(reject_cb)
        if progress is not None:
            io.progress = _lib.PROGRESS_FN(progress_cb)
        stats = _lib.IndexStats()
        with self._lock:
            st = call(self._handle(), ctypes.byref(io), ctypes.byref(stats))
            msg = _s(_c.newsidx_db_errmsg(self._db)) if st else ""
        result = _index_stats(stats, rejects)
        if failure:
            raise failure[0]
        if st == 11 and on_reject is not None:
            st = 0
        if st:
            err = _error(st, msg)
            err.stats = result
            err.rejects = rejects
            raise err
        return result

    def _search_options(self, options) -> _lib.SearchOptions:
        so = _lib.SearchOptions(**_lib.SEARCH_DEFAULTS)
        for k, v in options.items():
            if k == "sort":
                if v not in _SORTS:
                    raise InvalidArgument(
                        "bad sort '%s' (relevance, newest, oldest)" % v, 3)
                so.sort = _SORTS[v]
            elif k == "facets":
                if isinstance(v, str):
                    v = [v]
                bits = 0
                for name in v:
                    if name not in FACETS:
                        raise InvalidArgument(
                            "bad facet '%s' (%s)"
                            % (name, ", ".join(FACETS)), 3)
                    bits |= FACETS[name]
                so.facets = bits
            elif k == "lang":
                so.lang = _text(v, "lang") if v else None
            elif k in ("version",) or k not in _lib.SEARCH_DEFAULTS:
                raise TypeError("unknown search option '%s'" % k)
            else:
                # int or float, as the default; bools become 0 or 1.
                setattr(so, k, type(_lib.SEARCH_DEFAULTS[k])(v))
        return so

    def _results(self, r, query, so) -> Results:
        try:
            hits = []
            for i in range(_c.newsidx_results_count(r)):
                hits.append(_hit(_c.newsidx_results_hit(r, i).contents))
            facets = {}
            for name, bit in FACETS.items():
                if not so.facets & bit:
                    continue
                p = ctypes.POINTER(_lib.Count)()
                n = _c.newsidx_results_facet(r, bit, ctypes.byref(p))
                facets[name] = []
                for k, (v, c) in enumerate(_counts(p, n)):
                    label = _c.newsidx_results_facet_label(r, bit, k)
                    facets[name].append(
                        {"value": v,
                         "label": _s(label) if label is not None else v,
                         "count": c})
            sug = _c.newsidx_results_suggestion(r)
            return Results(
                query=query, total=_c.newsidx_results_total(r),
                total_exact=bool(_c.newsidx_results_total_exact(r)),
                total_all=_c.newsidx_results_total_all(r),
                total_some=_c.newsidx_results_total_some(r),
                offset=so.offset, limit=so.limit,
                relaxed=bool(_c.newsidx_results_relaxed(r)),
                suggestion=sug.decode("utf-8", "replace") if sug else None,
                time_limited=bool(_c.newsidx_results_time_limited(r)),
                facets=facets, hits=hits)
        finally:
            _c.newsidx_results_free(r)


def _index_options(options, keep) -> _lib.IndexOptions:
    io = _lib.IndexOptions(**{k: v for k, v in _lib.INDEX_DEFAULTS.items()
                              if v is not None})

    def enc(v):
        b = os.fsencode(v)
        keep.append(b)
        return b

    def patterns(v):
        if isinstance(v, (str, bytes)):
            v = [v]
        arr = (ctypes.c_char_p * len(v))(*[enc(p) for p in v])
        keep.append(arr)
        return arr, len(v)

    for k, v in options.items():
        if k in ("source", "lang", "encoding"):
            setattr(io, k, enc(v) if v else None)
        elif k in ("include", "exclude"):
            arr, n = patterns(v)
            setattr(io, k, ctypes.cast(arr, ctypes.POINTER(ctypes.c_char_p)))
            setattr(io, "n_" + k, n)
        elif k == "positions":
            if v not in _POSITIONS:
                raise InvalidArgument(
                    "bad positions '%s' (table, compact)" % v, 3)
            io.positions = _POSITIONS[v]
        elif k in ("no_delete", "retry_failed", "force", "no_tags"):
            setattr(io, k, 1 if v else 0)
        elif k in ("max_article_bytes", "batch_size", "jobs", "shards",
                   "max_delete_share", "max_delete"):
            setattr(io, k, int(v))
        else:
            raise TypeError("unknown indexing option '%s'" % k)
    return io


def _index_stats(s, rejects) -> IndexStats:
    return IndexStats(**{name: getattr(s, name)
                         for name, _ in _lib.IndexStats._fields_},
                      rejects=list(rejects))
