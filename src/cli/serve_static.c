/*
 * serve_static.c: the files of the web page that `newsidx serve` sends
 * at "/".
 *
 * The page is a fixed list of files (index.html, app.js, style.css,
 * favicon.svg) read once, when the server starts, from the web root
 * (--web-root, else the installed data/web, else the source tree's).
 * A request names one of them by its exact path or gets nothing from
 * here: no path a client sends is ever joined to a directory, so no
 * path can reach a file outside the list.  Each file carries its
 * Content-Type and an ETag (a hash of its bytes), so that a browser
 * revalidates it cheaply and sees a new version at once.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* The files of the page: what a request names, the file, its type. */
static const struct {
	const char *path, *file, *type;
} page[CLI_WEB_NFILES] = {
	{ "/", "index.html", "text/html; charset=utf-8" },
	{ "/app.js", "app.js", "text/javascript; charset=utf-8" },
	{ "/style.css", "style.css", "text/css; charset=utf-8" },
	{ "/favicon.svg", "favicon.svg", "image/svg+xml" },
};

/* FNV-1a, 64 bits: an ETag only has to change when the bytes do. */
static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Read the whole of a regular file of at most 4 MiB; -1 with errno. */
static int slurp(const char *path, char **out, size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return -1;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > (4 << 20)) {
		fclose(f);
		errno = EINVAL;
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return -1;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	*out = buf;
	return 0;
}

const char *cli_web_root(const char *given)
{
	static const char installed[] = NEWSIDX_WEB_DIR;
	struct stat st;

	if (given)
		return given;
	if (stat(installed, &st) == 0 && S_ISDIR(st.st_mode) &&
	    stat(NEWSIDX_WEB_DIR "/index.html", &st) == 0)
		return installed;
	return NEWSIDX_SRC_WEB_DIR;
}

int cli_web_load(struct cli_web *w, const char *root, char *err,
		 size_t errlen)
{
	char path[4096];
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < CLI_WEB_NFILES; i++) {
		struct cli_web_file *f = &w->files[i];

		snprintf(path, sizeof(path), "%s/%s", root, page[i].file);
		if (slurp(path, &f->body, &f->len)) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			cli_web_free(w);
			return -1;
		}
		f->path = page[i].path;
		f->type = page[i].type;
		snprintf(f->etag, sizeof(f->etag), "\"%016llx\"",
			 (unsigned long long)fnv1a(f->body, f->len));
	}
	w->loaded = 1;
	return 0;
}

const struct cli_web_file *cli_web_find(const struct cli_web *w,
					const char *path)
{
	size_t i;

	if (!w->loaded)
		return NULL;
	if (strcmp(path, "/index.html") == 0)
		path = "/";
	for (i = 0; i < CLI_WEB_NFILES; i++)
		if (strcmp(path, w->files[i].path) == 0)
			return &w->files[i];
	return NULL;
}

void cli_web_free(struct cli_web *w)
{
	size_t i;

	for (i = 0; i < CLI_WEB_NFILES; i++) {
		free(w->files[i].body);
		w->files[i].body = NULL;
	}
	w->loaded = 0;
}
