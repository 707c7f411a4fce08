/*
 * newsidx.c: the command-line tool's entry point.
 *
 * A thin layer over the public API in newsidx.h and nothing else: each
 * command lives in its own file (cmd_*.c), parses its arguments, calls
 * the library and renders the outcome; statuses become the documented
 * exit codes in one place, cli_exit_code(), and text that did not come
 * from the command itself is printed through cli_write(), which shows
 * control characters as escapes.  Everything the command can do, an
 * embedding program can do too.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

const char *cli_index_dir;
int cli_partial;
double cli_shard_timeout;

const char cli_usage_main[] =
	"usage: newsidx [--index DIR] [--partial] [--shard-timeout S] COMMAND"
	" [OPTIONS]\n"
	"               [ARGS]\n"
	"\n"
	"Full-text search for a news archive.\n"
	"\n"
	"commands:\n"
	"  index PATH...     index new and changed files (text, JSON Lines,"
	" gzip)\n"
	"  search QUERY...   search the index and print ranked articles\n"
	"  similar ID        articles like this one (more like this)\n"
	"  show ID           the whole stored article\n"
	"  stats             counts, size, last update, sources, months\n"
	"  check             verify the index; nonzero exit when damaged\n"
	"  compact           compact the index in place, atomically\n"
	"  rebuild           re-index everything into a fresh index\n"
	"  reshard --period P  convert to a partitioned index (year, month)\n"
	"                    or back to a single one (single), atomically\n"
	"  delete ID...      delete articles (or: delete --query QUERY)\n"
	"  serve             answer searches over HTTP with JSON\n"
	"  trend QUERY...    counts over time; significant terms of a"
	" period\n"
	"  watch add|list|rm|run  standing queries: what is new since the"
	" last run\n"
	"  help [COMMAND]    show help for a command\n"
	"\n"
	"options:\n"
	"  --index DIR       the index directory (default: $NEWSIDX_INDEX,"
	" else ./index),\n"
	"                    or a stub file naming a set of shards\n"
	"  --partial         search a set of shards without those that are"
	" down,\n"
	"                    warning of each\n"
	"  --shard-timeout S seconds a remote shard has to answer (default"
	" 5)\n"
	"  -h, --help        show this help\n"
	"  -V, --version     show the version\n"
	"\n"
	"exit codes: 0 ok, 1 error, 2 usage or query syntax error, 65 some"
	" inputs\n"
	"rejected (the rest indexed), 66 a PATH missing or deletions refused"
	" (the\n"
	"rest indexed), 75 index locked by another writer, 130/143"
	" interrupted by\n"
	"SIGINT/SIGTERM.  See newsidx(1).\n";

const char cli_usage_index[] =
	"usage: newsidx index [OPTIONS] PATH...\n"
	"\n"
	"Index the articles in the files given, and in every file under the\n"
	"directories given (recursively, hidden files skipped); '-' reads\n"
	"standard input.  Formats are recognised by content: plain text\n"
	"articles (an optional title line, an optional 'date YYYY-MM-DD\n"
	"Place:' lead), JSON Lines, RSS and Atom feeds, HTML pages, WARC\n"
	"crawls and Reuters-21578 SGML; gzip is detected by its magic bytes.\n"
	"\n"
	"Only new and changed files are read (size and modification time,\n"
	"confirmed by a content hash); articles of files that vanished from\n"
	"under a PATH are removed, up to --max-delete.  Re-indexing an\n"
	"article replaces it.  Links are followed, each directory once.\n"
	"\n"
	"Patterns are in gitignore syntax, relative to the PATH: '*', '?',\n"
	"'[a-z]', '**/' for any directories, a trailing '/' for directories\n"
	"only, a leading '/' to anchor, '!' to negate.  --include and\n"
	"--exclude are stored with the PATH and apply to later runs that give\n"
	"none, and to rebuild; giving some replaces them.  A .newsidxignore\n"
	"file in any directory excludes by the same syntax, there and below.\n"
	"Checksum lists (*SUMS, *.md5, *.sha1, *.sha256, *.sha512),\n"
	"signatures (*.sig, *.asc) and *.dtd, *.xsd are skipped unless a\n"
	"'!' pattern or --include names them.  The articles of files a\n"
	"pattern now excludes are removed, not counted by --max-delete.\n"
	"\n"
	"options:\n"
	"  --index DIR              the index directory\n"
	"  --source NAME            source for articles that name none\n"
	"  --lang CODE              language for articles that name none"
	" (default en)\n"
	"  --max-article-size BYTES reject larger articles (default 4194304)\n"
	"  --batch-size N           articles per commit (default 2000)\n"
	"  --jobs N                 threads analysing the input, split into\n"
	"                           records even within one file (default:\n"
	"                           one per core)\n"
	"  --shards N               writers of a load into an empty index,\n"
	"                           merged at the end (default: one per job\n"
	"                           for 16 MiB or more of files; 1: one)\n"
	"  --no-compact             do not compact after a large load (a run\n"
	"                           that added 10,000 articles or more and at\n"
	"                           least half of the index is compacted)\n"
	"  --period year|month      a new (or empty) index directory becomes\n"
	"                           a partitioned index: one shard per year\n"
	"                           (2024/) or month (2024-03/) of the\n"
	"                           articles' dates, and undated/\n"
	"  --reopen                 write articles dated in a closed shard's\n"
	"                           period into it (else they are rejected)\n"	"  --lean                   a new index keeps word positions in\n"
	"                           each article (1 or 2 bytes a word)\n"
	"                           instead of Xapian's position table, and\n"
	"                           no term lists (deleted articles are\n"
	"                           listed until a compaction): 65% smaller,\n"
	"                           faster first loads, slower phrases of\n"
	"                           common words\n"
	"  --no-lean                a new index gets a position table (the\n"
	"                           default)\n"
	"  --no-tags                find no countries, organisations or\n"
	"                           people in this run's articles\n"
	"  --synonyms FILE          the synonym list to load (default: the\n"
	"                           shipped one, or $NEWSIDX_SYNONYMS)\n"
	"  --gazetteer FILE         names to add to or override in the\n"
	"                           gazetteer articles are tagged with\n"
	"                           (countries, places, organisations,\n"
	"                           people; the format of the installed\n"
	"                           gazetteer.txt); kept in the index for\n"
	"                           later runs (default: $NEWSIDX_GAZETTEER,\n"
	"                           else the additions the index keeps)\n"
	"  --lock-timeout SECONDS   wait this long for another writer"
	" (default 60;\n"
	"                           0 fails at once with exit code 75)\n"
	"  --no-delete              keep articles whose file vanished\n"
	"  --max-delete N|PCT%      delete at most N articles, or PCT% of a\n"
	"                           PATH's, of files that vanished; else\n"
	"                           none (default 50% of a PATH holding 100\n"
	"                           or more; 100% allows all)\n"
	"  --retry-failed           re-read files that failed, even unchanged\n"
	"                           (each run says how many it left unread;\n"
	"                           'newsidx stats' lists them and why)\n"
	"  --encoding NAME          read every input in this character\n"
	"                           encoding (an iconv name: windows-1252,\n"
	"                           shift_jis ...); default: what the input\n"
	"                           declares, else UTF-8, else detected\n"
	"  --force                  re-read every file\n"
	"  --from FILE              also index the paths listed in FILE\n"
	"                           (one per line; '-' for standard input)\n"
	"  --include GLOB           under a directory PATH, read only the\n"
	"                           files GLOB matches (repeatable)\n"
	"  --exclude GLOB           skip the files and directories GLOB\n"
	"                           matches (repeatable)\n"
	"  --no-filters             forget the patterns stored with each PATH\n"
	"  -v, --verbose            print a summary line\n"
	"  --json                   print a JSON summary\n"
	"\n"
	"Rejected inputs are reported on stderr as FILE[:LINE[:COL]]: REASON;\n"
	"the rest is indexed and the exit code is 65.  A file or directory\n"
	"that cannot be read keeps its articles and is retried next run.  A\n"
	"missing PATH, or deletions refused, exit 66.  Off a terminal nothing\n"
	"is printed on success; on a terminal a progress bar shows the rate.\n"
	"SIGINT and SIGTERM commit the finished batch and exit 130 and 143.\n";

