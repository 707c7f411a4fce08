/*
 * html.c: news articles out of HTML pages, and plain text out of HTML.
 *
 * Responsible for reading one HTML page (a file, or the payload of a
 * WARC record) into one article, and for turning HTML fragments (a
 * feed's content:encoded) into text.  Pages are parsed by libxml2's HTML
 * parser, which recovers from the tag soup of real pages, without
 * network access.
 *
 * Metadata, in order of preference:
 *   title     og:title, then <title> (less a " | Site" suffix naming the
 *             site), then the first <h1>, then JSON-LD headline
 *   date      article:published_time, then the first <time datetime>
 *             that parses, then JSON-LD datePublished of a NewsArticle
 *             (or other Article type), then the container's (WARC-Date)
 *   url       <link rel=canonical>, then og:url; a container's URL wins
 *   source    og:site_name, then JSON-LD publisher name, then the
 *             container's (the WARC host)
 *   lang      <html lang>, Content-Language, og:locale, JSON-LD
 *             inLanguage; else detected (meta.c)
 *   authors   <meta name=author>, JSON-LD author names, article:author
 *   topics    article:section and article:tag
 *
 * The body is the article itself as far as can reasonably be told: the
 * element marked itemprop=articleBody, else the <article> holding the
 * most paragraph text, else the element whose paragraphs hold the most
 * text (a paragraph counts fully for its parent and half for its
 * grandparent), else <main>, else <body>.  Inside it scripts, styles,
 * navigation, headers, footers, asides, forms and elements whose class
 * or id says they are sharing buttons, menus, adverts, comments or the
 * like are left out, and so is <h1>, the headline, which is the title.
 * When the text is short and JSON-LD carries an articleBody, that is
 * used instead.
 *
 * Pages arrive in UTF-8: their callers decode them (encoding.c), with
 * the page's own <meta> charset among the clues, so libxml2 is told the
 * text is UTF-8 and to ignore what the page declares.
 *
 * libxml2's errors are caught for the duration of a parse by xml.c, so
 * that the library never prints.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ingest/parsers.h"

/* ------------------------------------------------------------------ */
/* small helpers over the tree                                         */
/* ------------------------------------------------------------------ */

static int is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
	       strcasecmp((const char *)n->name, name) == 0;
}

/* An attribute's value as a borrowed string, or NULL. */
static const char *attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0) {
			if (a->children && a->children->type == XML_TEXT_NODE &&
			    a->children->content)
				return (const char *)a->children->content;
			return "";
		}
	return NULL;
}

/* The text of n's subtree, white space collapsed; malloc'd or NULL. */
static char *node_text(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s;

	if (!t)
		return NULL;
	s = newsidx_meta__clean((const char *)t, strlen((const char *)t));
	xmlFree(t);
	return s;
}

/* Elements whose content is never article text. */
static int skipped_element(const xmlNode *n)
{
	static const char *const names[] = {
		"script", "style",  "noscript", "template", "iframe",
		"svg",    "canvas", "object",   "embed",    "head",
		"select", "option", "button",   "input",    "textarea",
		"nav",    "footer", "aside",    "form",     "header",
		"math",   "dialog", "menu",     "audio",    "video",
		"map",    "title",  "h1"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp((const char *)n->name, names[i]) == 0)
			return 1;
	return 0;
}

/* Does a class or id value name page furniture rather than text? */
static int furniture_words(const char *v)
{
	static const char *const words[] = {
		"nav", "navbar", "navigation", "menu", "footer", "sidebar",
		"share", "sharing", "social", "related", "comment",
		"comments", "advert", "advertisement", "ad", "ads", "adslot",
		"promo", "newsletter", "subscribe", "subscription", "cookie",
		"cookies", "consent", "breadcrumb", "breadcrumbs", "popup",
		"modal", "outbrain", "taboola", "paywall", "recommended",
		"trending", "popular", "hidden", "masthead", "toolbar",
		"byline", "skip", "signup"
	};
	char tok[48];
	size_t n, i;

	while (*v) {
		n = strcspn(v, " \t\n-_");
		if (n > 0 && n < sizeof(tok)) {
			for (i = 0; i < n; i++)
				tok[i] = (char)tolower((unsigned char)v[i]);
			tok[n] = '\0';
			for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
				if (strcmp(tok, words[i]) == 0)
					return 1;
		}
		v += n;
		if (*v)
			v++;
	}
	return 0;
}

