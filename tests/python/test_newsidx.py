"""Tests of the Python module newsidx (python/newsidx) over the library of
the build tree.

Run by tests/python/test_python.sh, which sets NEWSIDX_LIBRARY (the
built libnewsidx.so), NEWSIDX_LAYOUT (what tests/python/layout.c prints
about the header's structures), NEWSIDX (the built program, whose --json
documents the module must reproduce), FIXTURES and top_srcdir.
"""

import ctypes
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import newsidx
from newsidx import _lib

FIXTURES = os.environ["FIXTURES"]
PROGRAM = os.environ["NEWSIDX"]


def cli(index, *args):
    """Run the newsidx program on index; its parsed JSON output."""
    out = subprocess.run([PROGRAM, "--index", index] + list(args),
                         check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out)


class Layout(unittest.TestCase):
    """The ctypes declarations agree with the header, as compiled."""

    @classmethod
    def setUpClass(cls):
        with open(os.environ["NEWSIDX_LAYOUT"]) as f:
            cls.lines = [ln.split() for ln in f.read().splitlines()]

    def test_structures(self):
        sizes = {ln[1]: int(ln[2]) for ln in self.lines if ln[0] == "size"}
        self.assertEqual(set(sizes), set(_lib.STRUCTS))
        for cname, cls in _lib.STRUCTS.items():
            with self.subTest(struct=cname):
                self.assertEqual(ctypes.sizeof(cls), sizes[cname])
                cfields = [(ln[2], int(ln[3]), int(ln[4]))
                           for ln in self.lines
                           if ln[0] == "field" and ln[1] == cname]
                pyfields = [(name, getattr(cls, name).offset,
                             getattr(cls, name).size)
                            for name, _ in cls._fields_]
                self.assertEqual(pyfields, cfields)

    def test_constants(self):
        for ln in self.lines:
            if ln[0] == "version":
                self.assertEqual(getattr(_lib, ln[1]), int(ln[2]), ln[1])
            elif ln[0] == "facet":
                self.assertEqual(newsidx.FACETS[ln[1]], int(ln[2]), ln[1])

    def test_search_defaults(self):
        defaults = {ln[1]: ln[2] for ln in self.lines if ln[0] == "default"}
        self.assertEqual(set(defaults), set(_lib.SEARCH_DEFAULTS))
        for name, c in defaults.items():
            py = _lib.SEARCH_DEFAULTS[name]
            if name == "lang":
                self.assertEqual(int(c), py is not None)
            else:
                self.assertEqual(float(c), float(py), name)

    def test_trend_defaults(self):
        defaults = {ln[1]: ln[2] for ln in self.lines
                    if ln[0] == "trend_default"}
        self.assertEqual(set(defaults), set(_lib.TREND_DEFAULTS))
        for name, c in defaults.items():
            py = _lib.TREND_DEFAULTS[name]
            if name in ("from", "to", "lang"):
                self.assertEqual(int(c), py is not None, name)
            else:
                self.assertEqual(int(c), py, name)

    def test_other_defaults(self):
        zero = {ln[1]: ln[2] for ln in self.lines if ln[0] == "zero"}
        self.assertEqual(zero, {"index_options": "1", "open_options": "1"})


class Errors(unittest.TestCase):
    """Statuses become exceptions of their class, with the message."""

    def test_every_status_has_its_class(self):
        for st in range(1, 20):
            e = newsidx._error(st, "")
            self.assertIsInstance(e, newsidx.NewsidxError)
            self.assertEqual(e.status, st)
            # An empty handle message falls back to the description.
            self.assertEqual(str(e), newsidx.status_str(st))
        self.assertIs(type(newsidx._error(12, "x")), newsidx.NotFound)
        self.assertIs(type(newsidx._error(1, "x")), newsidx.NewsidxError)
        self.assertIs(type(newsidx._error(99, "x")), newsidx.NewsidxError)

    def test_families(self):
        self.assertTrue(issubclass(newsidx.NoIndex, newsidx.IndexUnusable))
        self.assertTrue(issubclass(newsidx.Locked, newsidx.Busy))
        self.assertTrue(issubclass(newsidx.QuerySyntaxError, ValueError))
        self.assertTrue(issubclass(newsidx.NotFound, LookupError))
        self.assertTrue(issubclass(newsidx.NoInput, newsidx.InputError))

    def test_no_index(self):
        d = tempfile.mkdtemp()
        try:
            missing = os.path.join(d, "none")
            with self.assertRaises(newsidx.NoIndex) as cm:
                newsidx.Index(missing)
            self.assertEqual(cm.exception.status, 5)
            self.assertIn(missing, str(cm.exception))
            self.assertNotIn("\n", str(cm.exception))
        finally:
            shutil.rmtree(d)

    def test_version(self):
        v = newsidx.library_version()
        self.assertRegex(v, r"^\d+\.\d+\.\d+$")