const char cli_usage_rebuild[] =
	"usage: newsidx rebuild [OPTIONS]\n"
	"\n"
	"Re-index every path ever indexed into a fresh index, then switch to\n"
	"it atomically; searches keep using the old index until then.  Also\n"
	"upgrades an index built with another schema or libstemmer.  Large\n"
	"rebuilds write parallel shards and merge them (--shards).  Takes\n"
	"the options of 'newsidx index' except --no-delete, --max-delete and\n"
	"--force; --lean and --no-lean change how positions are kept (else\n"
	"the index's own way is kept).  Articles are tagged again with the\n"
	"gazetteer of this build and the index's additions (or --gazetteer\n"
	"FILE), which 'newsidx stats' shows when it has changed.\n";

const char cli_usage_reshard[] =
	"usage: newsidx reshard --period year|month|single [OPTIONS]\n"
	"\n"
	"Convert the index to another layout: partitioned by year or month\n"
	"(one shard per period of the articles' dates), or a single index.\n"
	"The new layout is built beside the old one (DIR.reshard) from every\n"
	"path the index remembers, read again, then the two directories are\n"
	"exchanged in one step and the old one removed.  Searches keep\n"
	"working meanwhile; an interrupted reshard leaves the index as it\n"
	"was.  Takes the options of 'newsidx rebuild'.\n";