static int furniture(const xmlNode *n)
{
	const char *v;

	if (skipped_element(n))
		return 1;
	if (attr(n, "hidden"))
		return 1;
	v = attr(n, "aria-hidden");
	if (v && strcasecmp(v, "true") == 0)
		return 1;
	v = attr(n, "role");
	if (v && (strcasecmp(v, "navigation") == 0 ||
		  strcasecmp(v, "banner") == 0 ||
		  strcasecmp(v, "contentinfo") == 0 ||
		  strcasecmp(v, "complementary") == 0 ||
		  strcasecmp(v, "search") == 0 || strcasecmp(v, "dialog") == 0))
		return 1;
	v = attr(n, "style");
	if (v && (strstr(v, "display:none") || strstr(v, "display: none")))
		return 1;
	v = attr(n, "class");
	if (v && furniture_words(v))
		return 1;
	v = attr(n, "id");
	return v && furniture_words(v);
}

/* 2: a block (paragraph break), 1: a line break, 0: inline. */
static int block_kind(const xmlNode *n)
{
	static const char *const blocks[] = {
		"p",       "div",     "h1",         "h2",      "h3",
		"h4",      "h5",      "h6",         "li",      "ul",
		"ol",      "tr",      "table",      "blockquote", "section",
		"article", "pre",     "hr",         "dl",      "dt",
		"dd",      "figure",  "figcaption", "address", "main",
		"body",    "center",  "details",    "summary", "caption",
		"tbody",   "thead"
	};
	size_t i;

	if (is(n, "br"))
		return 1;
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strcasecmp((const char *)n->name, blocks[i]) == 0)
			return 2;
	return 0;
}

/* ------------------------------------------------------------------ */
/* text extraction                                                     */
/* ------------------------------------------------------------------ */

struct textw {
	struct newsidx_buf *out;
	int rc;
	int space; /* a space is due before the next text */
	int brk;   /* a break is due: 1 line, 2 paragraph */
	int pre;   /* inside <pre> */
	size_t start; /* out->len when the extraction began */
};

static void put_text(struct textw *w, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!w->pre && (c == ' ' || c == '\t' || c == '\n' ||
				c == '\r' || c == '\f' || c == '\v')) {
			newsidx_buf__append(w->out, s + run, i - run, &w->rc);
			run = i + 1;
			w->space = 1;
			continue;
		}
		if (run == i && (w->brk || w->space)) {
			if (w->out->len > w->start) {
				if (w->brk)
					newsidx_buf__puts(w->out,
							  w->brk > 1 ? "\n\n"
								     : "\n",
							  &w->rc);
				else
					newsidx_buf__putc(w->out, ' ', &w->rc);
			}
			w->brk = w->space = 0;
		}
	}
	newsidx_buf__append(w->out, s + run, n - run, &w->rc);
}

/*
 * Append the text under root to w, walking without recursion (pages can
 * nest deeply) and skipping furniture.
 */
static void extract(struct textw *w, xmlNode *root)
{
	xmlNode *n = root;

	for (;;) {
		int descend = 1;

		if (n->type == XML_ELEMENT_NODE) {
			if (n != root && furniture(n)) {
				descend = 0;
			} else {
				int k = block_kind(n);

				if (k > w->brk)
					w->brk = k;
				if (is(n, "pre"))
					w->pre++;
				if (is(n, "td") || is(n, "th"))
					w->space = 1;
			}
		} else if ((n->type == XML_TEXT_NODE ||
			    n->type == XML_CDATA_SECTION_NODE) &&
			   n->content) {
			put_text(w, (const char *)n->content,
				 strlen((const char *)n->content));
		}
		if (descend && n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && descend) {
				int k = block_kind(n);

				if (k > w->brk)
					w->brk = k;
				if (is(n, "pre") && w->pre)
					w->pre--;
			}
			descend = 1;
			if (n == root)
				return;
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n)
				return;
		}
	}
}

