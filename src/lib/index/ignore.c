/*
 * ignore.c: the patterns that choose which files of a directory a run
 * reads: --include and --exclude, each directory's .newsidxignore, and a
 * short built-in list of files that are never articles.  The syntax is
 * gitignore's: '#' starts a comment line, '!' negates, a trailing '/'
 * matches directories only, a '/' at the start or in the middle anchors
 * the pattern to its directory (else it matches a name at any depth),
 * '*' and '?' match within a name, '[...]' is a class (ranges, '!' or
 * '^' to negate, [:alpha:] and the other ASCII names), '**' as a whole
 * component matches any number of directories, and a backslash quotes
 * the next character.  Trailing spaces are dropped unless quoted.
 *
 * Patterns and paths are compared as Unicode code points (a byte that
 * is not part of valid UTF-8 stands for itself), so that '?' matches
 * one character of a name, not one byte.  A pattern is compiled into a
 * short list of tokens, which are matched by running them as a
 * nondeterministic automaton over the path, every live state advanced
 * at once: the cost is at most the tokens times the characters, with no
 * backtracking for a hostile pattern such as "*a*a*a*a*b" to exploit.
 *
 * A .newsidxignore comes from the archive, so it is untrusted input:
 * every bad line is an error with its line number, never a crash, and
 * a file, a line and a pattern have size limits.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

/* Limits on what a line and a pattern may hold. */
#define MAX_LINE 4096
#define MAX_TOKENS 1024
#define MAX_RANGES 4096

/* A byte that is not part of valid UTF-8 decodes to RAW + the byte. */
#define RAW 0x110000u

enum tok_kind {
	T_CHAR,  /* one character: c */
	T_ANY,   /* '?': one character but '/' */
	T_CLASS, /* '[...]': ranges[c .. c + n), negated when neg */
	T_STAR,  /* '*': any characters but '/' */
	T_DSTAR, /* a final "**": anything, '/' included */
	T_DIRS   /* "**" followed by '/': nothing, or anything ending in '/' */
};

struct gtok {
	unsigned char kind;
	unsigned char neg;
	uint32_t c, n;
};

#define G_NEGATED 1u
#define G_DIRONLY 2u
#define G_ANCHORED 4u

struct glob {
	struct gtok *t;
	size_t nt;
	uint32_t *ranges; /* low, high pairs */
	size_t nranges;
	unsigned flags;
	uint32_t *work;   /* the matcher's scratch space (run_glob) */
};