const char cli_usage_stats[] =
	"usage: newsidx stats [--json]\n"
	"\n"
	"Print the number of articles and terms, the size on disk, the last\n"
	"update, the schema, the gazetteer version the articles were tagged\n"
	"with (and the current one when they differ), the last indexing\n"
	"sequence and the watches (newsidx watch), and the articles per\n"
	"source and per month.\n";

const char cli_usage_check[] =
	"usage: newsidx check [--json]\n"
	"\n"
	"Run Xapian's consistency check on every table, then newsidx's own\n"
	"invariants (one unique id per article, readable stored data, a\n"
	"recorded source file).  Prints each problem, or one line with the\n"
	"counts when there is none.  Exit code 1 when it finds any, 74 when\n"
	"it cannot open the tables read/write as Xapian's check must, 75\n"
	"when a writer kept committing throughout its retries.\n";

const char cli_usage_compact[] =
	"usage: newsidx compact [--lock-timeout SECONDS]\n"
	"\n"
	"Compact the index into a new directory and switch to it atomically;\n"
	"searches keep working throughout.\n";

const char cli_usage_similar[] =
	"usage: newsidx similar [OPTIONS] ID\n"
	"\n"
	"List the articles most like the one with this id: the words that\n"
	"characterise it are searched for, and the article and its wire\n"
	"copies are left out.  Takes the output options of 'newsidx search'.\n";

const char cli_usage_show[] =
	"usage: newsidx show [--json] ID\n"
	"\n"
	"Print the whole stored article with this id, with its fields.\n";

const char cli_usage_delete[] =
	"usage: newsidx delete [--lock-timeout SECONDS] ID...\n"
	"       newsidx delete [--lock-timeout SECONDS] --query QUERY\n"
	"\n"
	"Delete the articles with these ids, or every article matching QUERY\n"
	"(the search language; see 'newsidx help search').\n";

const char cli_usage_watch[] =
	"usage: newsidx watch add NAME QUERY... [--lang CODE] [--from-start]\n"
	"       newsidx watch list [--json]\n"
	"       newsidx watch rm NAME\n"
	"       newsidx watch run [NAME] [--json | --jsonl | --exec CMD]\n"
	"                         [--max N] [--keep-cursor] "
	"[--lock-timeout SECONDS]\n"
	"\n"
	"A watch is a query kept in the index.  'watch run' reports the\n"
	"articles that match it and entered the index since its last\n"
	"successful run, judged by when newsidx indexed them, not by their\n"
	"date; a replaced article comes again only when its text changed.\n"
	"A new watch reports only what is indexed after 'watch add', unless\n"
	"--from-start.  Every word of the query is required.  Without NAME,\n"
	"every watch runs.\n"
	"  --json          one JSON document per watch run\n"
	"  --jsonl         one JSON object per article, with \"watch\"\n"
	"  --exec CMD      run 'sh -c CMD' once per watch with new articles,\n"
	"                  as JSON Lines on its standard input, the watch in\n"
	"                  $NEWSIDX_WATCH and their number in\n"
	"                  $NEWSIDX_WATCH_COUNT\n"
	"  --max N         report at most N articles a run (default 10000);\n"
	"                  the rest come next run\n"
	"  --keep-cursor   report without moving the cursor\n"
	"The cursor moves only once the output was written and flushed, or\n"
	"CMD exited 0.  Exit status: 0 delivered or nothing new; 1 not\n"
	"delivered (they come again next run); 2 usage error or unknown\n"
	"watch; 75 delivered, but the index stayed locked by another writer\n"
	"so the cursor did not move (they come again).\n";