/*
 * The internal subset of a DOCTYPE at the start of a page ("<!DOCTYPE
 * html [ <!ENTITY ...> ]>"): 1 and the offsets of its '[' and ']' when
 * there is one.  libxml2's HTML parser knows no subset: it ends the
 * DOCTYPE at the first '>' and would give the rest, "]>" and any
 * declaration after a quoted '>', as the article's text.  Quoted
 * strings in the subset may hold ']' and '>'.
 */
static int dtd_subset(const char *d, size_t len, size_t *open,
		      size_t *close)
{
	size_t i = 0;
	char q = 0;

	if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && newsidx_is_space((unsigned char)d[i]))
		i++;
	if (len - i < 9 || strncasecmp(d + i, "<!doctype", 9) != 0)
		return 0;
	for (i += 9; i < len && d[i] != '[' && d[i] != '>'; i++)
		if (d[i] == '"' || d[i] == '\'')
			for (q = d[i++]; i < len && d[i] != q; i++)
				;
	if (i >= len || d[i] != '[')
		return 0;
	*open = i;
	for (i++; i < len; i++) {
		if (d[i] == '"' || d[i] == '\'') {
			for (q = d[i++]; i < len && d[i] != q; i++)
				;
		} else if (d[i] == ']') {
			size_t j = i + 1;

			while (j < len && newsidx_is_space((unsigned char)d[j]))
				j++;
			if (j < len && d[j] == '>') {
				*close = i;
				return 1;
			}
		}
	}
	return 0;
}

/* An HTML document from memory with errors caught; NULL if none.  A
 * DOCTYPE's internal subset is blanked out first (dtd_subset). */
static htmlDocPtr read_html(const char *data, size_t len)
{
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;
	char *copy = NULL;
	size_t open, close;
	/* The text is UTF-8 already (ingest/encoding.c): a <meta>
	 * charset said what it was, not what it is. */
	const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NONET |
			 HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			 HTML_PARSE_NODEFDTD | HTML_PARSE_COMPACT |
			 HTML_PARSE_IGNORE_ENC;

	if (len > (size_t)INT32_MAX)
		return NULL;
	if (dtd_subset(data, len, &open, &close)) {
		/* Spaces keep every offset after it where it was. */
		copy = malloc(len);
		if (!copy)
			return NULL;
		memcpy(copy, data, len);
		memset(copy + open, ' ', close - open + 1);
		data = copy;
	}
	ctxt = htmlNewParserCtxt();
	if (!ctxt) {
		free(copy);
		return NULL;
	}
	doc = htmlCtxtReadMemory(ctxt, data, (int)len, NULL, "UTF-8", opts);
	htmlFreeParserCtxt(ctxt);
	free(copy);
	return doc;
}

int newsidx_html__text(const char *html, size_t len, struct newsidx_buf *out)
{
	struct newsidx_xml_errors e;
	struct textw w;
	htmlDocPtr doc;
	xmlNode *root;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.start = out->len;
	if (len == 0)
		return 0;
	if (!memchr(html, '<', len) && !memchr(html, '&', len)) {
		/* Plain text already: only the white space to settle. */
		put_text(&w, html, len);
	} else {
		newsidx_xml__begin(&e);
		doc = read_html(html, len);
		newsidx_xml__end(&e);
		root = doc ? xmlDocGetRootElement(doc) : NULL;
		if (root)
			extract(&w, root);
		if (doc)
			xmlFreeDoc(doc);
	}
	if (!w.rc && out->len > w.start &&
	    !newsidx_utf8__valid(out->data + w.start, out->len - w.start,
				 NULL)) {
		/* libxml2 passes bytes that are not UTF-8 through. */
		struct newsidx_buf b = { 0 };

		newsidx_meta__utf8(out->data + w.start, out->len - w.start, &b,
				   &w.rc);
		out->len = w.start;
		newsidx_buf__append(out, b.data ? b.data : "", b.len, &w.rc);
		newsidx_buf__free(&b);
	}
	return w.rc;
}

/* ------------------------------------------------------------------ */
/* pages                                                               */
/* ------------------------------------------------------------------ */

