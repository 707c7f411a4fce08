/*
 * encoding.c: which character encoding an input is in, and its text as
 * UTF-8.
 *
 * Responsible for deciding the encoding of a whole-file input (a text
 * article, a feed, an HTML page, an SGML file) or of one record (a WARC
 * record's page, a JSON line), and for converting the bytes to UTF-8 with
 * iconv.  The order of precedence, first that applies:
 *
 *   1. an encoding forced by the caller (--encoding);
 *   2. a byte order mark: UTF-8, UTF-16LE/BE, UTF-32LE/BE;
 *   3. what a container says of its content (a WARC record's HTTP
 *      Content-Type charset);
 *   4. what the input declares itself: the XML declaration's encoding
 *      (feeds, XHTML), an HTML <meta charset> or <meta http-equiv
 *      Content-Type content="...; charset=...">;
 *   5. UTF-8, when the bytes are valid UTF-8;
 *   6. what uchardet detects (Windows-1252, ISO-8859-x, Shift-JIS,
 *      GB18030, EUC-KR, Big5 ...).
 *
 * A declared encoding (2 to 4) that the bytes contradict, because they
 * are invalid in it or because iconv does not know its name, is passed
 * over for the next step; a forced one is not.  Only bytes that no step
 * explains are refused, and the caller reports them with the position of
 * the first byte that is not UTF-8.
 *
 * Labels are read as browsers read them (the WHATWG Encoding Standard)
 * where it matters for real archives: ISO-8859-1 and US-ASCII text with
 * bytes 0x80-0x9F is Windows-1252; Shift_JIS that is not valid Shift_JIS
 * is tried as CP932 (its Windows superset), GB2312 and GBK are read as
 * GB18030, EUC-KR as CP949 when it must be, Big5 as Big5-HKSCS.  The
 * name recorded is that of the decoder that explained the bytes.
 *
 * Text that is pure ASCII is UTF-8 whatever is declared: it is passed on
 * as it is and no encoding is recorded for it.
 *
 * Calls nothing in ingest/ (the parsers call it); below it only util/
 * buffers and analyzer/'s UTF-8 validator, with uchardet and iconv.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <uchardet.h>

#include "ingest/parsers.h"

/* How far into an input the declarations are looked for: an XML
 * declaration comes first; a <meta charset> is in the head, which real
 * pages fill with scripts, so further than HTML's 1024 bytes. */
#define DECL_SCAN 8192

/* Bytes handed to uchardet at most: its answer settles long before. */
#define DETECT_MAX ((size_t)1 << 20)

/* ---- names ---- */

/* Copy a label if it looks like an encoding name (letters, digits and
 * - _ . : only), else leave out empty. */
static void clean_label(const char *s, size_t n, char *out, size_t size)
{
	size_t i;

	out[0] = '\0';
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '"' || *s == '\'')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			 s[n - 1] == '"' || s[n - 1] == '\''))
		n--;
	if (n == 0 || n >= size)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == ':'))
			return;
		out[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	out[n] = '\0';
}

