/*
 * meta.c: article metadata, normalised the same way for every format.
 *
 * Responsible for the pieces of metadata that every parser meets in its
 * own spelling: dateline places at the start of a text ("TOKYO, March 7
 * (Reuters) -", "New Delhi:"), place names written in capitals, white
 * space in titles and names, bytes that are not UTF-8, and the host of a
 * URL.  newsidx_meta__finish() is the last step before an article is
 * indexed, whatever its format.  Dates have their own file, date.c.
 *
 * Everything here is pure and thread-safe.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "ingest/parsers.h"

/* ------------------------------------------------------------------ */
/* text                                                                */
/* ------------------------------------------------------------------ */

char *newsidx_meta__clean(const char *s, size_t n)
{
	char *out, *o;
	size_t i;
	int space = 0;

	if (!s)
		return NULL;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	o = out;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (newsidx_is_space(c) || c == 0) {
			space = 1;
			continue;
		}
		/* U+00A0 NO-BREAK SPACE is a space in titles and names. */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
			i++;
			space = 1;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = 0;
		*o++ = (char)c;
	}
	*o = '\0';
	if (o == out) {
		free(out);
		return NULL;
	}
	return out;
}

/* Windows-1252 0x80..0x9f; 0 for the five bytes it leaves undefined. */
static const unsigned short cp1252[32] = {
	0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
	0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178
};

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t k, i;
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (k > n)
		return 0;
	for (i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return k;
}

void newsidx_meta__utf8(const char *s, size_t n, struct newsidx_buf *out,
			int *rc)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		size_t k = utf8_seq(p + i, n - i);

		if (k) {
			i += k;
			continue;
		}
		newsidx_buf__append(out, p + run, i - run, rc);
		{
			unsigned c = p[i];
			unsigned char enc[4];
			utf8proc_ssize_t m;

			if (c >= 0x80 && c < 0xa0)
				c = cp1252[c - 0x80] ? cp1252[c - 0x80]
						     : 0xfffd;
			m = utf8proc_encode_char((utf8proc_int32_t)c, enc);
			newsidx_buf__append(out, enc, (size_t)m, rc);
		}
		i++;
		run = i;
	}
	newsidx_buf__append(out, p + run, n - run, rc);
}

char *newsidx_meta__host(const char *url)
{
	const char *p, *e, *at;

	if (!url)
		return NULL;
	p = strstr(url, "://");
	if (!p)
		return NULL;
	p += 3;
	e = p + strcspn(p, "/?#");
	/* user:password@ and :port are not part of the host. */
	at = memchr(p, '@', (size_t)(e - p));
	if (at)
		p = at + 1;
	if (e - p > 4 && strncasecmp(p, "www.", 4) == 0)
		p += 4;
	{
		const char *colon = memchr(p, ':', (size_t)(e - p));

		if (colon && *p != '[')
			e = colon;
	}
	if (e == p || e - p > 253)
		return NULL;
	{
		char *h = newsidx_strndup(p, (size_t)(e - p)), *q;

		if (h)
			for (q = h; *q; q++)
				*q = (char)tolower((unsigned char)*q);
		return h;
	}
}

/* ------------------------------------------------------------------ */
/* places                                                              */
/* ------------------------------------------------------------------ */