const char cli_usage_serve[] =
	"usage: newsidx serve [OPTIONS]\n"
	"\n"
	"Answer searches over HTTP with the JSON documents of search, show,\n"
	"similar and stats --json:\n"
	"  GET /api/search?q=QUERY       search; also limit, offset, sort,\n"
	"                                facet, lang, all_copies,"
	" exact_count,\n"
	"                                snippets, snippet_words, recent,\n"
	"                                feedback, from, to, since and the\n"
	"                                filters title, source, place,"
	" author,\n"
	"                                topic, url, language\n"
	"  GET /api/articles/ID          one article (ID percent-encoded)\n"
	"  GET /api/articles/ID/similar  articles like it\n"
	"  GET /api/stats                the index's description\n"
	"  GET /api/trend?q=QUERY        counts over time (trend --json); also\n"
	"                                by, facet, top, from, to, lang, and\n"
	"                                terms with period, max\n"
	"  GET /healthz                  {\"status\":\"ok\"} while running\n"
	"  POST /api/articles            index a JSON Lines or RSS/Atom body\n"
	"                                (only with --token-file; needs\n"
	"                                Authorization: Bearer TOKEN)\n"
	"  GET /                         the web page for searching\n"
	"Errors are JSON too: {\"error\": MESSAGE, \"status\": CODE}.  One\n"
	"access-log line per request goes to stderr.  SIGTERM and SIGINT\n"
	"finish the requests under way, then stop (exit 0).  There is no\n"
	"TLS: put a reverse proxy in front for anything but this machine.\n"
	"\n"
	"options:\n"
	"  --index DIR              the index directory\n"
	"  --listen ADDR:PORT       where to listen (default 127.0.0.1:8080;\n"
	"                           PORT or :PORT alone: loopback).  An\n"
	"                           address other than loopback lets any\n"
	"                           machine that reaches it search\n"
	"  --threads N              readers, so searches run at once\n"
	"                           (default: one per core, at least 2)\n"
	"  --max-requests N         requests admitted at once; more get 503\n"
	"                           with Retry-After (default 64)\n"
	"  --max-connections N      open connections (default 256)\n"
	"  --max-request-bytes N    request line and headers, and any body\n"
	"                           but a POST's (default 32768)\n"
	"  --max-post-bytes N       the body of a POST (default 8388608)\n"
	"  --max-query-bytes N      the query with its filters (default and\n"
	"                           at most 8192)\n"
	"  --max-limit N            hits a page may ask for (default 100)\n"
	"  --max-offset N           hits a page may skip (default 10000)\n"
	"  --search-time SECONDS    how long a search may examine matches;\n"
	"                           past it, counts cover those examined\n"
	"                           (default 5; 0: no limit)\n"
	"  --timeout SECONDS        a silent connection is closed, and a\n"
	"                           request waiting for a reader gets 503,\n"
	"                           after this long (default 10)\n"
	"  --cors ORIGIN            let pages from ORIGIN read the API\n"
	"                           (default: no CORS header)\n"
	"  --log-json               log requests as JSON lines\n"
	"  --web-root DIR           the web page's files (default: those\n"
	"                           installed with newsidx)\n"
	"  --token-file FILE        allow POST /api/articles with the token\n"
	"                           in FILE (16 characters or more; FILE\n"
	"                           must not be readable by others)\n";