static int is_one_of(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

static const char *const latin1_labels[] = {
	"ISO-8859-1", "ISO8859-1", "ISO_8859-1", "ISO_8859-1:1987", "LATIN1",
	"L1", "CP819", "IBM819", "US-ASCII", "ASCII", "ANSI_X3.4-1968",
	"CSISOLATIN1", "ISO-IR-100", NULL
};
static const char *const cp1252_labels[] = { "WINDOWS-1252", "CP1252",
					      "X-CP1252", "MS-ANSI", NULL };
static const char *const sjis_labels[] = { "SHIFT_JIS", "SHIFT-JIS", "SJIS",
					    "X-SJIS", "MS_KANJI",
					    "CSSHIFTJIS", NULL };
static const char *const cp932_labels[] = { "WINDOWS-31J", "CP932", "MS932",
					     NULL };
static const char *const gb_labels[] = { "GB2312", "GBK", "X-GBK", "CP936",
					  "EUC-CN", "CSGB2312", "CHINESE",
					  "GB18030", "GB_2312-80", NULL };
static const char *const kr_labels[] = { "EUC-KR", "KS_C_5601-1987",
					  "KOREAN", "CSEUCKR", NULL };
static const char *const big5_labels[] = { "BIG5", "BIG-5", "CN-BIG5",
					    "X-X-BIG5", "CSBIG5", NULL };
static const char *const utf8_labels[] = { "UTF-8", "UTF8",
					    "UNICODE-1-1-UTF-8", NULL };

/* Does data hold a byte in 0x80-0x9F, C1 controls in Latin-1 and
 * Windows-1252's punctuation (smart quotes, dashes, the euro)? */
static int has_c1(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80 &&
		    (unsigned char)data[i] <= 0x9f)
			return 1;
	return 0;
}

/*
 * The decoders to try for a label (upper case), best first, into
 * try[0..1]; returns how many.  UTF-8 is "UTF-8" alone.
 */
static int decoders(const char *label, const char *data, size_t len,
		    const char *try[2])
{
	if (is_one_of(label, utf8_labels)) {
		try[0] = "UTF-8";
		return 1;
	}
	if (is_one_of(label, latin1_labels)) {
		if (!has_c1(data, len)) {
			try[0] = "ISO-8859-1";
			return 1;
		}
		try[0] = "WINDOWS-1252";
		try[1] = "ISO-8859-1";
		return 2;
	}
	if (is_one_of(label, cp1252_labels)) {
		try[0] = "WINDOWS-1252";
		return 1;
	}
	if (is_one_of(label, sjis_labels)) {
		try[0] = "SHIFT_JIS";
		try[1] = "CP932";
		return 2;
	}
	if (is_one_of(label, cp932_labels)) {
		try[0] = "CP932";
		return 1;
	}
	if (is_one_of(label, gb_labels)) {
		try[0] = "GB18030";
		return 1;
	}
	if (is_one_of(label, kr_labels)) {
		try[0] = "EUC-KR";
		try[1] = "CP949";
		return 2;
	}
	if (is_one_of(label, big5_labels)) {
		try[0] = "BIG5";
		try[1] = "BIG5-HKSCS";
		return 2;
	}
	try[0] = label;
	return 1;
}

/* A wide encoding, one whose text is not ASCII where it could be: the
 * UTF-16 and UTF-32 families, UCS-2, UCS-4. */
static int wide_name(const char *label)
{
	return strncmp(label, "UTF-16", 6) == 0 ||
	       strncmp(label, "UTF-32", 6) == 0 ||
	       strncmp(label, "UTF16", 5) == 0 ||
	       strncmp(label, "UTF32", 5) == 0 ||
	       strncmp(label, "UCS-2", 5) == 0 ||
	       strncmp(label, "UCS-4", 5) == 0 ||
	       strncmp(label, "UCS2", 4) == 0 || strncmp(label, "UCS4", 4) == 0;
}

int newsidx_encoding__known(const char *label)
{
	char name[48];
	const char *try[2];
	iconv_t cd;

	clean_label(label, strlen(label), name, sizeof(name));
	if (!name[0])
		return 0;
	decoders(name, "", 0, try);
	cd = iconv_open("UTF-8", try[0]);
	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

/* ---- byte order marks and declarations ---- */

/* The encoding a byte order mark names, and its length; NULL if none. */
static const char *bom(const char *data, size_t len, size_t *n)
{
	const unsigned char *p = (const unsigned char *)data;

	if (len >= 4 && p[0] == 0xff && p[1] == 0xfe && p[2] == 0 && p[3] == 0) {
		*n = 4;
		return "UTF-32LE";
	}
	if (len >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xfe && p[3] == 0xff) {
		*n = 4;
		return "UTF-32BE";
	}
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		*n = 3;
		return "UTF-8";
	}
	if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*n = 2;
		return "UTF-16LE";
	}
	if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*n = 2;
		return "UTF-16BE";
	}
	/* XML without a mark: "<?" in UTF-16 (XML 1.0, appendix F). */
	if (len >= 4 && memcmp(p, "<\0?\0", 4) == 0) {
		*n = 0;
		return "UTF-16LE";
	}
	if (len >= 4 && memcmp(p, "\0<\0?", 4) == 0) {
		*n = 0;
		return "UTF-16BE";
	}
	return NULL;
}