/* Lower-case words inside a place name ("Rio de Janeiro"). */
static int particle(const char *w, size_t n)
{
	static const char *const words[] = {
		"de", "da", "do", "dos", "das", "del", "della", "di", "du",
		"la", "le", "les", "el", "al", "am", "an", "der", "den",
		"of", "on", "upon", "sur", "y", "e", "en", "im"
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
			return 1;
	return 0;
}

char *newsidx_meta__place_case(const char *s, size_t n)
{
	struct newsidx_buf b = { 0 };
	int rc = 0, upper = 0, lower = 0, first = 1;
	size_t i = 0;

	/* Mixed case is kept as written: it was typed with care. */
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(n - i),
						      &c);
		if (k <= 0) {
			i++;
			continue;
		}
		if (utf8proc_toupper(c) != c)
			lower = 1;
		if (utf8proc_tolower(c) != c)
			upper = 1;
		i += (size_t)k;
	}
	if (upper && lower)
		return newsidx_strndup(s, n);
	i = 0;
	while (i < n) {
		/* One word: up to a space or a hyphen. */
		size_t start = i, end = i;
		int cap = 1;

		while (end < n && s[end] != ' ' && s[end] != '-')
			end++;
		if (!first && particle(s + start, end - start))
			cap = 0;
		while (i < end) {
			utf8proc_int32_t c;
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t k = utf8proc_iterate(
				(const utf8proc_uint8_t *)s + i,
				(utf8proc_ssize_t)(end - i), &c);

			if (k <= 0) {
				newsidx_buf__append(&b, s + i, 1, &rc);
				i++;
				continue;
			}
			c = cap ? utf8proc_toupper(c) : utf8proc_tolower(c);
			/* O'Hare, N'Djamena: capital after a one-letter
			 * prefix and an apostrophe, not in John's. */
			cap = c == '\'' && i - start == 1;
			newsidx_buf__append(&b, enc,
					    (size_t)utf8proc_encode_char(c, enc),
					    &rc);
			i += (size_t)k;
		}
		if (i < n) {
			newsidx_buf__append(&b, s + i, 1, &rc);
			i++;
		}
		first = 0;
	}
	newsidx_buf__putc(&b, '\0', &rc);
	if (rc) {
		newsidx_buf__free(&b);
		return NULL;
	}
	return b.data;
}

/* Words that start sentences and headings, never places. */
static int not_a_place(const char *w, size_t n)
{
	static const char *const words[] = {
		"a", "an", "the", "in", "on", "at", "by", "for", "from", "to",
		"of", "and", "but", "or", "as", "if", "when", "while", "after",
		"before", "this", "that", "these", "those", "it", "he", "she",
		"we", "they", "i", "you", "his", "her", "our", "their", "my",
		"mr", "mrs", "ms", "dr", "update", "updated", "updates",
		"breaking", "news", "exclusive", "opinion", "analysis",
		"editorial", "comment", "commentary", "review", "interview",
		"watch", "video", "videos", "photo", "photos", "gallery",
		"live", "listen", "podcast", "note", "editor's", "editors",
		"correction", "corrections", "clarification", "factbox",
		"explainer", "summary", "warning", "source", "sources",
		"related", "read", "more", "see", "also", "advertisement",
		"sponsored", "disclaimer", "quote", "q", "question", "answer",
		"via", "credit", "image", "caption", "what", "why",
		"how", "who", "where", "here", "there", "today", "yesterday",
		"tomorrow", "monday", "tuesday", "wednesday", "thursday",
		"friday", "saturday", "sunday", "january", "february",
		"march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december", "reuters",
		"ap", "afp", "pti", "ians", "ani", "bloomberg", "key", "top",
		"fact", "facts", "story", "timeline", "poll", "wrap", "brief",
		"briefs", "preview", "recap", "highlights", "part", "chapter",
		"step", "tip", "tips", "bottom", "line", "title",
		"subject", "re", "fwd", "fw", "ps", "nb", "tl;dr", "tldr",
		"result", "results", "score", "scores", "final", "verdict",
		"pictured", "above", "below", "left", "right", "inset",
		"latest", "alert", "flash", "urgent", "bulletin", "agenda",
		"scoreboard", "table", "chart", "graphic", "map", "weather",
		"forecast", "quiz", "vote", "background", "context",
		"reaction", "reactions", "statement", "transcript", "full",
		"text", "lineup", "lineups", "teams", "team", "squad",
		"fixtures", "standings", "prediction", "predictions",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
			return 1;
	return 0;
}

/* Is the code point at s a capital letter?  Its length in *k. */
static int capital_at(const char *s, size_t n, size_t *k)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)s,
					      (utf8proc_ssize_t)n, &c);

	if (m <= 0)
		return 0;
	*k = (size_t)m;
	return utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
}

