/*
 * baseline_xapian.cc: stock Xapian, as its documentation shows it, for
 * comparison with newsidx in the retrieval and speed benchmarks.
 *
 * usage: baseline_xapian index [--store-text] [--update] JSONL... DBDIR
 *        baseline_xapian search [--latency] DBDIR QUERIES K [TAG]
 *        baseline_xapian bench [--repeat R] [--snippets] [--limit K]
 *                              DBDIR QUERIES
 *        baseline_xapian compact DBDIR OUTDIR
 *
 * index: reads JSON Lines articles ({"id", "title", "body"}; the other
 * members are ignored) from each JSONL file in turn and indexes each
 * with a TermGenerator using the English stemmer and its default
 * strategy (STEM_SOME), with positions: the title, then the body after a
 * gap in positions.  The id is stored as the document data and as a
 * unique "Q" term; with --store-text the data is the id, a newline, the
 * title, a newline and the body, so that snippets can be made from it.
 * One writer, one commit at the end (Xapian flushes on its own every
 * 10,000 documents, its default).  The database is created afresh;
 * --update opens an existing one instead and replaces each article by
 * its id, as a re-index does.  Prints articles/s and bytes/s (of title
 * and body) on standard error.
 *
 * search: runs each query of QUERIES ("QID<TAB>TEXT" lines) through a
 * QueryParser with the English stemmer and every other setting at its
 * default (STEM_SOME, default operator OR, default flags, no stopper),
 * ranks with BM25Weight's defaults, and prints the first K hits as TREC
 * run lines "QID Q0 DOCID RANK SCORE TAG" (TAG defaults to
 * xapian-stock).  --latency prints each query's time on standard error,
 * and a summary line.
 *
 * No tuning on purpose: this is what a developer gets from the getting
 * started guide, the bar newsidx has to clear.
 *
 * bench: the speed benchmark's latency mode (bench/run).  QUERIES holds
 * "QID<TAB>TEXT" lines in QueryParser's syntax, parsed as by search.
 * Every query is run once to warm up, then R times (default 5), pass
 * after pass; each run is timed from parse_query() to the end of
 * fetching the document data of the top K hits (default 10) and, with
 * --snippets, making each hit's snippet with MSet::snippet() from the
 * body stored by --store-text (200 bytes, the default flags).  Prints
 *   lat CLASS n N p50 MS p95 MS p99 MS mean MS max MS
 * for all queries ("all") and per class (the QID up to its last '-'),
 * nearest-rank percentiles over every timed run, then
 *   queries Q zero Z errors E
 * (Z: queries without a hit), as bench/qbench does for newsidx.
 *
 * compact: Xapian::Database::compact() of DBDIR into OUTDIR, for the
 * index size after compaction.
 */
#include <xapian.h>

