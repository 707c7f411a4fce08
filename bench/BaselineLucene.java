/*
 * BaselineLucene.java: Apache Lucene 8 as a retrieval baseline for
 * bench/eval, configured as its documentation suggests for English text
 * and nothing tuned.
 *
 * usage: java -cp LUCENE-JARS:DIR BaselineLucene DOCS.tsv QUERIES.tsv K
 *
 * DOCS.tsv holds one article a line, "ID<TAB>TITLE<TAB>BODY", each field
 * escaped as jq's @tsv escapes it (\t, \n, \r and \\).  The title and the
 * body go into one text field, title first, as the stock Xapian baseline
 * indexes them, analysed by EnglishAnalyzer (standard tokenizer, English
 * possessives, lower case, its English stopwords, Porter stemming); the
 * index lives in memory.  Each query of QUERIES.tsv ("QID<TAB>TEXT") is
 * analysed by the same analyzer and becomes the OR (BooleanQuery SHOULD
 * clauses) of its terms, ranked by BM25Similarity with its defaults
 * (k1 1.2, b 0.75).  The first K hits of each query are printed as a
 * TREC run: "QID Q0 DOCID RANK SCORE lucene-bm25".
 */
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

public final class BaselineLucene {
	private BaselineLucene() {
	}

	/* One field of a line escaped by jq's @tsv. */
	private static String unescape(String s) {
		StringBuilder b = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c != '\\' || i + 1 == s.length()) {
				b.append(c);
				continue;
			}
			char n = s.charAt(++i);
			switch (n) {
			case 't': b.append('\t'); break;
			case 'n': b.append('\n'); break;
			case 'r': b.append('\r'); break;
			default: b.append(n); break;
			}
		}
		return b.toString();
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 3) {
			System.err.println("usage: BaselineLucene DOCS.tsv "
					   + "QUERIES.tsv K");
			System.exit(2);
		}
		int k = Integer.parseInt(args[2]);
		Analyzer an = new EnglishAnalyzer();
		BM25Similarity sim = new BM25Similarity();
		Directory dir = new ByteBuffersDirectory();
		IndexWriterConfig cfg = new IndexWriterConfig(an);
		cfg.setSimilarity(sim);
		int ndocs = 0;
		try (IndexWriter w = new IndexWriter(dir, cfg);
		     BufferedReader in = Files.newBufferedReader(
			     Paths.get(args[0]), StandardCharsets.UTF_8)) {
			String line;
			while ((line = in.readLine()) != null) {
				String[] f = line.split("\t", -1);
				if (f.length != 3)
					throw new IOException(args[0] + ":"
						+ (ndocs + 1)
						+ ": not ID<TAB>TITLE<TAB>BODY");
				Document d = new Document();
				d.add(new StringField("id", unescape(f[0]),
						      Field.Store.YES));
				d.add(new TextField("text", unescape(f[1])
						    + "\n" + unescape(f[2]),
						    Field.Store.NO));
				w.addDocument(d);
				ndocs++;
			}
		}
		IndexSearcher s = new IndexSearcher(DirectoryReader.open(dir));
		s.setSimilarity(sim);
		BooleanQuery.setMaxClauseCount(4096);
		PrintWriter out = new PrintWriter(new OutputStreamWriter(
			System.out, StandardCharsets.UTF_8));
		try (BufferedReader in = Files.newBufferedReader(
			     Paths.get(args[1]), StandardCharsets.UTF_8)) {
			String line;
			while ((line = in.readLine()) != null) {
				int tab = line.indexOf('\t');
				if (tab < 0)
					continue;
				String qid = line.substring(0, tab);
				BooleanQuery.Builder qb = new BooleanQuery.Builder();
				int n = 0;
				try (TokenStream ts = an.tokenStream(
					     "text", line.substring(tab + 1))) {
					CharTermAttribute t = ts.addAttribute(
						CharTermAttribute.class);
					ts.reset();
					while (ts.incrementToken()) {
						qb.add(new TermQuery(new Term(
							       "text", t.toString())),
						       BooleanClause.Occur.SHOULD);
						n++;
					}
					ts.end();
				}
				if (n == 0)
					continue;
				ScoreDoc[] hits = s.search(qb.build(), k).scoreDocs;
				for (int i = 0; i < hits.length; i++)
					out.printf("%s Q0 %s %d %.6f lucene-bm25%n",
						   qid,
						   s.doc(hits[i].doc).get("id"),
						   i + 1, hits[i].score);
			}
		}
		out.flush();
		System.err.println("lucene: " + ndocs + " documents");
	}
}
