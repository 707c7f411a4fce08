/*
 * feed.c: RSS and Atom feeds, one article per item or entry.
 *
 * Responsible for parsing a feed with libxml2 and mapping its elements
 * to articles:
 *
 *   article   RSS 2.0 / RSS 1.0 item            Atom entry
 *   title     title                              title (text, html, xhtml)
 *   url       link (else a permalink guid)       link rel=alternate href
 *   id        guid, else link                    id, else link
 *   date      pubDate (RFC 822), dc:date         published, else updated
 *   authors   author ("mail (Name)"), dc:creator author/name, else feed's
 *   topics    category, dc:subject               category label or term
 *   body      content:encoded, else description  content, else summary
 *   source    the item's <source>, else the channel or feed title
 *   lang      dc:language or the channel's <language>; xml:lang
 *
 * HTML in bodies and titles is reduced to text by html.c.  Dates are
 * converted to UTC, keeping the original offset.  An item with neither
 * title nor body, or with a date that cannot be read, is rejected with
 * the file and the line of the item; the other items are indexed.
 *
 * Feeds are hostile by default.  libxml2 parses them without network
 * access (XML_PARSE_NONET), without substituting entities (no
 * XML_PARSE_NOENT), without loading DTDs (no XML_PARSE_DTDLOAD) and with
 * its size limits on (no XML_PARSE_HUGE).  A feed that declares any
 * entity in its DTD (the shape of "billion laughs" and of external
 * entity attacks alike) is refused whole, at the first declaration,
 * before anything is expanded: real feeds declare none.  A feed that is
 * not well-formed is reported at the line and column of its first error,
 * and the items libxml2 can recover are indexed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "ingest/parsers.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

enum kind { RSS, ATOM };

struct feed {
	struct newsidx_ingest *ing;
	enum kind kind;
	xmlDocPtr doc;
	char *title;      /* the channel or feed title, cleaned */
	char *lang;       /* the channel's language */
	char *authors;    /* the Atom feed's authors */
	unsigned long items;
	int entity_line;  /* line of the first entity declaration, or 0 */
};

/* ------------------------------------------------------------------ */
/* the tree                                                            */
/* ------------------------------------------------------------------ */

static int ns_is(const xmlNode *n, const char *href)
{
	return n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, href) == 0;
}

/* In the feed's own vocabulary: no namespace, a default one, RSS 1.0's
 * or Atom's. */
static int core(const xmlNode *n, enum kind kind)
{
	if (kind == ATOM)
		return ns_is(n, NS_ATOM) || ns_is(n, NS_ATOM03);
	return !n->ns || !n->ns->prefix || ns_is(n, NS_RSS1) ||
	       ns_is(n, NS_RSS090);
}

/* The first child element of p called name in namespace ns (NULL: the
 * feed's own). */
static xmlNode *child(const xmlNode *p, enum kind kind, const char *ns,
		      const char *name)
{
	xmlNode *c;

	for (c = p ? p->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0 &&
		    (ns ? ns_is(c, ns) : core(c, kind)))
			return c;
	return NULL;
}

static const char *attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 && !a->ns)
			return a->children && a->children->content
				       ? (const char *)a->children->content
				       : "";
	return NULL;
}

/* The raw text of an element (malloc'd by libxml2), or NULL. */
static char *raw(const xmlNode *n)
{
	return n ? (char *)xmlNodeGetContent(n) : NULL;
}

/* The text of an element, white space collapsed; malloc'd or NULL. */
static char *text(const xmlNode *n)
{
	char *r = raw(n), *s;

	if (!r)
		return NULL;
	s = newsidx_meta__clean(r, strlen(r));
	xmlFree(r);
	return s;
}

/* Does s look like HTML (a tag or an entity reference)? */
static int looks_html(const char *s)
{
	const char *p;

	for (p = s; (p = strpbrk(p, "<&")) != NULL; p++) {
		if (*p == '<' && (p[1] == '/' || p[1] == '!' ||
				  (p[1] >= 'a' && p[1] <= 'z') ||
				  (p[1] >= 'A' && p[1] <= 'Z')))
			return 1;
		if (*p == '&') {
			const char *q = p + 1;

			if (*q == '#')
				q++;
			while ((*q >= 'a' && *q <= 'z') ||
			       (*q >= 'A' && *q <= 'Z') ||
			       (*q >= '0' && *q <= '9'))
				q++;
			if (*q == ';' && q > p + 1)
				return 1;
		}
	}
	return 0;
}

