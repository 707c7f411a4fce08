/*
 * sgml.c: Reuters-21578 SGML, where one file holds many <REUTERS> stories.
 *
 * Responsible for cutting a file into stories and each story into an
 * article: title, dateline place, date, places, topics, author and body.
 * The collection is SGML, not XML (no root element, a DOCTYPE naming a
 * DTD, references to control characters), so it is read by a tolerant
 * tag scanner rather than by an XML parser.
 *
 * - The stable id is "reuters-NEWID", from the story's NEWID attribute.
 * - TEXT TYPE="UNPROC" stories are raw tables with no TITLE or BODY: the
 *   text is the body and its first line the title; they are counted in
 *   ing->unprocessed.  TYPE="BRIEF" stories are a title and filler
 *   ("******Blah blah blah."), indexed with an empty body and counted in
 *   ing->title_only.
 * - Character references are decoded (&lt; &amp; &#3; ...); control
 *   characters become spaces.  Bytes that are not UTF-8 (the collection
 *   has one, 0xFC in reut2-017.sgm) are read as Windows-1252.
 * - Dates ("26-FEB-1987 15:01:01.79", sometimes with trailing wire codes)
 *   carry no zone and are taken as UTC.
 * - The place is the dateline's ("    NEW YORK, Feb 26 - " gives "New
 *   York"), followed by the story's PLACES categories, so that a search
 *   for place:japan finds the stories Reuters filed under Japan.
 *
 * A story that cannot be read (no NEWID, never closed) is reported with
 * the file and its line and does not stop the others.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "ingest/parsers.h"

struct span {
	const char *p;
	size_t n;
};

static const char *find_ci(const char *s, const char *e, const char *pat)
{
	size_t m = strlen(pat);

	while (s + m <= e) {
		const char *lt = memchr(s, '<', (size_t)(e - s));

		if (!lt || lt + m > e)
			return NULL;
		if (strncasecmp(lt, pat, m) == 0)
			return lt;
		s = lt + 1;
	}
	return NULL;
}

/* The content of the first <name ...>...</name> in [s, e). */
static int element(const char *s, const char *e, const char *name,
		   struct span *out, struct span *attrs)
{
	char open[32], close[32];
	const char *p, *gt, *c;
	size_t nl = strlen(name);

	snprintf(open, sizeof(open), "<%s", name);
	snprintf(close, sizeof(close), "</%s>", name);
	for (p = s; (p = find_ci(p, e, open)) != NULL; p++) {
		char after = p + 1 + nl < e ? p[1 + nl] : '\0';

		if (after == '>' || after == ' ' || after == '\t' ||
		    after == '\n')
			break;
	}
	if (!p)
		return 0;
	gt = memchr(p, '>', (size_t)(e - p));
	if (!gt)
		return 0;
	c = find_ci(gt + 1, e, close);
	if (!c)
		return 0;
	out->p = gt + 1;
	out->n = (size_t)(c - out->p);
	if (attrs) {
		attrs->p = p + 1 + nl;
		attrs->n = (size_t)(gt - attrs->p);
	}
	return 1;
}