/* The value after "name" = in s[0..n), quoted or not, as a label. */
static void attr_value(const char *s, size_t n, const char *name, char *out,
		       size_t size)
{
	size_t k = strlen(name), i, j;

	out[0] = '\0';
	for (i = 0; i + k <= n; i++) {
		if (strncasecmp(s + i, name, k) != 0)
			continue;
		j = i + k;
		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' ||
				 s[j] == '\r'))
			j++;
		if (j >= n || s[j] != '=')
			continue;
		j++;
		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '"' ||
				 s[j] == '\''))
			j++;
		i = j;
		while (j < n && s[j] != '"' && s[j] != '\'' && s[j] != ';' &&
		       s[j] != ' ' && s[j] != '>' && s[j] != '/' &&
		       s[j] != '?' && s[j] != '\t' && s[j] != '\n' &&
		       s[j] != '\r')
			j++;
		clean_label(s + i, j - i, out, size);
		return;
	}
}

/*
 * What an input declares in its first bytes: an XML declaration's
 * encoding, else (with html) the charset of the first <meta> that gives
 * one.  Into out ("" when none).
 */
static void declared(const char *data, size_t len, int html, char *out,
		     size_t size)
{
	const char *p = data, *e = data + (len < DECL_SCAN ? len : DECL_SCAN);
	const char *end;

	out[0] = '\0';
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (e - p >= 5 && strncmp(p, "<?xml", 5) == 0) {
		end = memmem(p, (size_t)(e - p), "?>", 2);
		if (end) {
			attr_value(p, (size_t)(end - p), "encoding", out, size);
			if (out[0])
				return;
		}
	}
	if (!html)
		return;
	for (; p < e; p++) {
		if (*p != '<' || e - p < 6 || strncasecmp(p + 1, "meta", 4) != 0 ||
		    !(p[5] == ' ' || p[5] == '\t' || p[5] == '\n' ||
		      p[5] == '\r' || p[5] == '/'))
			continue;
		end = memchr(p, '>', (size_t)(e - p));
		if (!end)
			return;
		attr_value(p, (size_t)(end - p), "charset", out, size);
		if (out[0])
			return;
		p = end;
	}
}

/* ---- converting ---- */