/* Plain text: spaces collapsed, paragraphs (blank lines) kept. */
static void plain(const char *s, struct newsidx_buf *out, int *rc)
{
	int space = 0, lines = 0;

	for (; *s; s++) {
		if (*s == '\n') {
			lines++;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\r') {
			space = 1;
			continue;
		}
		if (out->len && lines >= 2)
			newsidx_buf__puts(out, "\n\n", rc);
		else if (out->len && (space || lines))
			newsidx_buf__putc(out, ' ', rc);
		space = lines = 0;
		newsidx_buf__putc(out, *s, rc);
	}
}

/*
 * The text of a text construct into out: html (escaped HTML, the RSS
 * convention for description and content:encoded), xhtml (inline
 * elements) or plain text.
 */
static void construct(struct feed *f, const xmlNode *n, int html,
		      struct newsidx_buf *out, int *rc)
{
	const char *type = f->kind == ATOM ? attr(n, "type") : NULL;
	char *r;

	if (type && (strcmp(type, "xhtml") == 0 ||
		     strcmp(type, "application/xhtml+xml") == 0)) {
		xmlBufferPtr b = xmlBufferCreate();
		xmlNode *c;

		if (!b) {
			*rc = NEWSIDX_NOMEM;
			return;
		}
		for (c = n->children; c; c = c->next)
			xmlNodeDump(b, f->doc, c, 0, 0);
		if (!*rc)
			*rc = newsidx_html__text((const char *)xmlBufferContent(b),
						 (size_t)xmlBufferLength(b), out);
		xmlBufferFree(b);
		return;
	}
	if (type && (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0))
		html = 1;
	else if (type)
		html = 0;
	r = raw(n);
	if (!r)
		return;
	if (html && looks_html(r)) {
		if (!*rc)
			*rc = newsidx_html__text(r, strlen(r), out);
	} else {
		plain(r, out, rc);
	}
	xmlFree(r);
}

/* A construct as one cleaned line (titles); malloc'd or NULL. */
static char *construct_line(struct feed *f, const xmlNode *n, int *rc)
{
	struct newsidx_buf b = { 0 };
	char *s = NULL;

	if (!n)
		return NULL;
	construct(f, n, f->kind == RSS, &b, rc);
	if (!*rc && b.len)
		s = newsidx_meta__clean(b.data, b.len);
	newsidx_buf__free(&b);
	return s;
}

/* Append a value to a ", "-joined list. */
static void join(struct newsidx_buf *b, const char *v, int *rc)
{
	if (!v || !*v)
		return;
	if (b->len)
		newsidx_buf__puts(b, ", ", rc);
	newsidx_buf__puts(b, v, rc);
}

static char *take(struct newsidx_buf *b)
{
	char *s = b->len ? b->data : NULL;

	if (!s)
		newsidx_buf__free(b);
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

/* "editor@example.com (Jane Doe)" -> "Jane Doe". */
static void rss_author(const char *v, struct newsidx_buf *b, int *rc)
{
	const char *open = strchr(v, '('), *close = strrchr(v, ')');

	if (open && close && close > open + 1 && strchr(v, '@') &&
	    strchr(v, '@') < open) {
		char *n = newsidx_meta__clean(open + 1,
					      (size_t)(close - open - 1));

		join(b, n, rc);
		free(n);
		return;
	}
	join(b, v, rc);
}

/* Authors of an Atom element (entry or feed). */
static char *atom_authors(struct feed *f, const xmlNode *p, int *rc)
{
	struct newsidx_buf b = { 0 };
	xmlNode *c;

	for (c = p->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !core(c, ATOM) ||
		    strcmp((const char *)c->name, "author") != 0)
			continue;
		{
			char *name = text(child(c, f->kind, NULL, "name"));

			join(&b, name, rc);
			free(name);
		}
	}
	return take(&b);
}

/* The link of an Atom entry: rel="alternate" (or no rel), HTML first. */
static char *atom_link(const xmlNode *p)
{
	const xmlNode *c, *best = NULL;

	for (c = p->children; c; c = c->next) {
		const char *rel, *type;

		if (c->type != XML_ELEMENT_NODE || !core(c, ATOM) ||
		    strcmp((const char *)c->name, "link") != 0 ||
		    !attr(c, "href"))
			continue;
		rel = attr(c, "rel");
		if (rel && strcmp(rel, "alternate") != 0)
			continue;
		type = attr(c, "type");
		if (!best || (type && strstr(type, "html")))
			best = c;
	}
	if (!best)
		return NULL;
	return newsidx_meta__clean(attr(best, "href"),
				   strlen(attr(best, "href")));
}