/* The next character of s[*i..len) as a code point; *i moves past it. */
static uint32_t decode(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char b = s[*i];
	uint32_t cp, min;
	size_t need, k;

	if (b < 0x80) {
		(*i)++;
		return b;
	}
	if ((b & 0xe0) == 0xc0) {
		need = 1;
		cp = b & 0x1f;
		min = 0x80;
	} else if ((b & 0xf0) == 0xe0) {
		need = 2;
		cp = b & 0x0f;
		min = 0x800;
	} else if ((b & 0xf8) == 0xf0) {
		need = 3;
		cp = b & 0x07;
		min = 0x10000;
	} else {
		(*i)++;
		return RAW + b;
	}
	if (*i + need >= len)
		goto raw;
	for (k = 1; k <= need; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			goto raw;
		cp = cp << 6 | (s[*i + k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		goto raw;
	*i += need + 1;
	return cp;
raw:
	(*i)++;
	return RAW + b;
}

static void glob_free(struct glob *g)
{
	free(g->t);
	free(g->ranges);
	free(g->work);
}

static int push_tok(struct glob *g, size_t *cap, unsigned kind, uint32_t c,
		    uint32_t n, int neg)
{
	if (g->nt >= MAX_TOKENS)
		return -1;
	if (g->nt == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct gtok *t = realloc(g->t, nc * sizeof(*t));

		if (!t)
			return -2;
		g->t = t;
		*cap = nc;
	}
	g->t[g->nt].kind = (unsigned char)kind;
	g->t[g->nt].neg = (unsigned char)neg;
	g->t[g->nt].c = c;
	g->t[g->nt].n = n;
	g->nt++;
	return 0;
}

static int push_range(struct glob *g, size_t *cap, uint32_t lo, uint32_t hi)
{
	if (g->nranges >= MAX_RANGES)
		return -1;
	if (g->nranges + 2 > *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		uint32_t *r = realloc(g->ranges, nc * sizeof(*r));

		if (!r)
			return -2;
		g->ranges = r;
		*cap = nc;
	}
	g->ranges[g->nranges++] = lo;
	g->ranges[g->nranges++] = hi;
	return 0;
}

/* The ASCII character class names of POSIX, as ranges. */
static const struct {
	const char *name;
	const char *ranges; /* pairs of bytes: low, high */
} named[] = {
	{ "alnum", "09AZaz" },
	{ "alpha", "AZaz" },
	{ "blank", "  \t\t" },
	{ "cntrl", "\001\037\177\177" },
	{ "digit", "09" },
	{ "graph", "!~" },
	{ "lower", "az" },
	{ "print", " ~" },
	{ "punct", "!/:@[`{~" },
	{ "space", "\t\r  " },
	{ "upper", "AZ" },
	{ "xdigit", "09AFaf" },
};

/*
 * Compile the class that starts at s[*i] == '['.  0 with *i past its
 * ']'; -1 with the reason in *why; -2 out of memory.  The NUL of the
 * "cntrl" table cannot be written in it and is added separately.
 */
static int compile_class(struct glob *g, size_t *rcap, const unsigned char *s,
			 size_t len, size_t *i, int *neg, const char **why)
{
	size_t j = *i + 1, k;
	int first = 1, r;
	uint32_t lo, hi;

	*neg = 0;
	if (j < len && (s[j] == '!' || s[j] == '^')) {
		*neg = 1;
		j++;
	}
	for (;;) {
		if (j >= len) {
			*why = "'[' without its ']'";
			return -1;
		}
		if (s[j] == ']' && !first)
			break;
		first = 0;
		if (s[j] == '[' && j + 1 < len && s[j + 1] == ':') {
			size_t e = j + 2;

			while (e + 1 < len && !(s[e] == ':' && s[e + 1] == ']'))
				e++;
			if (e + 1 < len) {
				size_t nlen = e - (j + 2);

				for (k = 0; k < sizeof(named) / sizeof(*named);
				     k++)
					if (strlen(named[k].name) == nlen &&
					    memcmp(named[k].name, s + j + 2,
						   nlen) == 0)
						break;
				if (k == sizeof(named) / sizeof(*named)) {
					*why = "unknown class name in "
						      "[: :]";
					return -1;
				}
				{
					const char *p = named[k].ranges;

					for (; *p; p += 2) {
						r = push_range(
							g, rcap,
							(unsigned char)p[0],
							(unsigned char)p[1]);
						if (r)
							goto range_fail;
					}
					if (strcmp(named[k].name, "cntrl") ==
					    0) {
						r = push_range(g, rcap, 0, 0);
						if (r)
							goto range_fail;
					}
				}
				j = e + 2;
				continue;
			}
		}
		if (s[j] == '\\') {
			if (++j >= len) {
				*why = "'[' without its ']'";
				return -1;
			}
		}
		lo = decode(s, len, &j);
		hi = lo;
		if (j + 1 < len && s[j] == '-' && s[j + 1] != ']') {
			j++;
			if (s[j] == '\\' && ++j >= len) {
				*why = "'[' without its ']'";
				return -1;
			}
			hi = decode(s, len, &j);
			if (hi < lo) {
				*why = "a range in [...] runs backwards";
				return -1;
			}
		}
		r = push_range(g, rcap, lo, hi);
		if (r)
			goto range_fail;
	}
	*i = j + 1;
	return 0;
range_fail:
	if (r == -1)
		*why = "too many ranges in the pattern";
	return r;
}

/* Is the byte at s[i] quoted by an odd run of backslashes before it? */
static int quoted(const unsigned char *s, size_t i)
{
	size_t n = 0;

	while (i > n && s[i - n - 1] == '\\')
		n++;
	return n & 1;
}

/*
 * Compile one line.  0 with *empty set when it holds no pattern (blank,
 * or a comment when comments are allowed); 0 with g filled; -1 with the
 * reason in err; -2 out of memory.
 */
static int compile(struct glob *g, const char *line, size_t len,
		   int comments, int *empty, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i, tcap = 0, rcap = 0;
	const char *why = "";
	int r = 0, neg;

	memset(g, 0, sizeof(*g));
	*empty = 0;
	if (len && s[len - 1] == '\r')
		len--;
	if (len > MAX_LINE) {
		snprintf(err, errlen, "pattern longer than %d bytes",
			 MAX_LINE);
		return -1;
	}
	if (memchr(s, '\0', len)) {
		snprintf(err, errlen, "a NUL byte in a pattern");
		return -1;
	}
	if (len && s[0] == '#') {
		if (comments) {
			*empty = 1;
			return 0;
		}
		snprintf(err, errlen, "'#' starts a comment; '\\#' is the "
				      "character");
		return -1;
	}
	while (len && s[len - 1] == ' ' && !quoted(s, len - 1))
		len--;
	if (len == 0) {
		if (comments) {
			*empty = 1;
			return 0;
		}
		snprintf(err, errlen, "an empty pattern");
		return -1;
	}
	if (s[0] == '!') {
		g->flags |= G_NEGATED;
		s++;
		len--;
	}
	while (len && s[len - 1] == '/' && !quoted(s, len - 1)) {
		g->flags |= G_DIRONLY;
		len--;
	}
	if (len && s[0] == '/') {
		g->flags |= G_ANCHORED;
		while (len && s[0] == '/') {
			s++;
			len--;
		}
	}
	if (len == 0) {
		snprintf(err, errlen, "a pattern that names nothing");
		return -1;
	}
	if (memchr(s, '/', len))
		g->flags |= G_ANCHORED;
	for (i = 0; i < len && !r;) {
		size_t run, start;

		switch (s[i]) {
		case '\\':
			if (i + 1 >= len) {
				snprintf(err, errlen, "a pattern ending in a "
						      "lone backslash");
				r = -1;
				break;
			}
			i++;
			r = push_tok(g, &tcap, T_CHAR, decode(s, len, &i), 0,
				     0);
			break;
		case '?':
			i++;
			r = push_tok(g, &tcap, T_ANY, 0, 0, 0);
			break;
		case '[':
			start = g->nranges;
			r = compile_class(g, &rcap, s, len, &i, &neg, &why);
			if (r == -1)
				snprintf(err, errlen, "%s", why);
			if (!r)
				r = push_tok(g, &tcap, T_CLASS,
					     (uint32_t)start,
					     (uint32_t)(g->nranges - start),
					     neg);
			break;
		case '*':
			for (run = 0; i + run < len && s[i + run] == '*'; run++)
				;
			if (run >= 2 && (i == 0 || s[i - 1] == '/') &&
			    (i + run == len || s[i + run] == '/')) {
				if (i + run == len) {
					r = push_tok(g, &tcap, T_DSTAR, 0, 0,
						     0);
					i += run;
				} else {
					r = push_tok(g, &tcap, T_DIRS, 0, 0,
						     0);
					i += run + 1;
				}
			} else {
				r = push_tok(g, &tcap, T_STAR, 0, 0, 0);
				i += run;
			}
			break;
		default:
			r = push_tok(g, &tcap, T_CHAR, decode(s, len, &i), 0,
				     0);
			break;
		}
	}
	if (r == -1 && !err[0])
		snprintf(err, errlen, "pattern too complex (more than %d "
				      "parts)",
			 MAX_TOKENS);
	if (!r) {
		g->work = malloc(6 * (g->nt + 1) * sizeof(*g->work));
		if (!g->work)
			r = -2;
	}
	if (r)
		glob_free(g);
	return r;
}

/* ------------------------------------------------------------------ */
/* matching                                                           */
/* ------------------------------------------------------------------ */

/*
 * The automaton's states: main state i (before token i, i <= nt) and the
 * inner state of a T_DIRS token i (nt + 1 + i).  Each glob owns the
 * scratch space of its runs (work: a mark per state, then two state
 * sets), so that a match allocates nothing; a list of patterns is used
 * by one thread at a time.
 */
struct nfa {
	const struct glob *g;
	uint32_t *mark, stamp;
};

struct sset {
	uint32_t *v;
	size_t n;
};

/* Add state q and the states it reaches without a character. */
static void add_state(struct nfa *m, struct sset *set, size_t q)
{
	const struct glob *g = m->g;

	for (;;) {
		if (m->mark[q] == m->stamp)
			return;
		m->mark[q] = m->stamp;
		set->v[set->n++] = (uint32_t)q;
		/* Only a star-like token may match nothing. */
		if (q >= g->nt || (g->t[q].kind != T_STAR &&
				   g->t[q].kind != T_DSTAR &&
				   g->t[q].kind != T_DIRS))
			return;
		q++;
	}
}

static int in_class(const struct glob *g, const struct gtok *t, uint32_t c)
{
	const uint32_t *r = g->ranges + t->c;
	uint32_t k;
	int hit = 0;

	for (k = 0; k + 1 < t->n && !hit; k += 2)
		hit = c >= r[k] && c <= r[k + 1];
	return hit != t->neg;
}

/* Does glob g match all of s[0..n)? */
static int run_glob(const struct glob *g, const uint32_t *s, size_t n)
{
	size_t nstates = 2 * (g->nt + 1), i, k, inner = g->nt + 1;
	struct sset a, b, *cur = &a, *nxt = &b, *tmp;
	struct nfa m;
	int hit;

	m.g = g;
	m.mark = g->work;
	memset(m.mark, 0, nstates * sizeof(*m.mark));
	m.stamp = 1;
	a.v = g->work + nstates;
	b.v = g->work + 2 * nstates;
	a.n = b.n = 0;
	add_state(&m, cur, 0);
	for (i = 0; i < n && cur->n; i++) {
		uint32_t c = s[i];

		m.stamp++;
		nxt->n = 0;
		for (k = 0; k < cur->n; k++) {
			size_t q = cur->v[k];
			const struct gtok *t;

			if (q >= inner) {
				/* Inside the directories of a T_DIRS. */
				add_state(&m, nxt, q);
				if (c == '/')
					add_state(&m, nxt, q - inner + 1);
				continue;
			}
			if (q == g->nt)
				continue;
			t = &g->t[q];
			switch (t->kind) {
			case T_CHAR:
				if (c == t->c)
					add_state(&m, nxt, q + 1);
				break;
			case T_ANY:
				if (c != '/')
					add_state(&m, nxt, q + 1);
				break;
			case T_CLASS:
				if (c != '/' && in_class(g, t, c))
					add_state(&m, nxt, q + 1);
				break;
			case T_STAR:
				if (c != '/')
					add_state(&m, nxt, q);
				break;
			case T_DSTAR:
				add_state(&m, nxt, q);
				break;
			case T_DIRS:
				if (c != '/')
					add_state(&m, nxt, q + inner);
				break;
			}
		}
		tmp = cur;
		cur = nxt;
		nxt = tmp;
	}
	hit = 0;
	if (i == n)
		for (k = 0; k < cur->n && !hit; k++)
			hit = cur->v[k] == g->nt;
	return hit;
}

/* Does g match the path p[0..len), relative to its list's directory? */
static int glob_match(const struct glob *g, const uint32_t *p, size_t len,
		      int is_dir)
{
	size_t k;

	if ((g->flags & G_DIRONLY) && !is_dir)
		return 0;
	if (g->flags & G_ANCHORED)
		return run_glob(g, p, len);
	for (k = len; k > 0 && p[k - 1] != '/'; k--)
		;
	return run_glob(g, p + k, len - k);
}

/* ------------------------------------------------------------------ */
/* lists of patterns                                                  */
/* ------------------------------------------------------------------ */

int newsidx_ignore__add(struct newsidx_ignore *ig, const char *line,
			size_t len, int comments, char *err, size_t errlen)
{
	struct glob g;
	int empty, r;

	err[0] = '\0';
	r = compile(&g, line, len, comments, &empty, err, errlen);
	if (r || empty)
		return r;
	if (ig->n == ig->cap) {
		size_t nc = ig->cap ? ig->cap * 2 : 8;
		struct glob *v = realloc(ig->v, nc * sizeof(*v));

		if (!v) {
			glob_free(&g);
			return -2;
		}
		ig->v = v;
		ig->cap = nc;
	}
	ig->v[ig->n++] = g;
	return 0;
}

int newsidx_ignore__parse(struct newsidx_ignore *ig, const char *text,
			  size_t len, size_t *lineno, char *err,
			  size_t errlen)
{
	size_t at = 0;
	int r;

	*lineno = 0;
	if (len > NEWSIDX_IGNORE_MAX_BYTES) {
		snprintf(err, errlen, "larger than %d bytes",
			 NEWSIDX_IGNORE_MAX_BYTES);
		return -1;
	}
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;

		++*lineno;
		r = newsidx_ignore__add(ig, text + at, end - at, 1, err,
					errlen);
		if (r)
			return r;
		at = end + 1;
	}
	return 0;
}

void newsidx_ignore__free(struct newsidx_ignore *ig)
{
	size_t i;

	for (i = 0; i < ig->n; i++)
		glob_free(&ig->v[i]);
	free(ig->v);
	memset(ig, 0, sizeof(*ig));
}

int newsidx_ignore__defaults(struct newsidx_ignore *ig)
{
	/* Files that are never articles: checksum lists and the
	 * signatures and schemas that travel with archives.  Documented in
	 * newsidx(1); a '!' pattern of a .newsidxignore, --exclude or a
	 * matching --include reads them again. */
	static const char *const list[] = {
		"*SUMS",   "*.sha1", "*.sha256", "*.sha512", "*.md5",
		"*.sig",   "*.asc",  "*.dtd",    "*.xsd",
	};
	char err[128];
	size_t i;
	int r;

	for (i = 0; i < sizeof(list) / sizeof(*list); i++) {
		r = newsidx_ignore__add(ig, list[i], strlen(list[i]), 0, err,
					sizeof(err));
		if (r)
			return r;
	}
	return 0;
}

int newsidx_ipath__set(struct newsidx_ipath *p, const char *rel)
{
	const unsigned char *s = (const unsigned char *)rel;
	size_t len = strlen(rel), i = 0;

	if (len + 1 > p->cap) {
		uint32_t *cp = realloc(p->cp, (len + 1) * sizeof(*cp));

		if (!cp)
			return -1;
		p->cp = cp;
		p->cap = len + 1;
	}
	p->n = 0;
	while (i < len)
		p->cp[p->n++] = decode(s, len, &i);
	return 0;
}

void newsidx_ipath__free(struct newsidx_ipath *p)
{
	free(p->cp);
	memset(p, 0, sizeof(*p));
}

int newsidx_ignore__match(const struct newsidx_ignore *ig,
			  const struct newsidx_ipath *p, size_t len,
			  int is_dir)
{
	size_t i;

	/* Below the list's directory only; the last pattern that matches
	 * decides. */
	if (len <= ig->base || (ig->base && p->cp[ig->base - 1] != '/'))
		return NEWSIDX_IGNORE_NONE;
	for (i = ig->n; i > 0; i--) {
		const struct glob *g = &ig->v[i - 1];

		if (glob_match(g, p->cp + ig->base, len - ig->base, is_dir))
			return g->flags & G_NEGATED ? NEWSIDX_IGNORE_NEGATED
						    : NEWSIDX_IGNORE_MATCH;
	}
	return NEWSIDX_IGNORE_NONE;
}

int newsidx_ignore__match_tree(const struct newsidx_ignore *ig,
			       const struct newsidx_ipath *p, int is_dir)
{
	size_t k;

	/* A directory that matches takes everything under it. */
	for (k = ig->base; k < p->n; k++)
		if (p->cp[k] == '/' &&
		    newsidx_ignore__match(ig, p, k, 1) == NEWSIDX_IGNORE_MATCH)
			return NEWSIDX_IGNORE_MATCH;
	return newsidx_ignore__match(ig, p, p->n, is_dir);
}