struct score {
	xmlNode *node;
	double direct; /* paragraph text of children, half of grandchildren */
	size_t total;  /* paragraph text anywhere below */
};

struct page {
	/* first-seen values; borrowed from the tree unless noted */
	const char *og_title, *og_site, *og_url, *og_locale, *published;
	const char *canonical, *html_lang, *content_lang, *meta_author;
	const char *article_author;
	xmlNode *title_el, *h1_el, *body_el, *main_el, *article_body_el;
	struct newsidx_buf topics; /* article:section and article:tag */
	char time_date[16];        /* the first <time datetime> that parses */
	int time_tz, time_has_time;
	json_t *ld;                /* the JSON-LD Article object, owned */
	json_t *ld_root;           /* the document that holds it, owned */
	struct score *scores;
	size_t nscores, capscores;
	int rc;
};

/* Length of the text under n that extraction would keep. */
static size_t text_len(xmlNode *n)
{
	struct newsidx_buf b = { 0 };
	struct textw w;
	size_t len;

	memset(&w, 0, sizeof(w));
	w.out = &b;
	extract(&w, n);
	len = b.len;
	newsidx_buf__free(&b);
	return len;
}

static struct score *score_of(struct page *pg, xmlNode *n)
{
	uintptr_t k = (uintptr_t)n->_private;

	if (k)
		return &pg->scores[k - 1];
	if (NEWSIDX_ARRAY_GROW(pg->scores, pg->nscores, pg->capscores, 64)) {
		pg->rc = NEWSIDX_NOMEM;
		return NULL;
	}
	pg->scores[pg->nscores].node = n;
	pg->scores[pg->nscores].direct = 0;
	pg->scores[pg->nscores].total = 0;
	n->_private = (void *)(uintptr_t)(++pg->nscores);
	return &pg->scores[pg->nscores - 1];
}

/* Is a JSON-LD @type an article? */
static int ld_is_article(json_t *o)
{
	json_t *t = json_object_get(o, "@type");
	size_t i, n;

	if (json_is_string(t)) {
		const char *s = json_string_value(t);

		n = strlen(s);
		return (n >= 7 && strcmp(s + n - 7, "Article") == 0) ||
		       strcmp(s, "BlogPosting") == 0 ||
		       strcmp(s, "LiveBlogPosting") == 0;
	}
	if (json_is_array(t))
		for (i = 0; i < json_array_size(t); i++) {
			json_t *x = json_array_get(t, i);
			const char *s = json_string_value(x);

			if (s && (n = strlen(s)) >= 7 &&
			    strcmp(s + n - 7, "Article") == 0)
				return 1;
		}
	return 0;
}

static json_t *ld_find(json_t *v, int depth)
{
	size_t i;
	json_t *r;

	if (depth > 4 || !v)
		return NULL;
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if ((r = ld_find(json_array_get(v, i), depth + 1)))
				return r;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	if (ld_is_article(v))
		return v;
	return ld_find(json_object_get(v, "@graph"), depth + 1);
}

static void json_ld(struct page *pg, xmlNode *script)
{
	struct newsidx_buf b = { 0 };
	xmlNode *c;
	json_t *root, *art;
	int rc = 0;

	if (pg->ld)
		return;
	for (c = script->children; c; c = c->next)
		if (c->content)
			newsidx_buf__puts(&b, (const char *)c->content, &rc);
	if (rc || !b.len) {
		newsidx_buf__free(&b);
		return;
	}
	root = json_loadb(b.data, b.len, 0, NULL);
	newsidx_buf__free(&b);
	if (!root)
		return;
	art = ld_find(root, 0);
	if (art) {
		pg->ld = art;
		pg->ld_root = root;
	} else {
		json_decref(root);
	}
}

static void add_topic(struct page *pg, const char *v)
{
	char *t = v ? newsidx_meta__clean(v, strlen(v)) : NULL;

	if (!t)
		return;
	if (pg->topics.len)
		newsidx_buf__puts(&pg->topics, ", ", &pg->rc);
	newsidx_buf__puts(&pg->topics, t, &pg->rc);
	free(t);
}