static int ascii_only(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Convert len bytes from the encoding from into d->buf as UTF-8.
 * Returns 0; 1 when the bytes are invalid in it (the offset of the first
 * bad one in *bad) or iconv does not know it (*bad = (size_t)-1); -1
 * when out of memory.  An incomplete character at the very end is
 * dropped when truncated, and invalid otherwise.
 */
static int convert(struct newsidx_decoded *d, const char *data, size_t len,
		   const char *from, int truncated, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char *in = (char *)data, *outp;
	size_t inleft = len, outleft, r, want;
	int rc = 0;

	*bad = (size_t)-1;
	if (cd == (iconv_t)-1)
		return 1;
	newsidx_buf__reset(&d->buf);
	/* UTF-8 takes at most 3 bytes for a 2-byte CJK character; more
	 * room is asked for when iconv runs out. */
	want = len + len / 2 + 16;
	for (;;) {
		outp = newsidx_buf__room(&d->buf, want, &rc);
		if (!outp) {
			iconv_close(cd);
			return -1;
		}
		outleft = want;
		r = iconv(cd, inleft ? &in : NULL, &inleft, &outp, &outleft);
		d->buf.len = (size_t)(outp - d->buf.data);
		if (r != (size_t)-1) {
			if (inleft == 0)
				break;
			continue;
		}
		if (errno == E2BIG) {
			want *= 2;
			continue;
		}
		if (errno == EINVAL && truncated)
			break;
		*bad = (size_t)(in - data);
		iconv_close(cd);
		return 1;
	}
	/* The shift back to the initial state of a stateful encoding
	 * (ISO-2022-JP). */
	outp = newsidx_buf__room(&d->buf, 16, &rc);
	if (!outp) {
		iconv_close(cd);
		return -1;
	}
	outleft = 16;
	if (iconv(cd, NULL, NULL, &outp, &outleft) != (size_t)-1)
		d->buf.len = (size_t)(outp - d->buf.data);
	iconv_close(cd);
	d->buf.data[d->buf.len] = '\0';
	return 0;
}

/* Try label's decoders in turn; 0 with d->text set, 1 if none explains
 * the bytes (*bad as convert's), -1 out of memory. */
static int try_label(struct newsidx_decoded *d, const char *data,
		     size_t len, const char *label, int truncated,
		     size_t *bad)
{
	const char *try[2];
	int n = decoders(label, data, len, try), i, r = 1;

	*bad = (size_t)-1;
	for (i = 0; i < n; i++) {
		size_t b;

		if (strcmp(try[i], "UTF-8") == 0) {
			if (newsidx_utf8__valid(data, len, &b) ||
			    (truncated && b + 4 > len)) {
				d->text = data;
				d->len = newsidx_utf8__valid(data, len, NULL)
						 ? len
						 : b;
				d->name[0] = '\0';
				return 0;
			}
		} else {
			r = convert(d, data, len, try[i], truncated, &b);
			if (r < 0)
				return -1;
			if (r == 0) {
				d->text = d->buf.data;
				d->len = d->buf.len;
				snprintf(d->name, sizeof(d->name), "%s",
					 try[i]);
				return 0;
			}
		}
		if (*bad == (size_t)-1)
			*bad = b;
	}
	return 1;
}

/* What uchardet makes of the bytes (upper case), into out; "" if it
 * recognises nothing. */
static int detect(const char *data, size_t len, char *out, size_t size)
{
	uchardet_t u = uchardet_new();
	const char *cs;

	out[0] = '\0';
	if (!u)
		return -1;
	if (uchardet_handle_data(u, data, len < DETECT_MAX ? len : DETECT_MAX)) {
		uchardet_delete(u);
		return -1;
	}
	uchardet_data_end(u);
	cs = uchardet_get_charset(u);
	if (cs)
		clean_label(cs, strlen(cs), out, size);
	uchardet_delete(u);
	return 0;
}

void newsidx_encoding__line_col(const char *text, size_t off,
				unsigned long *line, unsigned long *col)
{
	const char *p = text, *e = text + off, *nl;

	*line = 1;
	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		(*line)++;
		p = nl + 1;
	}
	*col = (unsigned long)(e - p) + 1;
}

void newsidx_decoded__free(struct newsidx_decoded *d)
{
	newsidx_buf__free(&d->buf);
	d->text = NULL;
	d->len = 0;
}

int newsidx_encoding__wide(const char *data, size_t len, const char *forced)
{
	char name[48];
	size_t n;
	const char *b;

	if (forced) {
		clean_label(forced, strlen(forced), name, sizeof(name));
		return wide_name(name);
	}
	b = bom(data, len, &n);
	return b && strcmp(b, "UTF-8") != 0;
}