const char cli_usage_trend[] =
	"usage: newsidx trend [OPTIONS] QUERY...\n"
	"       newsidx trend --terms --period RANGE [OPTIONS] QUERY...\n"
	"\n"
	"Count the articles matching QUERY (every word required) per day,\n"
	"week, month or year; periods without a match count 0.  On a\n"
	"terminal the counts are drawn as bars (with --facet, a sparkline\n"
	"per value).  With --terms, list the words, countries, organisations,\n"
	"people and topics over-represented in the matches of RANGE against\n"
	"the rest of the archive (log-likelihood G2 >= 10.83, p < 0.001).\n"
	"\n"
	"options:\n"
	"  --index DIR         the index directory\n"
	"  --by PERIOD         day, week (ISO), month (default) or year\n"
	"  --from DATE         first period (YYYY, YYYY-MM or YYYY-MM-DD;\n"
	"                      default: the query's date: filter, else the\n"
	"                      first match)\n"
	"  --to DATE           last period, likewise\n"
	"  --facet FIELD       a series per top value of country, place, org,\n"
	"                      person, topic, source or lang\n"
	"  --top N             how many values get a series (default 5)\n"
	"  --terms             significant terms of the period instead\n"
	"  --period RANGE      DATE or DATE..DATE: --from and --to at once\n"
	"  --max N             terms listed of each kind (default 20)\n"
	"  --lang CODE         language of the query (default en)\n"
	"  --json              print one JSON document (see newsidx(1))\n"
	"  --csv               print CSV: period,total,VALUE... per line\n"
	"  --plain             a plain table, even on a terminal (also when\n"
	"                      NO_COLOR is set or output is not a terminal)\n";

const char cli_usage_search[] =
	"usage: newsidx search [OPTIONS] QUERY...\n"
	"\n"
	"Search the index; the words of QUERY are joined by spaces.\n"
	"\n"
	"query language:\n"
	"  word word           articles with all the words, ranked by BM25\n"
	"  \"exact phrase\"      the words in this order (inflections match)\n"
	"  high-speed          a hyphenated word matches high-speed, high"
	" speed, highspeed\n"
	"  a OR b, a AND b     either, both; AND binds tighter than OR\n"
	"  NOT a, -a           articles without a\n"
	"  +a                  a is required even inside OR\n"
	"  ( ... )             grouping\n"
	"  a NEAR/5 b          a and b at most 5 words apart\n"
	"  semicon*            words starting with semicon\n"
	"  title:word          in the title; also place: source: author:"
	" topic:\n"
	"  lang:en url:URL id:ID\n"
	"  country:japan       tagged with Japan: also country:JP,\n"
	"                      country:japanese, country:日本 (any name the\n"
	"                      gazetteer knows); org:NATO, person:\"s.\n"
	"                      jaishankar\"; place:lithuania also finds\n"
	"                      articles datelined Vilnius\n"
	"  date:2024-03-07     on that day; date:2024-03..2024-04 and"
	" date:..2024-01-01\n"
	"  since:7d            in the last 7 days (d, w, m, y)\n"
	"  indexed:24h         indexed in the last 24 hours (h, d, w, m, y);"
	" also\n"
	"  indexed:2024-03-07.. and indexed:#120.. (indexing sequence), by"
	" when\n"
	"                      newsidx indexed it, whatever its date\n"
	"Words typed side by side rank the articles with every word first,\n"
	"as if all were required, then those with some of them; the output\n"
	"counts both.  Phrases, +words, field words and AND stay required.\n"
	"From four words up, relevance feedback reorders their matches.\n"
	"Known abbreviations,\n"
	"countries and demonyms find each other (EAM, External Affairs\n"
	"Minister; Japanese, Japan).  Words the index has never\n"
	"seen get a 'did you mean' from its own vocabulary.  Near-identical\n"
	"wire copies are shown once, with '+N similar'.\n"
	"\n"
	"options (before or after the query; -- ends them):\n"
	"  --index DIR            the index directory\n"
	"  -n, --limit N          show N hits (default 10); 0: only the\n"
	"                         counts (totals and facets)\n"
	"  --offset N             skip the first N hits\n"
	"  --sort ORDER           relevance (default), date (oldest first),\n"
	"                         -date (newest first); undated articles\n"
	"                         last\n"
	"  --recent[=DAYS]        boost recent articles; the boost halves\n"
	"                         every DAYS days (default 30)\n"
	"  --facet LIST           count matches per country, place, org,\n"
	"                         person, topic, source, lang, year or month\n"
	"                         (comma-separated, repeatable); a count is\n"
	"                         the total the search has with that filter\n"
	"                         added (copies included)\n"
	"  --all-copies           list every wire copy, not one per group\n"
	"  --exact-count          count every total exactly (default: phrases\n"
	"                         estimated above 1,000 candidates, other\n"
	"                         queries of several words above 10,000\n"
	"                         matches)\n"
	"  --time-limit SECONDS   past this long, stop examining matches the\n"
	"                         page does not need (counts then cover those\n"
	"                         examined; default: no limit)\n"
	"  --feedback             widen any query with relevance feedback\n"
	"  --no-feedback          never (the default: reorder the matches\n"
	"                         of four words or more, adding none)\n"
	"  --all-words            require every word, as AND does, and show\n"
	"                         nothing when no article has them all\n"
	"  --json                 print one JSON document (see newsidx(1))\n"
	"  --jsonl                print one JSON object per hit\n"
	"  --ids                  print the ids of the hits, one per line\n"
	"  --no-snippets          do not make snippets\n"
	"  --snippet-words N      snippet length in words (default 30)\n"
	"  --lang CODE            language of the query (default en)\n"
	"  --explain              print how the query is parsed, then search\n";