static int letter_at(const char *s, size_t n, size_t *k)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)s,
					      (utf8proc_ssize_t)n, &c);
	int cat;

	if (m <= 0)
		return 0;
	*k = (size_t)m;
	cat = utf8proc_category(c);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/*
 * Check that s[0..n) reads as a place name: 1 to 4 words (particles
 * such as "de" not counted), each starting with a capital, made of
 * letters, '.', '\'' and '-', none of them a word that starts ordinary
 * sentences or headings.  When strict, every letter must be a capital
 * (the wire style "WASHINGTON (AP)"), which rules out most headings.
 */
static int place_words(const char *s, size_t n, int strict)
{
	size_t i = 0, words = 0, k;

	if (n == 0 || n > 40)
		return 0;
	while (i < n) {
		size_t start = i;

		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && s[i] != ' ') {
			if (s[i] == '.' || s[i] == '\'' || s[i] == '-') {
				i++;
				continue;
			}
			if (!letter_at(s + i, n - i, &k))
				return 0;
			if (strict && !capital_at(s + i, n - i, &k))
				return 0;
			i += k;
		}
		if (start > 0 && particle(s + start, i - start))
			continue;
		if (!capital_at(s + start, n - start, &k))
			return 0;
		if (words == 0 && not_a_place(s + start, i - start))
			return 0;
		if (i - start == 1 && words == 0 && n == 1)
			return 0;
		words++;
	}
	return words >= 1 && words <= 4;
}

/* A dash that ends a dateline: "-", "--", en dash, em dash; returns its
 * length, 0 if none. */
static size_t dash_at(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '-' && s[1] == '-')
		return 2;
	if (n >= 1 && s[0] == '-')
		return 1;
	if (n >= 3 && (unsigned char)s[0] == 0xe2 &&
	    (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94))
		return 3;
	return 0;
}

/* "(Reuters)", "(AP)": a short capitalised name in parentheses;
 * returns the length including both parentheses, 0 if none. */
static size_t agency_at(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || s[0] != '(' || !isupper((unsigned char)s[1]))
		return 0;
	for (i = 1; i < n && i < 32; i++) {
		if (s[i] == ')')
			return i;
		if (s[i] == '(' || s[i] == '\n' || s[i] == '.' ||
		    s[i] == ',' || s[i] == ':')
			return 0;
	}
	return 0;
}

static size_t skip_spaces(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* After the place: ", March 7[, 2024] [(Agency)] -" or " (Agency) -".
 * Returns 1 if the rest of a wire dateline follows at s[i]. */
static int wire_tail(const char *s, size_t i, size_t n, int need_date)
{
	size_t k;
	int have_date = 0;

	if (i < n && s[i] == ',') {
		i = skip_spaces(s, i + 1, n);
		if (!newsidx_date__month(s + i, &k))
			return 0;
		i += k;
		if (i < n && s[i] == '.')
			i++;
		i = skip_spaces(s, i, n);
		if (i >= n || !isdigit((unsigned char)s[i]))
			return 0;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i + 1 < n && s[i] == ',' && s[i + 1] == ' ' &&
		    i + 5 < n && isdigit((unsigned char)s[i + 2])) {
			i += 2;
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
		}
		i = skip_spaces(s, i, n);
		have_date = 1;
	}
	if (need_date && !have_date)
		return 0;
	k = agency_at(s + i, n - i);
	if (k)
		i = skip_spaces(s, i + k + 1, n);
	else if (!have_date)
		return 0;
	return dash_at(s + i, n - i) > 0;
}