/* A <meta> element: the first value of each property is kept. */
static void meta_tag(struct page *pg, xmlNode *n)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "og:title", offsetof(struct page, og_title) },
		{ "og:site_name", offsetof(struct page, og_site) },
		{ "og:url", offsetof(struct page, og_url) },
		{ "og:locale", offsetof(struct page, og_locale) },
		{ "article:published_time", offsetof(struct page, published) },
		{ "author", offsetof(struct page, meta_author) },
		{ "article:author", offsetof(struct page, article_author) },
	};
	const char *key = attr(n, "property");
	const char *content = attr(n, "content");
	size_t i;

	if (!key)
		key = attr(n, "name");
	if (!content)
		return;
	if (!key) {
		key = attr(n, "http-equiv");
		if (key && strcasecmp(key, "content-language") == 0 &&
		    !pg->content_lang)
			pg->content_lang = content;
		return;
	}
	if (strcasecmp(key, "article:section") == 0 ||
	    strcasecmp(key, "article:tag") == 0) {
		add_topic(pg, content);
		return;
	}
	/* article:author is often the URL of a profile page, not a name. */
	if (strcasecmp(key, "article:author") == 0 &&
	    strncmp(content, "http", 4) == 0)
		return;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char **slot = (const char **)((char *)pg + keys[i].off);

		if (strcasecmp(key, keys[i].key) == 0 && !*slot) {
			*slot = content;
			return;
		}
	}
}

/* One pass over the tree: metadata, and paragraph text per element. */
static void survey(struct page *pg, xmlNode *root)
{
	xmlNode *n = root;

	for (;;) {
		int descend = 1;

		if (n->type == XML_ELEMENT_NODE && n->name) {
			const char *name = (const char *)n->name;
			const char *v;

			if (strcasecmp(name, "html") == 0 && !pg->html_lang) {
				pg->html_lang = attr(n, "lang");
				if (!pg->html_lang)
					pg->html_lang = attr(n, "xml:lang");
			} else if (strcasecmp(name, "title") == 0) {
				if (!pg->title_el)
					pg->title_el = n;
				descend = 0;
			} else if (strcasecmp(name, "h1") == 0) {
				if (!pg->h1_el)
					pg->h1_el = n;
			} else if (strcasecmp(name, "body") == 0) {
				if (!pg->body_el)
					pg->body_el = n;
			} else if (strcasecmp(name, "main") == 0) {
				if (!pg->main_el)
					pg->main_el = n;
			} else if (strcasecmp(name, "meta") == 0) {
				meta_tag(pg, n);
			} else if (strcasecmp(name, "link") == 0) {
				v = attr(n, "rel");
				if (v && strcasecmp(v, "canonical") == 0 &&
				    !pg->canonical)
					pg->canonical = attr(n, "href");
			} else if (strcasecmp(name, "time") == 0) {
				v = attr(n, "datetime");
				if (v && !pg->time_date[0])
					newsidx_meta__date(v, pg->time_date,
							   &pg->time_tz,
							   &pg->time_has_time);
			} else if (strcasecmp(name, "script") == 0) {
				v = attr(n, "type");
				if (v && strcasecmp(v, "application/ld+json") == 0)
					json_ld(pg, n);
				descend = 0;
			} else if (strcasecmp(name, "style") == 0) {
				descend = 0;
			} else if (strcasecmp(name, "p") == 0) {
				size_t len = text_len(n);
				xmlNode *a;
				struct score *s;
				int depth;

				if (n->parent && (s = score_of(pg, n->parent)))
					s->direct += (double)len;
				if (n->parent && n->parent->parent &&
				    (s = score_of(pg, n->parent->parent)))
					s->direct += (double)len / 2;
				/* Bounded, so that absurd nesting stays
				 * linear; articles are never that deep. */
				for (a = n->parent, depth = 0; a && depth < 64;
				     a = a->parent, depth++)
					if (a->type == XML_ELEMENT_NODE &&
					    (s = score_of(pg, a)))
						s->total += len;
			}
			v = attr(n, "itemprop");
			if (v && strcasecmp(v, "articleBody") == 0 &&
			    !pg->article_body_el)
				pg->article_body_el = n;
		}
		if (descend && n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n == root)
				return;
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n)
				return;
		}
	}
}