#include <jansson.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace
{

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0)
{
	return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

int do_index(const std::vector<const char *> &files, const char *dbdir,
	     bool store_text, bool update)
{
	Xapian::WritableDatabase db(dbdir, update ? Xapian::DB_CREATE_OR_OPEN
						  : Xapian::DB_CREATE_OR_OVERWRITE);
	Xapian::TermGenerator tg;
	tg.set_stemmer(Xapian::Stem("english"));

	std::string line;
	unsigned long n = 0;
	unsigned long long bytes = 0;
	Clock::time_point t0 = Clock::now();
	for (const char *jsonl : files) {
		std::ifstream in(jsonl);
		if (!in) {
			std::cerr << "baseline_xapian: cannot read " << jsonl
				  << "\n";
			return 1;
		}
		unsigned long lineno = 0;
		while (std::getline(in, line)) {
			lineno++;
			if (line.find_first_not_of(" \t\r") == std::string::npos)
				continue;
			json_error_t err;
			json_t *o = json_loads(line.c_str(), 0, &err);
			if (!json_is_object(o)) {
				std::cerr << "baseline_xapian: " << jsonl << ":"
					  << lineno << ": not a JSON object\n";
				json_decref(o);
				return 1;
			}
			std::string id = member(o, "id"),
				    title = member(o, "title"),
				    body = member(o, "body");
			json_decref(o);

			Xapian::Document doc;
			tg.set_document(doc);
			tg.index_text(title);
			tg.increase_termpos();
			tg.index_text(body);
			if (store_text)
				doc.set_data(id + "\n" + title + "\n" + body);
			else
				doc.set_data(id);
			doc.add_boolean_term("Q" + id);
			db.replace_document("Q" + id, doc);
			n++;
			bytes += title.size() + body.size();
		}
	}
	db.commit();
	double s = seconds_since(t0);
	std::fprintf(stderr,
		     "baseline_xapian: indexed %lu articles, %llu bytes in "
		     "%.3f s: %.0f articles/s, %.0f bytes/s\n",
		     n, bytes, s, s > 0 ? n / s : 0.0, s > 0 ? bytes / s : 0.0);
	return 0;
}

/* The id in a document's data: up to the first newline (--store-text). */
std::string data_id(const std::string &data)
{
	return data.substr(0, data.find('\n'));
}

int do_search(const char *dbdir, const char *queries, unsigned k,
	      const char *tag, bool latency)
{
	std::ifstream in(queries);
	if (!in) {
		std::cerr << "baseline_xapian: cannot read " << queries << "\n";
		return 1;
	}
	Xapian::Database db(dbdir);
	Xapian::QueryParser qp;
	qp.set_stemmer(Xapian::Stem("english"));
	qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
	qp.set_database(db);
	Xapian::Enquire enquire(db);
	enquire.set_weighting_scheme(Xapian::BM25Weight());

	std::vector<double> times;
	std::string line;
	while (std::getline(in, line)) {
		size_t tab = line.find('\t');
		if (tab == std::string::npos)
			continue;
		std::string qid = line.substr(0, tab),
			    text = line.substr(tab + 1);
		Clock::time_point t0 = Clock::now();
		enquire.set_query(qp.parse_query(text));
		Xapian::MSet m = enquire.get_mset(0, k);
		std::string out;
		char buf[64];
		for (Xapian::MSetIterator i = m.begin(); i != m.end(); ++i) {
			std::snprintf(buf, sizeof(buf), " %u %.6f ",
				      i.get_rank() + 1, i.get_weight());
			out += qid + " Q0 " + data_id(i.get_document().get_data()) +
			       buf + tag + "\n";
		}
		double s = seconds_since(t0);
		times.push_back(s);
		std::fputs(out.c_str(), stdout);
		if (latency)
			std::fprintf(stderr, "latency %s %.6f\n", qid.c_str(),
				     s);
	}
	if (latency && !times.empty()) {
		std::vector<double> t(times);
		std::sort(t.begin(), t.end());
		double sum = 0;
		for (double x : t)
			sum += x;
		std::fprintf(
		    stderr,
		    "baseline_xapian: %zu queries: mean %.3f ms, "
		    "median %.3f ms, p95 %.3f ms\n",
		    t.size(), 1e3 * sum / t.size(), 1e3 * t[t.size() / 2],
		    1e3 * t[std::min(t.size() - 1, (size_t)(0.95 * t.size()))]);
	}
	return 0;
}

/* Nearest rank: the smallest value with at least p of them at or below. */
double pct(const std::vector<double> &t, double p)
{
	size_t k = (size_t)std::ceil(p * t.size() - 1e-9);

	return t[k == 0 ? 0 : std::min(k, t.size()) - 1];
}

struct bench_query {
	std::string qid, text, cls;
	std::vector<double> t;
};

void report(const std::vector<bench_query> &qs, const std::string *cls)
{
	std::vector<double> t;
	for (const bench_query &q : qs)
		if (!cls || q.cls == *cls)
			t.insert(t.end(), q.t.begin(), q.t.end());
	if (t.empty())
		return;
	std::sort(t.begin(), t.end());
	double sum = 0;
	for (double x : t)
		sum += x;
	std::printf("lat %s n %zu p50 %.3f p95 %.3f p99 %.3f mean %.3f "
		    "max %.3f\n",
		    cls ? cls->c_str() : "all", t.size(), 1e3 * pct(t, 0.50),
		    1e3 * pct(t, 0.95), 1e3 * pct(t, 0.99),
		    1e3 * sum / t.size(), 1e3 * t.back());
}

int do_bench(const char *dbdir, const char *queries, unsigned k,
	     int repeat, bool snippets)
{
	std::ifstream in(queries);
	if (!in) {
		std::cerr << "baseline_xapian: cannot read " << queries << "\n";
		return 1;
	}
	std::vector<bench_query> qs;
	std::string line;
	while (std::getline(in, line)) {
		size_t tab = line.find('\t');
		if (tab == std::string::npos)
			continue;
		bench_query q;
		q.qid = line.substr(0, tab);
		q.text = line.substr(tab + 1);
		q.cls = q.qid.substr(0, q.qid.rfind('-'));
		qs.push_back(q);
	}
	Xapian::Database db(dbdir);
	Xapian::Stem stem("english");
	Xapian::QueryParser qp;
	qp.set_stemmer(stem);
	qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
	qp.set_database(db);
	Xapian::Enquire enquire(db);
	enquire.set_weighting_scheme(Xapian::BM25Weight());

	size_t zero = 0, errors = 0, sink = 0;
	for (int r = 0; r <= repeat; r++) {
		for (bench_query &q : qs) {
			Clock::time_point t0 = Clock::now();
			try {
				enquire.set_query(qp.parse_query(q.text));
				Xapian::MSet m = enquire.get_mset(0, k);
				for (Xapian::MSetIterator i = m.begin();
				     i != m.end(); ++i) {
					std::string data = i.get_document().get_data();
					sink += data_id(data).size();
					if (snippets) {
						size_t nl = data.find('\n');
						nl = nl == std::string::npos
							 ? nl
							 : data.find('\n', nl + 1);
						std::string body =
						    nl == std::string::npos
							? std::string()
							: data.substr(nl + 1);
						sink += m.snippet(body, 200, stem,
								  Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
								      Xapian::MSet::SNIPPET_EXHAUSTIVE,
								  "[", "]", "...")
							    .size();
					}
				}
				if (r == 0 && m.empty())
					zero++;
			} catch (const Xapian::Error &e) {
				if (r == 0) {
					std::cerr << "baseline_xapian: " << q.qid
						  << ": " << e.get_description()
						  << "\n";
					errors++;
				}
			}
			double s = seconds_since(t0);
			if (r > 0)
				q.t.push_back(s);
		}
	}
	report(qs, nullptr);
	for (size_t i = 0; i < qs.size(); i++) {
		size_t j = 0;
		while (j < i && qs[j].cls != qs[i].cls)
			j++;
		if (j == i)
			report(qs, &qs[i].cls);
	}
	std::printf("queries %zu zero %zu errors %zu\n", qs.size(), zero,
		    errors);
	return sink == (size_t)-1 || errors ? 1 : 0;
}

int usage()
{
	std::cerr << "usage: baseline_xapian index [--store-text] [--update] "
		     "JSONL... DBDIR\n"
		     "       baseline_xapian search [--latency] DBDIR QUERIES "
		     "K [TAG]\n"
		     "       baseline_xapian bench [--repeat R] [--snippets] "
		     "[--limit K] DBDIR QUERIES\n"
		     "       baseline_xapian compact DBDIR OUTDIR\n";
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		if (argc >= 4 && std::strcmp(argv[1], "index") == 0) {
			bool store_text = false, update = false;
			int a = 2;
			for (; a < argc && argv[a][0] == '-'; a++) {
				if (std::strcmp(argv[a], "--store-text") == 0)
					store_text = true;
				else if (std::strcmp(argv[a], "--update") == 0)
					update = true;
				else
					return usage();
			}
			if (argc - a < 2)
				return usage();
			std::vector<const char *> files(argv + a,
							argv + argc - 1);
			return do_index(files, argv[argc - 1], store_text,
					update);
		}
		if (argc == 4 && std::strcmp(argv[1], "compact") == 0) {
			Xapian::Database(argv[2]).compact(argv[3]);
			return 0;
		}
		if (argc >= 2 && std::strcmp(argv[1], "bench") == 0) {
			int repeat = 5, k = 10, a = 2;
			bool snippets = false;
			for (; a < argc && argv[a][0] == '-'; a++) {
				if (std::strcmp(argv[a], "--snippets") == 0)
					snippets = true;
				else if (std::strcmp(argv[a], "--repeat") == 0 &&
					 a + 1 < argc)
					repeat = std::atoi(argv[++a]);
				else if (std::strcmp(argv[a], "--limit") == 0 &&
					 a + 1 < argc)
					k = std::atoi(argv[++a]);
				else
					return usage();
			}
			if (argc - a != 2 || repeat < 1 || k < 1)
				return usage();
			return do_bench(argv[a], argv[a + 1], (unsigned)k,
					repeat, snippets);
		}
		if (argc >= 2 && std::strcmp(argv[1], "search") == 0) {
			bool latency =
			    argc > 2 && std::strcmp(argv[2], "--latency") == 0;
			int a = latency ? 3 : 2;
			if (argc - a < 3 || argc - a > 4)
				return usage();
			int k = std::atoi(argv[a + 2]);
			if (k <= 0)
				return usage();
			return do_search(argv[a], argv[a + 1], (unsigned)k,
					 argc - a == 4 ? argv[a + 3]
						       : "xapian-stock",
					 latency);
		}
		return usage();
	} catch (const Xapian::Error &e) {
		std::cerr << "baseline_xapian: " << e.get_description() << "\n";
		return 1;
	}
}