char *newsidx_meta__dateline(const char *text, size_t len)
{
	size_t i = 0, n, start, end, k;
	const char *s;

	if (!text)
		return NULL;
	while (i < len && newsidx_is_space((unsigned char)text[i]))
		i++;
	s = text + i;
	n = len - i;
	if (n > 120)
		n = 120;
	/* The place runs to the first ',', '(', ':' or " - ". */
	for (end = 0; end < n; end++) {
		if (s[end] == ',' || s[end] == '(' || s[end] == ':' ||
		    s[end] == '\n')
			break;
		if (s[end] == ' ' && (k = dash_at(s + end + 1, n - end - 1)) &&
		    end + 1 + k < n && s[end + 1 + k] == ' ')
			break;
	}
	if (end == n || end == 0)
		return NULL;
	if (s[end] == ' ') {
		/* "LONDON - Britain's ...": the place in capitals (not a
		 * short acronym such as "UN"), then a sentence in mixed case,
		 * which tells it from a heading ("TIN STOCKS - APR 7"). */
		size_t letters = 0, j = end + 1;

		for (k = 0; k < end; k++)
			letters += isupper((unsigned char)s[k]) ||
				   (unsigned char)s[k] >= 0xc0;
		if (letters < 4 || !place_words(s, end, 1))
			return NULL;
		j += dash_at(s + j, n - j);
		j = skip_spaces(s, j, n);
		if (j + 1 >= n || !isupper((unsigned char)s[j]) ||
		    !(islower((unsigned char)s[j + 1]) || s[j + 1] == ' ' ||
		      s[j + 1] == '\''))
			return NULL;
		return newsidx_meta__place_case(s, end);
	}
	start = 0;
	k = end;
	while (k > start && s[k - 1] == ' ')
		k--;
	if (s[end] == ':') {
		/* "New Delhi: India and Japan ..."; the colon must be
		 * followed by a space and the start of a sentence. */
		size_t j = end + 1;

		if (j >= n || s[j] != ' ' || k != end)
			return NULL;
		j = skip_spaces(s, j, n);
		if (j >= n || !(capital_at(s + j, n - j, &k) ||
				isdigit((unsigned char)s[j]) ||
				s[j] == '"' ||
				(unsigned char)s[j] == 0xe2))
			return NULL;
		if (!place_words(s, end, 0))
			return NULL;
		return newsidx_meta__place_case(s, end);
	}
	if (s[end] == ',') {
		/* "TOKYO, March 7 (Reuters) -"; perhaps with a region:
		 * "PORTLAND, Ore., Feb 26 -". */
		size_t r = skip_spaces(s, end + 1, n), re;

		if (!place_words(s, k, 0))
			return NULL;
		if (wire_tail(s, end, n, 1))
			return newsidx_meta__place_case(s, k);
		for (re = r; re < n && s[re] != ',' && s[re] != '\n'; re++)
			;
		if (re < n && s[re] == ',' && place_words(s + r, re - r, 0) &&
		    wire_tail(s, re, n, 1)) {
			/* The city in capitals, the region as written. */
			char *city = newsidx_meta__place_case(s, k), *out;

			if (!city)
				return NULL;
			out = malloc(strlen(city) + 2 + (re - r) + 1);
			if (out)
				sprintf(out, "%s, %.*s", city, (int)(re - r),
					s + r);
			free(city);
			return out;
		}
		return NULL;
	}
	/* "WASHINGTON (AP) -": the place in capitals. */
	if (s[end] == '(' && k < end && place_words(s, k, 1) &&
	    wire_tail(s, end, n, 0))
		return newsidx_meta__place_case(s, k);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* the last step                                                       */
/* ------------------------------------------------------------------ */

void newsidx_meta__finish(struct newsidx_article *a)
{
	char code[8];

	if ((!a->place || !*a->place) && a->body && a->body_len) {
		free(a->place);
		a->place = newsidx_meta__dateline(a->body, a->body_len);
	}
	if (a->lang) {
		if (newsidx_lang__normalize(a->lang, code)) {
			if (strcmp(code, a->lang) != 0) {
				char *p = newsidx_strdup(code);

				if (p) {
					free(a->lang);
					a->lang = p;
				}
			}
			return;
		}
		free(a->lang);
		a->lang = NULL;
	}
	{
		/* The title helps short items; the body decides. */
		struct newsidx_buf b = { 0 };
		const char *code2;
		int rc = 0;
		size_t n = a->body_len > 8192 ? 8192 : a->body_len;

		if (a->title)
			newsidx_buf__puts(&b, a->title, &rc);
		newsidx_buf__putc(&b, '\n', &rc);
		if (a->body)
			newsidx_buf__append(&b, a->body, n, &rc);
		code2 = rc ? NULL : newsidx_lang__detect(b.data, b.len);
		newsidx_buf__free(&b);
		if (code2)
			a->lang = newsidx_strdup(code2);
	}
}