int cli_exit_code(newsidx_status_t st)
{
	switch (st) {
	case NEWSIDX_OK:
		return 0;
	case NEWSIDX_REJECTED:
		return EXIT_REJECTED;
	case NEWSIDX_NO_INPUT:
	case NEWSIDX_DELETE_REFUSED:
		return EXIT_NOINPUT;
	case NEWSIDX_LOCKED:
		return EXIT_LOCKED;
	case NEWSIDX_QUERY_SYNTAX:
	case NEWSIDX_TOO_MANY_TERMS:
	case NEWSIDX_INVALID_ARGUMENT:
		return EXIT_USAGE;
	default:
		return 1;
	}
}

/* Length of the valid UTF-8 sequence at s (at most n bytes) and its code
 * point in *cp; 0 when the bytes are no UTF-8 (overlong forms and
 * surrogates included). */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	unsigned long c;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	c = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * Text from articles, file names and the command line may hold control
 * characters: an ESC that a terminal obeys, a newline that forges a line
 * of a log.  What could act on a terminal is shown as an escape instead:
 * the C0 controls and DEL as \xHH, the C1 controls (U+0080 to U+009F)
 * as \u00HH, and bytes that are not UTF-8 as \xHH.  Tabs stay, and so do
 * newlines when lines is set (text of several lines, such as a body).
 */
void cli_write(FILE *f, const char *s, size_t len, int lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0, n;
	unsigned long cp;

	while (i < len) {
		if (p[i] < 0x80) {
			if ((p[i] >= 0x20 && p[i] != 0x7f) || p[i] == '\t' ||
			    (lines && p[i] == '\n')) {
				i++;
				continue;
			}
			fwrite(p + run, 1, i - run, f);
			fprintf(f, "\\x%02x", p[i]);
			run = ++i;
			continue;
		}
		n = utf8_seq(p + i, len - i, &cp);
		if (n && cp >= 0xa0) {
			i += n;
			continue;
		}
		fwrite(p + run, 1, i - run, f);
		if (n)
			fprintf(f, "\\u%04lx", cp);
		else
			fprintf(f, "\\x%02x", p[i]);
		i += n ? n : 1;
		run = i;
	}
	fwrite(p + run, 1, len - run, f);
}

void cli_puts(FILE *f, const char *s)
{
	cli_write(f, s, strlen(s), 0);
}

int cli_usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs("newsidx: ", stderr);
	cli_puts(stderr, msg);
	fputs("\nTry 'newsidx --help'.\n", stderr);
	return EXIT_USAGE;
}

/* What to do about a status: the library states the fact, and the
 * command line, which knows its own commands, says what to run. */
static void advise(newsidx_status_t st, newsidx_db_t *db)
{
	const char *dir = db && newsidx_db_path(db) ? newsidx_db_path(db)
						    : cli_index_path();

	switch (st) {
	case NEWSIDX_NO_INDEX:
		fputs("; run: newsidx index PATH", stderr);
		break;
	case NEWSIDX_VERSION_MISMATCH:
	case NEWSIDX_CORRUPT:
		fputs("; rebuild it: newsidx --index ", stderr);
		cli_puts(stderr, dir);
		fputs(" rebuild", stderr);
		break;
	default:
		break;
	}
}