int newsidx_encoding__decode(struct newsidx_decoded *d, const char *data,
			     size_t len, const char *forced,
			     const char *container, unsigned flags)
{
	int truncated = (flags & NEWSIDX_ENC_TRUNCATED) != 0;
	char label[48], detected[48];
	const char *b;
	size_t n = 0, bad = 0, u8bad = 0, skipped = 0;
	int r;

	d->text = data;
	d->len = len;
	d->name[0] = '\0';
	d->why[0] = '\0';
	d->bad = 0;
	if (forced) {
		clean_label(forced, strlen(forced), label, sizeof(label));
		if (!wide_name(label) && ascii_only(data, len))
			return 0;
		r = try_label(d, data, len, label, truncated, &bad);
		if (r <= 0)
			return r;
		d->bad = bad == (size_t)-1 ? 0 : bad;
		snprintf(d->why, sizeof(d->why),
			 bad == (size_t)-1
				 ? "unknown character encoding '%.40s' "
				   "(--encoding)"
				 : "not valid %.40s, the encoding given by "
				   "--encoding (byte 0x%02x at offset %zu)",
			 label,
			 bad == (size_t)-1 ? 0 : (unsigned char)data[bad], bad);
		return 1;
	}
	b = bom(data, len, &n);
	if (b) {
		r = try_label(d, data + n, len - n, b, truncated, &bad);
		if (r <= 0)
			return r;
		/* A mark the bytes contradict: no more than three bytes of
		 * text then (a UTF-8 mark), which are left out; the offsets
		 * reported stay those of the input. */
		if (strcmp(b, "UTF-8") == 0) {
			skipped = n;
			data += n;
			len -= n;
		}
	}
	if (ascii_only(data, len)) {
		/* ISO-2022-JP is 7-bit: its escapes give it away. */
		if (!memmem(data, len, "\x1b$", 2) ||
		    detect(data, len, detected, sizeof(detected)) ||
		    strncmp(detected, "ISO-2022", 8) != 0 ||
		    try_label(d, data, len, detected, truncated, &bad) != 0) {
			d->text = data;
			d->len = len;
			d->name[0] = '\0';
		}
		return 0;
	}
	if (container) {
		clean_label(container, strlen(container), label, sizeof(label));
		if (label[0] && !wide_name(label)) {
			r = try_label(d, data, len, label, truncated, &bad);
			if (r <= 0)
				return r;
		}
	}
	if (flags & (NEWSIDX_ENC_XML | NEWSIDX_ENC_HTML)) {
		declared(data, len, (flags & NEWSIDX_ENC_HTML) != 0, label,
			 sizeof(label));
		if (label[0] && !wide_name(label)) {
			r = try_label(d, data, len, label, truncated, &bad);
			if (r <= 0)
				return r;
		}
	}
	r = try_label(d, data, len, "UTF-8", truncated, &u8bad);
	if (r <= 0)
		return r;
	if (detect(data, len, detected, sizeof(detected)))
		return -1;
	/* UTF-8 was tried and failed (uchardet says UTF-8 when a UTF-8
	 * mark starts the input), and ASCII explains no byte above 0x7f. */
	if (strcmp(detected, "UTF-8") == 0 || strcmp(detected, "ASCII") == 0)
		detected[0] = '\0';
	if (detected[0]) {
		r = try_label(d, data, len, detected, truncated, &bad);
		if (r <= 0)
			return r;
	}
	d->bad = skipped + u8bad;
	if (detected[0] && bad != (size_t)-1)
		snprintf(d->why, sizeof(d->why),
			 "invalid UTF-8 (byte 0x%02x at offset %zu), and "
			 "not %.40s either, the encoding detected (offset "
			 "%zu); name the encoding with --encoding",
			 (unsigned char)data[u8bad], skipped + u8bad, detected,
			 skipped + bad);
	else
		snprintf(d->why, sizeof(d->why),
			 "invalid UTF-8 (byte 0x%02x at offset %zu), and no "
			 "other encoding explains it; name the encoding with "
			 "--encoding",
			 (unsigned char)data[u8bad], skipped + u8bad);
	return 1;
}
