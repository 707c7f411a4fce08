/*
 * LuceneIndex.java: Apache Lucene 8 as an indexing peer in the speed
 * benchmark (bench/run), configured as its documentation suggests and
 * nothing tuned, on one thread.
 *
 * usage: java -cp LUCENE-JARS:DIR LuceneIndex index [--update] DIR JSONL...
 *        java -cp LUCENE-JARS:DIR LuceneIndex compact DIR
 *
 * index reads the JSON Lines files that bench/mkcorpus writes (one
 * object a line; its "id", "title" and "body" strings are used, other
 * members skipped) into a Lucene index in DIR (FSDirectory): the id as
 * a StringField, the title and the body as TextFields analysed by
 * EnglishAnalyzer (standard tokenizer, possessives, lower case, English
 * stopwords, Porter stemming) with positions, both stored, as newsidx,
 * stock Xapian (--store-text) and FTS5 keep the text.  Documents are
 * added from one thread and merges run in that thread too
 * (SerialMergeScheduler), so the figure is Lucene's one-thread speed.
 * --update opens the index and replaces each article by its id, as a
 * second run over an unchanged corpus would.  compact merges the index
 * into one segment (forceMerge(1)).  Prints the number of documents on
 * standard error.
 */
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

public final class LuceneIndex {
	private LuceneIndex() {
	}

	/* A JSON object of one line: its string members by name.  Enough
	 * for mkcorpus's output; anything else is an error with its
	 * position. */
	private static final class Json {
		private final String s;
		private int i;

		Json(String s) {
			this.s = s;
		}

		private IOException bad(String what) {
			return new IOException("column " + (i + 1) + ": " + what);
		}

		private void ws() {
			while (i < s.length() && Character.isWhitespace(s.charAt(i)))
				i++;
		}

		private char peek() throws IOException {
			if (i >= s.length())
				throw bad("unexpected end of line");
			return s.charAt(i);
		}

		private String str() throws IOException {
			if (peek() != '"')
				throw bad("a string expected");
			i++;
			StringBuilder b = new StringBuilder();
			for (;;) {
				char c = peek();
				i++;
				if (c == '"')
					return b.toString();
				if (c != '\\') {
					b.append(c);
					continue;
				}
				char e = peek();
				i++;
				switch (e) {
				case 'n': b.append('\n'); break;
				case 't': b.append('\t'); break;
				case 'r': b.append('\r'); break;
				case 'b': b.append('\b'); break;
				case 'f': b.append('\f'); break;
				case 'u':
					if (i + 4 > s.length())
						throw bad("short \\u escape");
					try {
						b.append((char)Integer.parseInt(
							s.substring(i, i + 4), 16));
					} catch (NumberFormatException x) {
						throw bad("bad \\u escape");
					}
					i += 4;
					break;
				default: b.append(e); break;
				}
			}
		}

		/* A value that is not a string: skipped (numbers, literals). */
		private void skip() throws IOException {
			while (i < s.length() && ",}".indexOf(s.charAt(i)) < 0) {
				if ("[{\"".indexOf(s.charAt(i)) >= 0)
					throw bad("nested values are not read");
				i++;
			}
		}

		Map<String, String> object() throws IOException {
			Map<String, String> m = new HashMap<>();
			ws();
			if (peek() != '{')
				throw bad("an object expected");
			i++;
			ws();
			if (peek() == '}')
				return m;
			for (;;) {
				ws();
				String k = str();
				ws();
				if (peek() != ':')
					throw bad("':' expected");
				i++;
				ws();
				if (peek() == '"')
					m.put(k, str());
				else
					skip();
				ws();
				char c = peek();
				i++;
				if (c == '}')
					return m;
				if (c != ',')
					throw bad("',' or '}' expected");
			}
		}
	}

	private static IndexWriter writer(String dir, boolean update)
		throws IOException {
		Directory d = FSDirectory.open(Paths.get(dir));
		IndexWriterConfig cfg = new IndexWriterConfig(new EnglishAnalyzer());
		cfg.setMergeScheduler(new SerialMergeScheduler());
		cfg.setOpenMode(update ? IndexWriterConfig.OpenMode.APPEND
				       : IndexWriterConfig.OpenMode.CREATE);
		return new IndexWriter(d, cfg);
	}

	private static int usage() {
		System.err.println("usage: LuceneIndex index [--update] DIR "
				   + "JSONL...\n       LuceneIndex compact DIR");
		return 2;
	}

	private static int run(String[] args) throws IOException {
		if (args.length == 2 && args[0].equals("compact")) {
			try (IndexWriter w = writer(args[1], true)) {
				w.forceMerge(1);
				System.err.println("lucene: " + w.getDocStats().numDocs
						   + " documents");
			}
			return 0;
		}
		if (args.length < 3 || !args[0].equals("index"))
			return usage();
		int a = 1;
		boolean update = args[a].equals("--update");
		if (update)
			a++;
		if (args.length - a < 2)
			return usage();
		long n = 0;
		try (IndexWriter w = writer(args[a], update)) {
			for (int f = a + 1; f < args.length; f++) {
				try (BufferedReader in = Files.newBufferedReader(
					     Paths.get(args[f]),
					     StandardCharsets.UTF_8)) {
					String line;
					long no = 0;
					while ((line = in.readLine()) != null) {
						no++;
						if (line.isEmpty())
							continue;
						Map<String, String> m;
						try {
							m = new Json(line).object();
						} catch (IOException x) {
							throw new IOException(args[f] + ":"
								+ no + ": " + x.getMessage());
						}
						String id = m.get("id");
						if (id == null)
							throw new IOException(args[f] + ":"
								+ no + ": no id");
						Document d = new Document();
						d.add(new StringField("id", id,
								      Field.Store.YES));
						d.add(new TextField("title",
							m.getOrDefault("title", ""),
							Field.Store.YES));
						d.add(new TextField("body",
							m.getOrDefault("body", ""),
							Field.Store.YES));
						if (update)
							w.updateDocument(new Term("id", id), d);
						else
							w.addDocument(d);
						n++;
					}
				}
			}
			w.commit();
		}
		System.err.println("lucene: " + n + " documents");
		return 0;
	}

	public static void main(String[] args) {
		int rc;
		try {
			rc = run(args);
		} catch (IOException x) {
			System.err.println("LuceneIndex: " + x.getMessage());
			rc = 1;
		}
		System.exit(rc);
	}
}