/* The element that holds the article's text. */
static xmlNode *body_root(struct page *pg)
{
	xmlNode *best = NULL;
	size_t i, best_total = 0;
	double best_direct = 0;

	if (pg->article_body_el)
		return pg->article_body_el;
	for (i = 0; i < pg->nscores; i++) {
		struct score *s = &pg->scores[i];

		if (is(s->node, "article") && s->total > best_total) {
			best = s->node;
			best_total = s->total;
		}
	}
	if (best && best_total >= 140)
		return best;
	best = NULL;
	for (i = 0; i < pg->nscores; i++) {
		struct score *s = &pg->scores[i];

		if (s->direct > best_direct) {
			best = s->node;
			best_direct = s->direct;
		}
	}
	if (best && best_direct >= 140)
		return best;
	if (pg->main_el)
		return pg->main_el;
	return pg->body_el;
}

/* A JSON-LD string member, or the "name" of an object member. */
static const char *ld_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(v, "name");
	return json_string_value(v);
}

static char *ld_authors(json_t *o)
{
	json_t *v = json_object_get(o, "author");
	struct newsidx_buf b = { 0 };
	size_t i, n;
	int rc = 0;

	if (!v)
		return NULL;
	n = json_is_array(v) ? json_array_size(v) : 1;
	for (i = 0; i < n && i < 20; i++) {
		json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
		const char *s = json_is_object(x)
					? json_string_value(json_object_get(x, "name"))
					: json_string_value(x);

		if (!s || !*s)
			continue;
		if (b.len)
			newsidx_buf__puts(&b, ", ", &rc);
		newsidx_buf__puts(&b, s, &rc);
	}
	if (rc || !b.len) {
		newsidx_buf__free(&b);
		return NULL;
	}
	return b.data;
}

static char *clean_str(const char *s)
{
	return s ? newsidx_meta__clean(s, strlen(s)) : NULL;
}

/* "Headline | Site" or "Headline - Site": drop the site. */
static void strip_site(char *title, const char *site)
{
	static const char *const seps[] = { " | ", " - ", " \xe2\x80\x93 ",
					    " \xe2\x80\x94 ", " :: " };
	size_t i, tl, sl;

	if (!title || !site || !*site)
		return;
	tl = strlen(title);
	sl = strlen(site);
	for (i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
		size_t k = strlen(seps[i]);

		if (tl > sl + k && strcasecmp(title + tl - sl, site) == 0 &&
		    strncmp(title + tl - sl - k, seps[i], k) == 0) {
			title[tl - sl - k] = '\0';
			return;
		}
	}
}

/* The article's metadata other than its body and id, from what survey()
 * found and, where the page says nothing, from the container's hints;
 * in the order of preference given at the top of this file. */
static void page_meta(struct page *pg, struct newsidx_article *a,
		      const struct newsidx_page_hints *hints)
{
	const char *s;
	char *site;

	/* The source first: the title may end with it. */
	site = clean_str(pg->og_site);
	if (!site && pg->ld)
		site = clean_str(ld_str(pg->ld, "publisher"));
	if (!site && hints && hints->source)
		site = newsidx_strdup(hints->source);
	a->source = site;

	a->title = clean_str(pg->og_title);
	if (!a->title && pg->title_el) {
		a->title = node_text(pg->title_el);
		strip_site(a->title, site);
	}
	if (!a->title && pg->h1_el)
		a->title = node_text(pg->h1_el);
	if (!a->title && pg->ld)
		a->title = clean_str(ld_str(pg->ld, "headline"));
	if (!a->title)
		a->title = newsidx_record__title(a->body, a->body_len);

	/* The date, from the first source that parses. */
	if (!(pg->published &&
	      newsidx_meta__date(pg->published, a->date, &a->tz_minutes,
				 &a->has_time))) {
		if (pg->time_date[0]) {
			memcpy(a->date, pg->time_date, sizeof(a->date));
			a->tz_minutes = pg->time_tz;
			a->has_time = pg->time_has_time;
		} else if (!(pg->ld &&
			     newsidx_meta__date(ld_str(pg->ld, "datePublished"),
						a->date, &a->tz_minutes,
						&a->has_time)) &&
			   hints && hints->date) {
			if (!newsidx_meta__date(hints->date, a->date,
						&a->tz_minutes, &a->has_time))
				a->date[0] = '\0';
		}
	}

	if (hints && hints->url)
		a->url = newsidx_strdup(hints->url);
	else if (pg->canonical && *pg->canonical)
		a->url = clean_str(pg->canonical);
	else if (pg->og_url && *pg->og_url)
		a->url = clean_str(pg->og_url);

	s = pg->html_lang && *pg->html_lang ? pg->html_lang
	    : pg->content_lang		    ? pg->content_lang
	    : pg->og_locale		    ? pg->og_locale
	    : pg->ld			    ? ld_str(pg->ld, "inLanguage")
					    : NULL;
	if (s && *s)
		a->lang = newsidx_strdup(s);

	a->authors = clean_str(pg->meta_author);
	if (!a->authors && pg->ld)
		a->authors = ld_authors(pg->ld);
	if (!a->authors)
		a->authors = clean_str(pg->article_author);
	if (pg->topics.len) {
		a->topics = pg->topics.data;
		pg->topics.data = NULL;
	}
}