/* xml:lang in scope at n, or NULL (malloc'd). */
static char *xml_lang(const xmlNode *n)
{
	xmlChar *l = xmlNodeGetLang(n);
	char *s;

	if (!l)
		return NULL;
	s = newsidx_strdup((const char *)l);
	xmlFree(l);
	return s;
}

/* ------------------------------------------------------------------ */
/* items                                                               */
/* ------------------------------------------------------------------ */

/* What an item or entry holds besides the article's own fields, until
 * it becomes an article. */
struct item_parts {
	struct newsidx_buf body, authors, topics;
	char *date, *guid;
	int rc;
};

/* The fields of an RSS <item>. */
static void rss_item(struct feed *f, xmlNode *it, struct newsidx_article *a,
		     struct item_parts *ip)
{
	xmlNode *c, *n;

	a->title = construct_line(f, child(it, RSS, NULL, "title"), &ip->rc);
	a->url = text(child(it, RSS, NULL, "link"));
	n = child(it, RSS, NULL, "guid");
	ip->guid = text(n);
	if (!a->url && ip->guid && n &&
	    (!attr(n, "isPermaLink") ||
	     strcmp(attr(n, "isPermaLink"), "false") != 0) &&
	    strncmp(ip->guid, "http", 4) == 0)
		a->url = newsidx_strdup(ip->guid);
	ip->date = text(child(it, RSS, NULL, "pubDate"));
	if (!ip->date)
		ip->date = text(child(it, RSS, NS_DC, "date"));
	n = child(it, RSS, NS_CONTENT, "encoded");
	if (!n)
		n = child(it, RSS, NULL, "description");
	if (n)
		construct(f, n, 1, &ip->body, &ip->rc);
	for (c = it->children; c; c = c->next) {
		char *v;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((core(c, RSS) &&
		     strcmp((const char *)c->name, "author") == 0) ||
		    (ns_is(c, NS_DC) &&
		     strcmp((const char *)c->name, "creator") == 0)) {
			v = text(c);
			if (v)
				rss_author(v, &ip->authors, &ip->rc);
			free(v);
		} else if ((core(c, RSS) &&
			    strcmp((const char *)c->name, "category") == 0) ||
			   (ns_is(c, NS_DC) &&
			    strcmp((const char *)c->name, "subject") == 0)) {
			v = text(c);
			join(&ip->topics, v, &ip->rc);
			free(v);
		}
	}
	a->source = text(child(it, RSS, NULL, "source"));
	a->lang = text(child(it, RSS, NS_DC, "language"));
}

/* The fields of an Atom <entry>. */
static void atom_entry(struct feed *f, xmlNode *it,
		       struct newsidx_article *a, struct item_parts *ip)
{
	xmlNode *c, *n;

	a->title = construct_line(f, child(it, ATOM, NULL, "title"), &ip->rc);
	a->url = atom_link(it);
	ip->guid = text(child(it, ATOM, NULL, "id"));
	ip->date = text(child(it, ATOM, NULL, "published"));
	if (!ip->date)
		ip->date = text(child(it, ATOM, NULL, "issued"));
	if (!ip->date)
		ip->date = text(child(it, ATOM, NULL, "updated"));
	if (!ip->date)
		ip->date = text(child(it, ATOM, NULL, "modified"));
	n = child(it, ATOM, NULL, "content");
	if (n && attr(n, "src"))
		n = NULL; /* out of line: not here to read */
	if (!n)
		n = child(it, ATOM, NULL, "summary");
	if (n)
		construct(f, n, 0, &ip->body, &ip->rc);
	{
		char *au = atom_authors(f, it, &ip->rc);

		if (!au && f->authors)
			au = newsidx_strdup(f->authors);
		if (au) {
			join(&ip->authors, au, &ip->rc);
			free(au);
		}
	}
	for (c = it->children; c; c = c->next) {
		const char *v;

		if (c->type != XML_ELEMENT_NODE || !core(c, ATOM) ||
		    strcmp((const char *)c->name, "category") != 0)
			continue;
		v = attr(c, "label");
		if (!v || !*v)
			v = attr(c, "term");
		if (v) {
			char *t = newsidx_meta__clean(v, strlen(v));

			join(&ip->topics, t, &ip->rc);
			free(t);
		}
	}
	n = child(it, ATOM, NULL, "source");
	if (n)
		a->source = text(child(n, ATOM, NULL, "title"));
	a->lang = xml_lang(it);
}