/* The value of attribute name in an open tag's attribute text. */
static int attribute(const struct span *a, const char *name, char *out,
		     size_t size)
{
	size_t nl = strlen(name), i;

	for (i = 0; i + nl + 1 < a->n; i++) {
		const char *p = a->p + i, *e;
		size_t n;

		if ((i > 0 && a->p[i - 1] != ' ' && a->p[i - 1] != '\t') ||
		    strncasecmp(p, name, nl) != 0 || p[nl] != '=')
			continue;
		p += nl + 1;
		if (*p == '"') {
			p++;
			e = memchr(p, '"', (size_t)(a->p + a->n - p));
			if (!e)
				return 0;
		} else {
			for (e = p; e < a->p + a->n && *e != ' '; e++)
				;
		}
		n = (size_t)(e - p);
		if (n + 1 > size)
			return 0;
		memcpy(out, p, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

/*
 * The reference at s[0..n) (s[0] is '&'): its replacement text (in buf
 * for numeric ones) and its length in *len; NULL if it is not one.
 * Control characters, which the collection uses as wire codes (&#2;,
 * &#3;, &#5;), become spaces.
 */
static const char *reference(const char *s, size_t n, char buf[8],
			     size_t *len)
{
	static const struct {
		const char *name, *text;
	} named[] = { { "lt;", "<" },	 { "gt;", ">" }, { "amp;", "&" },
		      { "quot;", "\"" }, { "apos;", "'" } };
	unsigned long v = 0;
	size_t k, d, e;
	int hex;

	if (n >= 2 && s[1] != '#') {
		for (e = 0; e < sizeof(named) / sizeof(named[0]); e++) {
			size_t m = strlen(named[e].name);

			if (n - 1 >= m && strncmp(s + 1, named[e].name, m) == 0) {
				*len = 1 + m;
				return named[e].text;
			}
		}
		return NULL;
	}
	hex = n >= 3 && (s[2] == 'x' || s[2] == 'X');
	d = 2 + (size_t)hex;
	for (k = d; k < n && k - d < 7; k++) {
		int c = tolower((unsigned char)s[k]);

		if (isdigit(c))
			v = v * (hex ? 16 : 10) + (unsigned long)(c - '0');
		else if (hex && c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned long)(c - 'a' + 10);
		else
			break;
	}
	if (k == d || k >= n || s[k] != ';')
		return NULL;
	*len = k + 1;
	if (v == '\n')
		return "\n";
	if (v < 0x20 || v == 0x7f || (v >= 0x80 && v < 0xa0) ||
	    (v >= 0xd800 && v < 0xe000) || v > 0x10ffff)
		return " ";
	buf[utf8proc_encode_char((utf8proc_int32_t)v,
				 (utf8proc_uint8_t *)buf)] = '\0';
	return buf;
}

/*
 * Decode n bytes of SGML text into out: character references, other
 * bytes as UTF-8 or Windows-1252, control characters as spaces, tags
 * dropped when strip_tags (for UNPROC text that holds stray tags).
 */
static void decode(const char *s, size_t n, int strip_tags,
		   struct newsidx_buf *out, int *rc)
{
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t skip = 0;
		const char *rep = NULL;
		char num[8];

		if (c == '&') {
			rep = reference(s + i, n - i, num, &skip);
		} else if (c == '<' && strip_tags) {
			const char *gt = memchr(s + i, '>', n - i);

			if (gt && gt - (s + i) < 64 &&
			    (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
				skip = (size_t)(gt - (s + i)) + 1;
				rep = " ";
			}
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			skip = 1;
			rep = c == '\r' ? "" : " ";
		} else if (c >= 0x80) {
			/* Runs of high bytes go through the UTF-8 check. */
			size_t k = i;

			while (k < n && (unsigned char)s[k] >= 0x80)
				k++;
			newsidx_buf__append(out, s + run, i - run, rc);
			newsidx_meta__utf8(s + i, k - i, out, rc);
			i = run = k;
			continue;
		}
		if (!rep) {
			i++;
			continue;
		}
		newsidx_buf__append(out, s + run, i - run, rc);
		newsidx_buf__puts(out, rep, rc);
		i += skip;
		run = i;
	}
	newsidx_buf__append(out, s + run, n - run, rc);
}

/* Decode into a malloc'd string with white space collapsed, or NULL. */
static char *decode_clean(const char *s, size_t n)
{
	struct newsidx_buf b = { 0 };
	int rc = 0;
	char *out;

	decode(s, n, 0, &b, &rc);
	out = rc || !b.data ? NULL : newsidx_meta__clean(b.data, b.len);
	newsidx_buf__free(&b);
	return out;
}

/* "26-FEB-1987 15:01:01.79" and its noisy variants, as UTC. */
static int reuters_date(const char *s, struct newsidx_article *a)
{
	int d = 0, y = 0, h, mi, se, m;
	char iso[32];
	size_t k;
	static const char *const mon[12] = { "JAN", "FEB", "MAR", "APR",
					     "MAY", "JUN", "JUL", "AUG",
					     "SEP", "OCT", "NOV", "DEC" };

	while (*s == ' ')
		s++;
	for (k = 0; isdigit((unsigned char)*s) && k < 2; k++)
		d = d * 10 + (*s++ - '0');
	if (!k || *s++ != '-')
		return 0;
	for (m = 0; m < 12; m++)
		if (strncasecmp(s, mon[m], 3) == 0)
			break;
	if (m == 12 || s[3] != '-')
		return 0;
	s += 4;
	for (k = 0; isdigit((unsigned char)*s) && k < 4; k++)
		y = y * 10 + (*s++ - '0');
	if (k != 4)
		return 0;
	while (*s == ' ')
		s++;
	if (sscanf(s, "%2d:%2d:%2d", &h, &mi, &se) == 3 &&
	    isdigit((unsigned char)s[7])) {
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
			 m + 1, d, h, mi, se);
	} else {
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m + 1, d);
	}
	return newsidx_ingest__date(iso, a->date, &a->tz_minutes,
				    &a->has_time);
}

/* The values of <D>..</D> in a category element, joined by ", ";
 * places are made readable ("west-germany" -> "West Germany"). */
static void categories(const char *s, const char *e, const char *name,
		       int places, struct newsidx_buf *out, int *rc)
{
	static const char *const upper[] = { "usa", "uk", "ussr", "uae" };
	struct span c, d;
	const char *p;

	if (!element(s, e, name, &c, NULL))
		return;
	p = c.p;
	while (element(p, c.p + c.n, "D", &d, NULL)) {
		char *v = decode_clean(d.p, d.n);

		if (v) {
			size_t i;

			if (out->len)
				newsidx_buf__puts(out, ", ", rc);
			for (i = 0; places && i < 4; i++)
				if (strcasecmp(v, upper[i]) == 0)
					break;
			if (places && i < 4) {
				char *q;

				for (q = v; *q; q++)
					*q = (char)toupper((unsigned char)*q);
				newsidx_buf__puts(out, v, rc);
			} else if (places) {
				char *q, *t;

				for (q = v; *q; q++)
					if (*q == '-')
						*q = ' ';
				t = newsidx_meta__place_case(v, strlen(v));
				if (t) {
					/* all lower case in, so capitalise */
					newsidx_buf__puts(out, t, rc);
					free(t);
				}
			} else {
				newsidx_buf__puts(out, v, rc);
			}
			free(v);
		}
		p = d.p + d.n + 4;
	}
}

/* The place of a Reuters DATELINE: "    PORTLAND, Ore., Feb 26 - "
 * gives "Portland, Ore."; "    omaha, april 7 - " gives "Omaha". */
static char *dateline_place(const char *s, size_t n)
{
	char *line = decode_clean(s, n), *p, *out = NULL;
	size_t keep = 0, seg = 0;

	if (!line)
		return NULL;
	out = newsidx_meta__dateline(line, strlen(line));
	if (out) {
		free(line);
		return out;
	}
	/* The looser wire forms: segments up to a month and day or a dash. */
	p = line;
	while (*p && seg < 3) {
		size_t len = strcspn(p, ",");
		const char *q;
		int date = 0, bad = 0;

		/* A segment that holds a digit is the date or noise. */
		for (q = p; q < p + len; q++) {
			if (isdigit((unsigned char)*q))
				date = 1;
			if (*q == '-' && (q == p || q[-1] == ' '))
				break;
			if (!isalpha((unsigned char)*q) && *q != ' ' &&
			    *q != '.' && *q != '\'' && *q != '-')
				bad = 1;
		}
		if (date || bad || q < p + len) {
			if (!date && !bad && q > p && seg == 0)
				keep = (size_t)(q - line);
			break;
		}
		keep = (size_t)(p + len - line);
		seg++;
		p += len;
		if (*p == ',')
			p++;
		while (*p == ' ')
			p++;
	}
	while (keep > 0 && (line[keep - 1] == ' ' || line[keep - 1] == ','))
		keep--;
	if (keep > 0 && keep <= 48)
		out = newsidx_meta__place_case(line, keep);
	free(line);
	return out;
}

/* Drop the sign-off ("Reuter", "REUTER") and spaces at the end. */
static void trim_body(struct newsidx_buf *b)
{
	size_t n = b->len;

	for (;;) {
		while (n > 0 && (b->data[n - 1] == ' ' || b->data[n - 1] == '\n' ||
				 b->data[n - 1] == '\t'))
			n--;
		if (n >= 6 && strncasecmp(b->data + n - 6, "reuter", 6) == 0 &&
		    (n == 6 || !isalpha((unsigned char)b->data[n - 7]))) {
			n -= 6;
			continue;
		}
		if (n >= 2 && b->data[n - 2] == '^' && b->data[n - 1] == 'M') {
			n -= 2;
			continue;
		}
		break;
	}
	b->len = n;
	if (b->data)
		b->data[n] = '\0';
}

/* Loose text of a TEXT element: everything outside TITLE, DATELINE,
 * AUTHOR and BODY, with stray tags dropped. */
static void loose_text(const char *s, const char *e, struct newsidx_buf *out,
		       int *rc)
{
	static const char *const skip[] = { "TITLE", "DATELINE", "AUTHOR",
					    "BODY" };
	const char *p = s;

	while (p < e) {
		const char *lt = p, *next = NULL;
		size_t i;

		/* The next element to leave out, if any. */
		while ((lt = memchr(lt, '<', (size_t)(e - lt))) != NULL) {
			for (i = 0; i < 4; i++) {
				size_t m = strlen(skip[i]);

				if (lt + 1 + m < e &&
				    strncasecmp(lt + 1, skip[i], m) == 0 &&
				    (lt[1 + m] == '>' || lt[1 + m] == ' '))
					break;
			}
			if (i < 4) {
				char close[16];
				const char *c;

				snprintf(close, sizeof(close), "</%s>", skip[i]);
				c = find_ci(lt, e, close);
				next = c ? c + strlen(close) : e;
				break;
			}
			lt++;
		}
		if (!lt) {
			decode(p, (size_t)(e - p), 1, out, rc);
			break;
		}
		decode(p, (size_t)(lt - p), 1, out, rc);
		newsidx_buf__putc(out, '\n', rc);
		p = next;
	}
}

static void story(struct newsidx_ingest *ing, const char *s, const char *e,
		  unsigned long line, unsigned long nth)
{
	struct newsidx_article a;
	struct newsidx_buf body = { 0 }, places = { 0 }, topics = { 0 };
	struct span tag, text, text_attrs, x;
	char where[1024], newid[32], type[32] = "", id[64];
	const char *gt;
	int rc = 0, unproc = 0;

	snprintf(where, sizeof(where), "%s:%lu", ing->name, line);
	memset(&a, 0, sizeof(a));
	a.record = nth;
	gt = memchr(s, '>', (size_t)(e - s));
	tag.p = s + 8;
	tag.n = gt ? (size_t)(gt - tag.p) : 0;
	if (!gt || !attribute(&tag, "NEWID", newid, sizeof(newid)) ||
	    !newid[0] || strspn(newid, "0123456789") != strlen(newid)) {
		newsidx_record__reject(ing, where,
				       "story %lu has no NEWID attribute", nth);
		return;
	}
	s = gt + 1;
	snprintf(id, sizeof(id), "reuters-%s", newid);
	if (element(s, e, "DATE", &x, NULL)) {
		char date[64];
		size_t n = x.n < sizeof(date) - 1 ? x.n : sizeof(date) - 1;

		memcpy(date, x.p, n);
		date[n] = '\0';
		if (!reuters_date(date, &a)) {
			newsidx_record__reject(ing, where,
					       "story %s: unrecognised date "
					       "'%.40s'",
					       newid, date);
			return;
		}
	}
	if (element(s, e, "TEXT", &text, &text_attrs)) {
		attribute(&text_attrs, "TYPE", type, sizeof(type));
		unproc = strcasecmp(type, "UNPROC") == 0;
		if (element(text.p, text.p + text.n, "TITLE", &x, NULL))
			a.title = decode_clean(x.p, x.n);
		if (element(text.p, text.p + text.n, "DATELINE", &x, NULL))
			a.place = dateline_place(x.p, x.n);
		if (element(text.p, text.p + text.n, "AUTHOR", &x, NULL)) {
			char *au = decode_clean(x.p, x.n);

			if (au) {
				char *p = au, *c;

				if (strncasecmp(p, "by ", 3) == 0)
					p += 3;
				c = strstr(p, ", Reuter");
				if (c)
					*c = '\0';
				a.authors = newsidx_strdup(p);
				free(au);
			}
		}
		if (element(text.p, text.p + text.n, "BODY", &x, NULL)) {
			decode(x.p, x.n, 0, &body, &rc);
		} else {
			loose_text(text.p, text.p + text.n, &body, &rc);
			/* BRIEF filler: "******Blah blah blah." */
			if (!unproc) {
				size_t i = 0;

				while (i < body.len &&
				       (body.data[i] == '*' || body.data[i] == ' ' ||
					body.data[i] == '\n'))
					i++;
				if (i == body.len ||
				    strncasecmp(body.data + i, "blah blah blah",
						14) == 0)
					newsidx_buf__reset(&body);
			}
		}
		trim_body(&body);
	}
	categories(s, e, "PLACES", 1, &places, &rc);
	categories(s, e, "TOPICS", 0, &topics, &rc);
	{
		/* Skip the leading white space and the &#2; start mark. */
		size_t i = 0;

		while (body.data && i < body.len &&
		       (body.data[i] == ' ' || body.data[i] == '\n' ||
			body.data[i] == '\t'))
			i++;
		a.body = body.data ? body.data + i : NULL;
		a.body_len = body.len - i;
	}
	/* Every story is an article, even an empty one (NEWID 12793 is an
	 * UNPROC story with no text at all): the collection's count holds. */
	if (!a.title && a.body_len) {
		/* UNPROC tables: the first line is their heading. */
		size_t k = strcspn(a.body, "\n");

		a.title = k <= 140 ? newsidx_meta__clean(a.body, k)
				   : newsidx_record__title(a.body, a.body_len);
	}
	if (!a.title)
		a.title = newsidx_strdup("(untitled)");
	if (places.len) {
		/* The dateline city first, then the countries filed. */
		struct newsidx_buf p = { 0 };

		if (a.place) {
			newsidx_buf__puts(&p, a.place, &rc);
			newsidx_buf__puts(&p, "; ", &rc);
		}
		newsidx_buf__append(&p, places.data, places.len, &rc);
		free(a.place);
		a.place = p.data;
	}
	if (topics.len) {
		a.topics = topics.data;
		topics.data = NULL;
	}
	a.id = newsidx_strdup(id);
	a.path = newsidx_strdup(ing->abspath);
	a.source = newsidx_strdup("Reuters");
	if (rc || !a.id || !a.path || !a.source || !a.title) {
		newsidx_record__reject(ing, where, "out of memory");
		goto out;
	}
	if (unproc)
		ing->unprocessed++;
	else if (a.body_len == 0)
		ing->title_only++;
	newsidx_record__emit(ing, &a, where);
out:
	a.body = NULL;
	newsidx_article__clear(&a);
	newsidx_buf__free(&body);
	newsidx_buf__free(&places);
	newsidx_buf__free(&topics);
}

/* Lines from p to q, added to *line. */
static void count_lines(const char *p, const char *q, unsigned long *line)
{
	while ((p = memchr(p, '\n', (size_t)(q - p))) != NULL) {
		(*line)++;
		p++;
	}
}

static const char *next_open(const char *p, const char *e)
{
	while ((p = find_ci(p, e, "<REUTERS")) != NULL) {
		if (p + 8 < e && (p[8] == ' ' || p[8] == '>' || p[8] == '\n' ||
				  p[8] == '\t'))
			return p;
		p++;
	}
	return NULL;
}

void newsidx_sgml__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const char *broken,
			 unsigned long long broken_at)
{
	const char *p = data, *e = data + len, *open, *close, *next;
	unsigned long line = 1, nth = 0;
	char where[1024];

	while ((open = next_open(p, e)) != NULL) {
		count_lines(p, open, &line);
		nth++;
		close = find_ci(open, e, "</REUTERS>");
		next = next_open(open + 8, e);
		if (!close || (next && next < close)) {
			if (!close && !next && broken)
				break; /* cut off by the broken stream */
			snprintf(where, sizeof(where), "%s:%lu", ing->name,
				 line);
			newsidx_record__reject(ing, where,
					       "story %lu is not closed by "
					       "</REUTERS>",
					       nth);
			p = next ? next : e;
			count_lines(open, p, &line);
			continue;
		}
		story(ing, open, close, line, nth);
		if (ing->status)
			return;
		p = close + 10;
		count_lines(open, p, &line);
	}
	if (nth == 0 && !broken)
		newsidx_record__reject(ing, ing->name,
				       "no <REUTERS> story in the file");
	if (broken) {
		snprintf(where, sizeof(where),
			 "%s: offset %llu (uncompressed)", ing->name,
			 broken_at);
		newsidx_record__reject(ing, where,
				       "%s; the stories before it were indexed",
				       broken);
	}
}