class Fixture(unittest.TestCase):
    """One index of the good fixtures, shared by the reading tests."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        cls.path = os.path.join(cls.dir, "idx")
        with newsidx.Index(cls.path, create=True) as ix:
            cls.stats = ix.index_paths(os.path.join(FIXTURES, "good"))
        cls.ix = newsidx.Index(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.ix.close()
        shutil.rmtree(cls.dir)


class Reading(Fixture):

    def test_index_stats(self):
        self.assertEqual(self.stats.files, 3)
        self.assertGreaterEqual(self.stats.articles, 5)
        self.assertEqual(self.stats.added, self.stats.articles)
        self.assertEqual(self.stats.rejected, 0)
        self.assertEqual(len(self.ix), self.stats.articles)

    def test_search_is_the_json_document(self):
        res = self.ix.search("lighthouse", limit=3,
                             facets=["source", "month"])
        doc = cli(self.path, "search", "--json", "--limit", "3",
                  "--facet", "source,month", "lighthouse")
        self.assertEqual(res.to_dict(), doc)
        self.assertEqual(len(res.hits), 3)
        self.assertGreater(res.total, 3)
        self.assertEqual(res.total, res.total_all + res.total_some)
        self.assertIn("source", res.facets)
        # Everything survives the round trip through JSON.
        self.assertEqual(json.loads(res.to_json()), doc)

    def test_search_threads(self):
        with newsidx.Index(self.path) as ix:
            both = ix.search("lighthouse", limit=100).to_dict()
            ix.set_search_threads(1)
            self.assertEqual(ix.search("lighthouse", limit=100).to_dict(),
                             both)
            ix.set_search_threads(2)
            self.assertEqual(ix.search("lighthouse", limit=100).to_dict(),
                             both)
            with self.assertRaises(newsidx.InvalidArgument) as e:
                ix.set_search_threads(3)
            self.assertIn("3", str(e.exception))

    def test_long_lived(self):
        with newsidx.Index(self.path) as ix:
            before = ix.search("lighthouse", limit=2).to_dict()
            ix.set_long_lived()
            self.assertEqual(ix.search("lighthouse", limit=2).to_dict(),
                             before)
            ix.set_long_lived(False)
            self.assertEqual(ix.search("lighthouse", limit=2).to_dict(),
                             before)
        with newsidx.Index(self.path, writable=True) as w:
            with self.assertRaises(newsidx.InvalidArgument) as e:
                w.set_long_lived()
            self.assertIn("writing", str(e.exception))

    def test_highlights_index_the_snippet(self):
        res = self.ix.search("zeppelin")
        self.assertGreaterEqual(res.total, 1)
        hit = res.hits[0]
        self.assertTrue(hit.highlights)
        for start, end in hit.highlights:
            self.assertEqual(hit.snippet[start:end].lower()[:8], "zeppelin")

    def test_options(self):
        newest = self.ix.search("lighthouse", sort="newest", limit=100)
        dates = [h.date for h in newest.hits if h.date]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(newest.to_dict(),
                         cli(self.path, "search", "--json", "--limit", "100",
                             "--sort=-date", "lighthouse"))
        page2 = self.ix.search("lighthouse", offset=1, limit=1)
        self.assertEqual(page2.hits[0].rank, 2)
        bare = self.ix.search("lighthouse", snippets=False)
        self.assertEqual(bare.hits[0].snippet, "")

    def test_bad_options(self):
        with self.assertRaises(TypeError):
            self.ix.search("x", colour="red")
        with self.assertRaises(newsidx.InvalidArgument):
            self.ix.search("x", sort="sideways")
        with self.assertRaises(newsidx.InvalidArgument):
            self.ix.search("x", facets=["weather"])
        # A NUL would cut the query short in C: refused, not truncated.
        with self.assertRaises(newsidx.InvalidArgument):
            self.ix.search("lighthouse\0 OR quokka")
        with self.assertRaises(TypeError):
            self.ix.show(b"good-c1")

    def test_query_syntax_error(self):
        with self.assertRaises(newsidx.QuerySyntaxError) as cm:
            self.ix.search('lighthouse AND (quokka')
        e = cm.exception
        self.assertEqual(e.status, 10)
        self.assertTrue(str(e))
        self.assertNotIn("\n", str(e))
        self.assertIsInstance(e, ValueError)
        # The handle goes on working after an error.
        self.assertGreater(self.ix.search("quokka").total, 0)

    def test_shards(self):
        # One index is no set; a stub of two local shards searches both,
        # and says what each holds.
        self.assertEqual(self.ix.shards(), [])
        other = os.path.join(self.dir, "other")
        with newsidx.Index(other, create=True) as ix:
            ix.add([{"id": "shard-b-1", "title": "Lighthouse keepers",
                     "body": "A lighthouse on the second shard."}])
        stub = os.path.join(self.dir, "all.stub")
        with open(stub, "w") as f:
            f.write("# two shards\nauto idx\nauto other\n")
        with newsidx.Index(stub) as s:
            shards = s.shards()
            self.assertEqual([x["shard"] for x in shards],
                             ["auto idx", "auto other"])
            self.assertEqual([x["remote"] for x in shards], [False, False])
            self.assertEqual([x["articles"] for x in shards],
                             [len(self.ix), 1])
            self.assertEqual(len(s), len(self.ix) + 1)
            ids = [h.id for h in s.search("lighthouse", limit=100)]
            self.assertIn("shard-b-1", ids)
            self.assertEqual(
                len(ids),
                len(self.ix.search("lighthouse", limit=100).hits) + 1)
            with self.assertRaises(newsidx.NewsidxError):
                s.add([{"id": "x", "body": "refused"}])

    def test_remote_shard_count(self):
        # A phrase's total is estimated from samples of the docids once it
        # has more candidates than exact_up_to; over a remote shard
        # (xapian-progsrv here) that cannot run, and the count is exact.
        path = os.path.join(self.dir, "keepers")
        arts = [{"id": "keeper-%02d" % i, "title": "Keepers %d" % i,
                 "body": "The lighthouse keeper of island %d wrote %s."
                         % (i, "twice" if i % 2 else "a lighthouse log")}
                for i in range(40)]
        with newsidx.Index(path, create=True) as ix:
            ix.add(arts)
            want = ix.search('"lighthouse keeper"', exact_up_to=5,
                             all_copies=True).total
        self.assertEqual(want, 40)
        stub = os.path.join(self.dir, "remote.stub")
        with open(stub, "w") as f:
            f.write("remote :xapian-progsrv %s\n" % path)
        with newsidx.Index(stub) as s:
            self.assertEqual(s.shards()[0]["remote"], True)
            res = s.search('"lighthouse keeper"', exact_up_to=5, limit=3,
                           all_copies=True)
            self.assertEqual(res.total, want)
            self.assertEqual(len(res.hits), 3)

    def test_suggestion(self):
        res = self.ix.search("lighthuose")
        self.assertEqual(res.to_dict(),
                         cli(self.path, "search", "--json", "lighthuose"))
        self.assertEqual(res.suggestion, "lighthouse")

    def test_show(self):
        art = self.ix.show("good-c1")
        self.assertEqual(art.to_dict(),
                         cli(self.path, "show", "--json", "good-c1"))
        self.assertEqual(art.title, "Island ferry adds evening sailings")
        self.assertIn("quokka", art.body)
        with self.assertRaises(newsidx.NotFound) as cm:
            self.ix.show("no-such-id")
        self.assertEqual(cm.exception.status, 12)

    def test_similar(self):
        res = self.ix.similar("good-c1", limit=5)
        self.assertEqual(res.to_dict(),
                         cli(self.path, "similar", "--json", "--limit", "5",
                             "good-c1"))
        self.assertEqual(res.query, "similar:good-c1")
        self.assertNotIn("good-c1", [h.id for h in res.hits])
        with self.assertRaises(newsidx.NotFound):
            self.ix.similar("no-such-id")

    def test_stats(self):
        st = self.ix.stats()
        self.assertEqual(st.to_dict(), cli(self.path, "stats", "--json"))
        self.assertEqual(st.articles, len(self.ix))
        self.assertEqual(st.files, 3)
        self.assertEqual(st.sources.get("Fixture Wire"), 3)

    def test_counts_only(self):
        # limit=0: the totals and facets, no hits; labels as the CLI's.
        res = self.ix.search("lighthouse", limit=0,
                             facets=["source", "country", "topic"])
        self.assertEqual(res.to_dict(),
                         cli(self.path, "search", "--json", "--limit", "0",
                             "--facet", "source,country,topic",
                             "lighthouse"))
        self.assertEqual(res.hits, [])
        self.assertGreater(res.total, 3)
        for name in ("source", "country", "topic"):
            for v in res.facets[name]:
                self.assertEqual(set(v), {"value", "label", "count"})
                self.assertTrue(v["label"])

    def test_stats_gazetteer(self):
        st = self.ix.stats()
        self.assertEqual(set(st.gazetteer), {"index", "current", "outdated"})
        self.assertTrue(st.gazetteer["current"])
        self.assertFalse(st.gazetteer["outdated"])
        self.assertGreaterEqual(st.sequence, st.articles)
        self.assertEqual(st.watches, self.ix.watches())

    def test_trend(self):
        tr = self.ix.trend("lighthouse")
        self.assertEqual(tr.to_dict(),
                         cli(self.path, "trend", "--json", "lighthouse"))
        self.assertEqual(tr.series[0]["label"], "total")
        self.assertEqual(tr.series[0]["sum"],
                         self.ix.search("+lighthouse", limit=0).total)
        tr = self.ix.trend("lighthouse", by="day", facet="country", top=3,
                           from_="2020", to="2025")
        self.assertEqual(tr.to_dict(),
                         cli(self.path, "trend", "--json", "--by", "day",
                             "--facet", "country", "--top", "3", "--from",
                             "2020", "--to", "2025", "lighthouse"))
        with self.assertRaises(newsidx.InvalidArgument):
            self.ix.trend("lighthouse", by="fortnight")
        with self.assertRaises(newsidx.InvalidArgument):
            self.ix.trend("lighthouse", facet="month")
        with self.assertRaises(newsidx.InvalidArgument):
            self.ix.trend("lighthouse", from_="March")

    def test_read_only(self):
        with self.assertRaises(newsidx.ReadOnly) as cm:
            self.ix.add({"id": "x", "title": "t", "body": "b"})
        self.assertEqual(cm.exception.status, 15)


class Writing(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, "idx")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_add_search_replace(self):
        with newsidx.Index(self.path, create=True) as ix:
            st = ix.add([
                {"id": "py-1", "title": "Zürich café reopens",
                 "body": "The café by the lake in Zürich reopened on "
                         "Monday after a flood.",
                 "date": "2024-06-01", "source": "Py Wire",
                 "authors": ["A. Writer", "B. Writer"]},
                {"id": "py-2", "title": "Ferry timetable",
                 "body": "A new ferry timetable starts in June.",
                 "date": "2024-06-02", "source": "Py Wire"},
            ])
            self.assertEqual((st.articles, st.added, st.updated), (2, 2, 0))
            res = ix.search("café")
            self.assertEqual([h.id for h in res.hits], ["py-1"])
            hit = res.hits[0]
            self.assertEqual(hit.authors, "A. Writer, B. Writer")
            # Code points, not bytes: the snippet has an "ü" before.
            words = {hit.snippet[a:b] for a, b in hit.highlights}
            self.assertIn("café", words)
            st = ix.add({"id": "py-2", "title": "Ferry timetable changed",
                         "body": "The ferry timetable changes in July.",
                         "date": "2024-06-03"})
            self.assertEqual((st.added, st.updated), (0, 1))
            self.assertEqual(ix.show("py-2").title,
                             "Ferry timetable changed")
            self.assertEqual(len(ix), 2)
            ix.delete("py-1")
            ix.commit()
            self.assertEqual(len(ix), 1)
            with self.assertRaises(newsidx.NotFound):
                ix.delete("py-1")
        # What was added is committed: a reader sees it.
        with newsidx.Index(self.path) as ro:
            self.assertEqual(ro.search("ferry").total, 1)

    def test_watches_in_stats(self):
        with newsidx.Index(self.path, create=True) as ix:
            ix.add({"id": "w-1", "title": "Harbour crane", "body": "A crane."})
        subprocess.run([PROGRAM, "--index", self.path, "watch", "add",
                        "cranes", "crane"], check=True,
                       stdout=subprocess.DEVNULL)
        with newsidx.Index(self.path, create=True) as ix:
            ix.add({"id": "w-2", "title": "Second crane", "body": "Cranes."})
        with newsidx.Index(self.path) as ix:
            st = ix.stats()
            self.assertEqual(st.to_dict(), cli(self.path, "stats", "--json"))
            self.assertEqual([w["name"] for w in ix.watches()], ["cranes"])
            self.assertEqual({"sequence": st.sequence,
                              "watches": ix.watches()},
                             cli(self.path, "watch", "list", "--json"))
            w = st.watches[0]
            self.assertEqual(w["query"], "crane")
            self.assertEqual(w["last_run"], "")
            self.assertEqual(w["behind"], st.sequence - w["cursor"])
            self.assertGreater(w["behind"], 0)

    def test_gazetteer_additions(self):
        g = os.path.join(self.dir, "additions.txt")
        with open(g, "w") as f:
            f.write("org QWXZ Quokka Wildlife Exchange\n")
        with newsidx.Index(self.path, create=True, gazetteer=g) as ix:
            ix.add({"id": "q1", "title": "Quokka Wildlife Exchange opens",
                    "body": "The Quokka Wildlife Exchange opened."})
            res = ix.search("quokka", facets=["org"])
            self.assertEqual([v["value"] for v in res.facets["org"]],
                             ["QWXZ"])
            self.assertIn("+local:", ix.stats().gazetteer["index"])
        with open(g, "w") as f:
            f.write("this is not a line\n")
        with self.assertRaises(newsidx.InvalidArgument) as cm:
            newsidx.Index(self.path, create=True, gazetteer=g)
        self.assertIn("additions.txt:1:", str(cm.exception))

    def test_add_rejects_bad_articles(self):
        with newsidx.Index(self.path, create=True) as ix:
            with self.assertRaises(newsidx.Rejected) as cm:
                ix.add([{"id": "ok-1", "title": "Good", "body": "Fine text."},
                        ["not", "an", "article"]], name="batch")
            e = cm.exception
            self.assertEqual(e.status, 11)
            self.assertEqual(e.stats.articles, 1)
            self.assertEqual(e.stats.rejected, 1)
            self.assertEqual(len(e.rejects), 1)
            self.assertTrue(e.rejects[0][0].startswith("batch:2"),
                            e.rejects)
            self.assertEqual(ix.show("ok-1").title, "Good")
            # Neither id nor url: refused before anything is indexed.
            with self.assertRaises(newsidx.InvalidArgument):
                ix.add([{"id": "ok-2", "title": "Fine", "body": "Text."},
                        {"title": "No id", "body": "Text."}])
            with self.assertRaises(newsidx.NotFound):
                ix.show("ok-2")

    def test_index_paths_rejects(self):
        hostile = os.path.join(FIXTURES, "hostile")
        with newsidx.Index(self.path, create=True) as ix:
            with self.assertRaises(newsidx.Rejected) as cm:
                ix.index_paths([hostile])
            e = cm.exception
            self.assertGreater(e.stats.articles, 0)
            self.assertGreater(e.stats.rejected, 0)
            self.assertEqual(len(e.rejects), e.stats.rejected)
            self.assertTrue(any("malformed.jsonl:2" in w
                                for w, _ in e.rejects), e.rejects)
            self.assertTrue(str(e))
            # With a callback, rejections are reported there instead.
            seen = []
            st = ix.index_paths(hostile, retry_failed=True,
                                on_reject=lambda w, r: seen.append(w))
            self.assertTrue(seen)
            self.assertEqual(st.rejects, [(w, st.rejects[i][1])
                                          for i, w in enumerate(seen)])

    def test_index_paths_errors(self):
        with newsidx.Index(self.path, create=True) as ix:
            with self.assertRaises(newsidx.NoInput) as cm:
                ix.index_paths(os.path.join(self.dir, "absent"))
            self.assertIn("absent", str(cm.exception))
            with self.assertRaises(TypeError):
                ix.index_paths(FIXTURES, colour="red")
            with self.assertRaises(newsidx.InvalidArgument):
                ix.index_paths(FIXTURES, positions="sideways")

    def test_index_paths_options(self):
        good = os.path.join(FIXTURES, "good")
        with newsidx.Index(self.path, create=True) as ix:
            st = ix.index_paths(good, include=["*.jsonl"],
                                source="Fallback", positions="compact")
            self.assertEqual(st.files, 1)
            self.assertEqual(ix.stats().positions, "compact")
            st = ix.index_paths(good, include=["*.jsonl"])
            self.assertEqual((st.articles, st.unchanged), (0, 1))

    def test_progress_stops(self):
        calls = []

        def progress(stats):
            calls.append(stats.files)
            return True

        with newsidx.Index(self.path, create=True) as ix:
            with self.assertRaises(newsidx.Interrupted) as cm:
                ix.index_paths(os.path.join(FIXTURES, "good"), jobs=1,
                               progress=progress)
            self.assertTrue(calls)
            self.assertIsInstance(cm.exception.stats, newsidx.IndexStats)

    def test_callback_exception_propagates(self):
        def progress(stats):
            raise KeyError("from the callback")

        with newsidx.Index(self.path, create=True) as ix:
            with self.assertRaises(KeyError):
                ix.index_paths(os.path.join(FIXTURES, "good"),
                               progress=progress)

    def test_second_writer_is_locked(self):
        with newsidx.Index(self.path, create=True):
            code = ("import newsidx, sys\n"
                    "try:\n"
                    "    newsidx.Index(sys.argv[1], create=True)\n"
                    "except newsidx.Locked as e:\n"
                    "    print(e.status, e)\n")
            out = subprocess.run([sys.executable, "-c", code, self.path],
                                 stdout=subprocess.PIPE, check=True,
                                 text=True).stdout
            self.assertTrue(out.startswith("6 "), out)

    def test_closed(self):
        ix = newsidx.Index(self.path, create=True)
        ix.close()
        ix.close()
        with self.assertRaises(newsidx.InvalidArgument):
            ix.search("x")


class Install(unittest.TestCase):
    """python/README.md's install command, offline, in a fresh virtual
    environment that sees the system's packages (pip, setuptools,
    wheel)."""

    def test_pip_install(self):
        top = os.environ["top_srcdir"]
        d = tempfile.mkdtemp()
        try:
            # A copy: pip builds in the source folder it is given.
            src = os.path.join(d, "python")
            shutil.copytree(os.path.join(top, "python"), src,
                            ignore=shutil.ignore_patterns(
                                "build", "*.egg-info", "__pycache__"))
            # make distcheck's source tree is read-only, and so would be
            # the copy, where pip writes its build.
            for root, dirs, files in os.walk(src):
                for name in dirs + files + [""]:
                    p = os.path.join(root, name)
                    os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR)
            venv = os.path.join(d, "venv")
            py = os.environ.get("PYTHON", sys.executable)
            subprocess.run([py, "-m", "venv", "--system-site-packages",
                            venv], check=True)
            vpy = os.path.join(venv, "bin", "python")
            env = dict(os.environ, PIP_NO_INDEX="1",
                       PIP_DISABLE_PIP_VERSION_CHECK="1")
            env.pop("PYTHONPATH", None)
            r = subprocess.run([vpy, "-m", "pip", "install",
                                "--no-build-isolation", src], env=env,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            self.assertEqual(r.returncode, 0, r.stdout)
            r = subprocess.run(
                [vpy, "-c", "import newsidx; print(newsidx.__file__); "
                 "print(newsidx.library_version())"],
                env=env, cwd=d, stdout=subprocess.PIPE, check=True,
                text=True)
            where, version = r.stdout.split()
            self.assertTrue(where.startswith(venv), where)
            self.assertEqual(version, newsidx.library_version())
            # The package's version is the library's it was made with.
            with open(os.path.join(src, "pyproject.toml")) as f:
                self.assertIn('version = "%s"' % newsidx.__version__,
                              f.read())
            self.assertEqual(newsidx.__version__,
                             newsidx.library_version())
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main()