int cli_fail(newsidx_status_t st, newsidx_db_t *db)
{
	const char *msg = db ? newsidx_db_errmsg(db) : "";

	fputs("newsidx: ", stderr);
	cli_puts(stderr, *msg ? msg : newsidx_status_str(st));
	advise(st, db);
	fputc('\n', stderr);
	return cli_exit_code(st);
}

int cli_refuse_set(const char *command)
{
	struct stat st;
	const char *path = cli_index_path();

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	fputs("newsidx: ", stderr);
	cli_puts(stderr, path);
	fprintf(stderr,
		" is a set of shards; %s each of its shards: newsidx --index "
		"SHARD %s\n",
		command, command);
	return EXIT_USAGE;
}

void cli_read_options(newsidx_open_options_t *oo)
{
	newsidx_open_options_t d = NEWSIDX_OPEN_OPTIONS_INIT;

	*oo = d;
	oo->partial = cli_partial;
	oo->shard_timeout = cli_shard_timeout;
}

newsidx_status_t cli_open_reader(newsidx_db_t **db)
{
	newsidx_open_options_t oo;

	cli_read_options(&oo);
	return newsidx_db_open(db, cli_index_path(), &oo);
}

void cli_warn_missing(newsidx_db_t *db)
{
	size_t i, n = newsidx_db_shard_count(db);

	for (i = 0; i < n; i++) {
		const char *why = newsidx_db_shard_missing(db, i);

		if (!why)
			continue;
		fputs("newsidx: warning: shard '", stderr);
		cli_puts(stderr, newsidx_db_shard_line(db, i));
		fputs("' is missing from these results: ", stderr);
		cli_puts(stderr, why);
		fputc('\n', stderr);
	}
}

const char *cli_index_path(void)
{
	const char *env = getenv("NEWSIDX_INDEX");

	if (cli_index_dir)
		return cli_index_dir;
	if (env && *env)
		return env;
	return "index";
}

int cli_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || *s == '-' || *s == '\0')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (size_t)v;
	return 0;
}

int cli_parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	if (!s || !*s)
		return -1;
	*out = strtod(s, &end);
	if (errno || *end || *out < 0 || *out > 1e7)
		return -1;
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *usage;
} commands[] = {
	{ "index", cmd_index, cli_usage_index },
	{ "search", cmd_search, cli_usage_search },
	{ "stats", cmd_stats, cli_usage_stats },
	{ "check", cmd_check, cli_usage_check },
	{ "compact", cmd_compact, cli_usage_compact },
	{ "rebuild", cmd_rebuild, cli_usage_rebuild },
	{ "reshard", cmd_reshard, cli_usage_reshard },
	{ "delete", cmd_delete, cli_usage_delete },
	{ "similar", cmd_similar, cli_usage_similar },
	{ "show", cmd_show, cli_usage_show },
	{ "serve", cmd_serve, cli_usage_serve },
	{ "trend", cmd_trend, cli_usage_trend },
	{ "watch", cmd_watch, cli_usage_watch },
};

static int cmd_help(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		fputs(cli_usage_main, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			fputs(commands[i].usage, stdout);
			return 0;
		}
	return cli_usage_error("no help for unknown command '%s'", argv[1]);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "partial", no_argument, NULL, 'p' },
		{ "shard-timeout", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cli_index_dir = optarg;
			break;
		case 'p':
			cli_partial = 1;
			break;
		case 's':
			if (cli_parse_seconds(optarg, &cli_shard_timeout) ||
			    cli_shard_timeout <= 0)
				return cli_usage_error("bad --shard-timeout "
						       "'%s'",
						       optarg);
			break;
		case 'h':
			fputs(cli_usage_main, stdout);
			return 0;
		case 'V':
			printf("newsidx %s\n", newsidx_version());
			return 0;
		default:
			return cli_usage_error("bad option");
		}
	}
	if (optind >= argc) {
		fputs(cli_usage_main, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0; /* glibc: reinitialise, also the permutation state */
	if (strcmp(cmd, "help") == 0)
		return cmd_help(argc, argv);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc, argv);
	return cli_usage_error("unknown command '%s'", cmd);
}
