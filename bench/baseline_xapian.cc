/*
 * baseline_xapian.cc: stock Xapian, as its documentation shows it, for
 * comparison with newsidx in the retrieval and speed benchmarks.
 *
 * usage: baseline_xapian index JSONL DBDIR
 *        baseline_xapian search [--latency] DBDIR QUERIES K [TAG]
 *
 * index: reads JSON Lines articles ({"id", "title", "body"}; the other
 * members are ignored) and indexes each with a TermGenerator using the
 * English stemmer and its default strategy (STEM_SOME), with positions:
 * the title, then the body after a gap in positions.  The id is stored
 * as the document data and as a unique "Q" term.  One commit at the end.
 * Prints articles/s and bytes/s (of title and body) on standard error.
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
 */
#include <xapian.h>

#include <jansson.h>

#include <algorithm>
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

int do_index(const char *jsonl, const char *dbdir)
{
	std::ifstream in(jsonl);
	if (!in) {
		std::cerr << "baseline_xapian: cannot read " << jsonl << "\n";
		return 1;
	}
	Xapian::WritableDatabase db(dbdir, Xapian::DB_CREATE_OR_OVERWRITE);
	Xapian::TermGenerator tg;
	tg.set_stemmer(Xapian::Stem("english"));

	std::string line;
	unsigned long n = 0, lineno = 0;
	unsigned long long bytes = 0;
	Clock::time_point t0 = Clock::now();
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
		std::string id = member(o, "id"), title = member(o, "title"),
			    body = member(o, "body");
		json_decref(o);

		Xapian::Document doc;
		tg.set_document(doc);
		tg.index_text(title);
		tg.increase_termpos();
		tg.index_text(body);
		doc.set_data(id);
		doc.add_boolean_term("Q" + id);
		db.replace_document("Q" + id, doc);
		n++;
		bytes += title.size() + body.size();
	}
	db.commit();
	double s = seconds_since(t0);
	std::fprintf(stderr,
		     "baseline_xapian: indexed %lu articles, %llu bytes in "
		     "%.3f s: %.0f articles/s, %.0f bytes/s\n",
		     n, bytes, s, s > 0 ? n / s : 0.0, s > 0 ? bytes / s : 0.0);
	return 0;
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
			out += qid + " Q0 " + i.get_document().get_data() +
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

int usage()
{
	std::cerr << "usage: baseline_xapian index JSONL DBDIR\n"
		     "       baseline_xapian search [--latency] DBDIR QUERIES "
		     "K [TAG]\n";
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		if (argc == 4 && std::strcmp(argv[1], "index") == 0)
			return do_index(argv[2], argv[3]);
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