void newsidx_html__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const struct newsidx_page_hints *hints)
{
	struct newsidx_xml_errors e;
	struct newsidx_article a;
	struct newsidx_buf body = { 0 };
	struct page pg;
	struct textw w;
	htmlDocPtr doc;
	xmlNode *root, *broot;
	const char *where = hints && hints->where ? hints->where : ing->name;

	memset(&a, 0, sizeof(a));
	memset(&pg, 0, sizeof(pg));
	a.record = hints && hints->record ? hints->record : 1;
	if (ing->max_article && len / 8 > ing->max_article) {
		/* Bigger than any article page: a DOM of it would take
		 * several times its size in memory for nothing. */
		newsidx_record__reject(ing, where,
				       "page is larger than %zu bytes (8 times "
				       "--max-article-size)",
				       8 * ing->max_article);
		return;
	}
	newsidx_xml__begin(&e);
	doc = read_html(data, len);
	newsidx_xml__end(&e);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		newsidx_record__reject(ing, where,
				       "not an HTML page: %s",
				       e.count ? e.msg : "no elements");
		goto out;
	}
	survey(&pg, root);

	/* The body. */
	memset(&w, 0, sizeof(w));
	w.out = &body;
	broot = body_root(&pg);
	if (broot)
		extract(&w, broot);
	if (pg.ld) {
		const char *ab = json_string_value(json_object_get(pg.ld,
								   "articleBody"));

		if (ab && strlen(ab) > body.len && body.len < 500) {
			newsidx_buf__reset(&body);
			w.rc = 0;
			w.brk = w.space = 0;
			w.start = 0;
			put_text(&w, ab, strlen(ab));
		}
	}
	if (w.rc || pg.rc) {
		newsidx_record__reject(ing, where, "out of memory");
		goto out;
	}
	if (body.len == 0) {
		if (hints && hints->where) {
			/* In a crawl, pages without text (section fronts,
			 * empty shells) are common: skipped, not errors. */
			ing->skipped++;
		} else {
			newsidx_record__reject(ing, where,
					       "no article text in the page "
					       "(no <body>, or nothing in it)");
		}
		goto out;
	}
	a.body = body.data;
	a.body_len = body.len;

	page_meta(&pg, &a, hints);

	if (hints && hints->id)
		a.id = newsidx_strdup(hints->id);
	else if (a.url)
		a.id = newsidx_strdup(a.url);
	else
		a.id = newsidx_strdup(ing->abspath);
	a.path = newsidx_strdup(ing->abspath);
	if (!a.title || !a.id || !a.path) {
		newsidx_record__reject(ing, where, "out of memory");
		goto out;
	}
	newsidx_record__emit(ing, &a, where);
out:
	a.body = NULL;
	newsidx_article__clear(&a);
	newsidx_buf__free(&body);
	newsidx_buf__free(&pg.topics);
	free(pg.scores);
	if (pg.ld_root)
		json_decref(pg.ld_root);
	if (doc)
		xmlFreeDoc(doc);
}