static void item(struct feed *f, xmlNode *it)
{
	struct newsidx_ingest *ing = f->ing;
	struct newsidx_article a;
	struct item_parts ip;
	char where[1024];

	memset(&a, 0, sizeof(a));
	memset(&ip, 0, sizeof(ip));
	a.record = ++f->items;
	snprintf(where, sizeof(where), "%s:%ld", ing->name,
		 xmlGetLineNo(it));

	if (f->kind == RSS)
		rss_item(f, it, &a, &ip);
	else
		atom_entry(f, it, &a, &ip);
	if (ip.rc) {
		newsidx_record__reject(ing, where, "out of memory");
		goto out;
	}
	if (!a.title && ip.body.len == 0) {
		newsidx_record__reject(ing, where,
				       "%s %lu has no title and no content",
				       f->kind == RSS ? "item" : "entry",
				       f->items);
		goto out;
	}
	if (ip.date && !newsidx_meta__date(ip.date, a.date, &a.tz_minutes,
					   &a.has_time)) {
		newsidx_record__reject(ing, where,
				       "%s %lu: unrecognised date '%.40s'",
				       f->kind == RSS ? "item" : "entry",
				       f->items, ip.date);
		goto out;
	}
	a.body = ip.body.data ? ip.body.data : NULL;
	a.body_len = ip.body.len;
	if (!a.title)
		a.title = newsidx_record__title(ip.body.data, ip.body.len);
	a.authors = take(&ip.authors);
	a.topics = take(&ip.topics);
	if (!a.source && f->title)
		a.source = newsidx_strdup(f->title);
	if (!a.lang && f->lang)
		a.lang = newsidx_strdup(f->lang);
	if (ip.guid)
		a.id = newsidx_strdup(ip.guid);
	else if (a.url)
		a.id = newsidx_strdup(a.url);
	else {
		char id[4200];

		snprintf(id, sizeof(id), "%s#%lu", ing->abspath, f->items);
		a.id = newsidx_strdup(id);
	}
	a.path = newsidx_strdup(ing->abspath);
	if (!a.title || !a.id || !a.path) {
		newsidx_record__reject(ing, where, "out of memory");
		goto out;
	}
	newsidx_record__emit(ing, &a, where);
out:
	free(ip.date);
	free(ip.guid);
	a.body = NULL;
	newsidx_article__clear(&a);
	newsidx_buf__free(&ip.body);
	newsidx_buf__free(&ip.authors);
	newsidx_buf__free(&ip.topics);
}

/* ------------------------------------------------------------------ */
/* the document                                                        */
/* ------------------------------------------------------------------ */

/*
 * Called by libxml2 for each entity declaration in the DTD: the first
 * one stops the parser, so no entity is ever declared, let alone
 * expanded or fetched.
 */
static void on_entity_decl(void *ctx, const xmlChar *name, int type,
			   const xmlChar *public_id, const xmlChar *system_id,
			   xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct feed *f = ctxt->_private;

	(void)name;
	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	if (!f->entity_line)
		f->entity_line = ctxt->input ? ctxt->input->line : 1;
	if (!f->entity_line)
		f->entity_line = 1;
	xmlStopParser(ctxt);
}

static void on_unparsed_entity_decl(void *ctx, const xmlChar *name,
				    const xmlChar *public_id,
				    const xmlChar *system_id,
				    const xmlChar *notation)
{
	(void)notation;
	on_entity_decl(ctx, name, 0, public_id, system_id, NULL);
}

/* The offset just past the last "</item>" or "</entry>" in data. */
static size_t last_item_end(const char *data, size_t len)
{
	static const char *const tags[] = { "</item>", "</entry>" };
	size_t best = 0, i;

	for (i = 0; i < 2; i++) {
		size_t m = strlen(tags[i]);
		const char *p = data, *hit = NULL, *q;

		while ((q = memmem(p, len - (size_t)(p - data), tags[i], m))) {
			hit = q;
			p = q + 1;
		}
		if (hit && (size_t)(hit - data) + m > best)
			best = (size_t)(hit - data) + m;
	}
	return best;
}

void newsidx_feed__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const char *broken,
			 unsigned long long broken_at)
{
	struct newsidx_xml_errors e, quiet;
	struct feed f;
	xmlParserCtxtPtr ctxt;
	xmlNode *root, *chan, *c;
	char where[1024];
	unsigned long before = ing->articles;
	int rc = 0;
	const int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA |
			 XML_PARSE_BIG_LINES | XML_PARSE_RECOVER |
			 XML_PARSE_COMPACT;

	memset(&f, 0, sizeof(f));
	f.ing = ing;
	if (broken) {
		/* Read only the items wholly before the fault. */
		len = last_item_end(data, len);
	}
	if (len > 0x7fffffff) {
		newsidx_record__reject(ing, ing->name, "feed is too large");
		return;
	}
	newsidx_xml__begin(&e);
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		newsidx_xml__end(&e);
		newsidx_record__reject(ing, ing->name, "out of memory");
		return;
	}
	ctxt->_private = &f;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->unparsedEntityDecl = on_unparsed_entity_decl;
	/* The text is UTF-8 already (ingest.c): an encoding it declares
	 * said what it was, not what it is. */
	f.doc = len ? xmlCtxtReadMemory(ctxt, data, (int)len, NULL, "UTF-8",
					opts | XML_PARSE_IGNORE_ENC)
		    : NULL;
	xmlFreeParserCtxt(ctxt);
	newsidx_xml__end(&e);
	/* Walking the tree can still make libxml2 complain (serialising
	 * xhtml that is not UTF-8): quiet, and not a parse error. */
	newsidx_xml__begin(&quiet);

	if (f.entity_line) {
		snprintf(where, sizeof(where), "%s:%d", ing->name,
			 f.entity_line);
		newsidx_record__reject(ing, where,
				       "feed declares entities in a DTD; "
				       "refusing it");
		goto out;
	}
	root = f.doc ? xmlDocGetRootElement(f.doc) : NULL;
	if (!root) {
		if (broken)
			goto report_broken;
		if (e.line > 0)
			snprintf(where, sizeof(where), "%s:%d:%d", ing->name,
				 e.line, e.column > 0 ? e.column : 1);
		else
			snprintf(where, sizeof(where), "%s", ing->name);
		newsidx_record__reject(ing, where, "not well-formed XML: %s",
				       e.count ? e.msg : "no root element");
		goto out;
	}
	if (strcmp((const char *)root->name, "rss") == 0) {
		f.kind = RSS;
		chan = child(root, RSS, NULL, "channel");
	} else if (strcmp((const char *)root->name, "RDF") == 0 &&
		   ns_is(root, NS_RDF)) {
		f.kind = RSS;
		chan = child(root, RSS, NULL, "channel");
	} else if (strcmp((const char *)root->name, "feed") == 0 &&
		   (ns_is(root, NS_ATOM) || ns_is(root, NS_ATOM03))) {
		f.kind = ATOM;
		chan = root;
	} else if (strcasecmp((const char *)root->name, "html") == 0 &&
		   !broken) {
		/* XHTML whose root the sniffer did not reach. */
		xmlFreeDoc(f.doc);
		f.doc = NULL;
		newsidx_xml__end(&quiet);
		newsidx_html__parse(ing, data, len, NULL);
		return;
	} else {
		newsidx_record__reject(ing, ing->name,
				       "XML document with root element <%.40s>; "
				       "not an RSS or Atom feed",
				       (const char *)root->name);
		goto out;
	}
	f.title = construct_line(&f, child(chan, f.kind, NULL, "title"), &rc);
	if (f.kind == RSS) {
		f.lang = text(child(chan, RSS, NULL, "language"));
		if (!f.lang)
			f.lang = text(child(chan, RSS, NS_DC, "language"));
	} else {
		f.authors = atom_authors(&f, root, &rc);
	}
	/* RSS 2.0 items are in the channel; RSS 1.0 items beside it. */
	for (c = f.kind == RSS && !ns_is(root, NS_RDF) ? (chan ? chan->children
							       : NULL)
						      : root->children;
	     c && !ing->status; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && core(c, f.kind) &&
		    strcmp((const char *)c->name,
			   f.kind == RSS ? "item" : "entry") == 0)
			item(&f, c);
	}
	if (ing->status)
		goto out;
	if (broken)
		goto report_broken;
	if (e.count) {
		snprintf(where, sizeof(where), "%s:%d:%d", ing->name, e.line,
			 e.column > 0 ? e.column : 1);
		newsidx_record__reject(ing, where,
				       "not well-formed XML: %s; %lu %s",
				       e.msg, ing->articles - before,
				       ing->articles - before == 1
					       ? "item could be recovered and "
						 "was indexed"
					       : "items could be recovered and "
						 "were indexed");
	}
	goto out;
report_broken:
	snprintf(where, sizeof(where), "%s: offset %llu (uncompressed)",
		 ing->name, broken_at);
	newsidx_record__reject(ing, where,
			       "%s; the items before it were indexed", broken);
out:
	newsidx_xml__end(&quiet);
	free(f.title);
	free(f.lang);
	free(f.authors);
	if (f.doc)
		xmlFreeDoc(f.doc);
}
