/*
 * fuzz_ignore.c: libFuzzer harness for index/ignore.c, the parser and
 * matcher of .newsidxignore files, which come with the archives and are
 * untrusted.  The input is parsed as a whole file; a bad one must give
 * a line within the text and a one-line reason; a good one is matched
 * against paths cut from the input itself, as a file and as a
 * directory, directly and with the directory rule of --include.
 *
 * Longer runs, from a build tree:
 *   top_srcdir=.. top_builddir=. sh ../tests/fuzz/run.sh 600
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "index/index.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct newsidx_ignore ig = { 0 };
	struct newsidx_ipath p = { 0 };
	char err[256], *path;
	size_t line = 0, i, lines = 1;
	int r;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	r = newsidx_ignore__parse(&ig, (const char *)data, size, &line, err,
				  sizeof(err));
	if (r == -1 && size <= NEWSIDX_IGNORE_MAX_BYTES &&
	    (line == 0 || line > lines || !err[0] || strchr(err, '\n')))
		abort();
	if (r == 0) {
		/* Paths: the input's bytes up to each NUL-free stretch,
		 * without the separators a path cannot hold. */
		path = malloc(size + 1);
		if (!path)
			return 0;
		for (i = 0; i < size; i++)
			path[i] = data[i] ? (char)data[i] : 'x';
		path[size] = '\0';
		while (size && path[size - 1] == '/')
			path[--size] = '\0';
		if (newsidx_ipath__set(&p, path[0] == '/' ? path + 1 : path) ==
		    0) {
			r = newsidx_ignore__match(&ig, &p, p.n, 0);
			r |= newsidx_ignore__match(&ig, &p, p.n, 1);
			r |= newsidx_ignore__match_tree(&ig, &p, 0);
			if (r > 3)
				abort();
		}
		free(path);
	}
	newsidx_ignore__free(&ig);
	newsidx_ipath__free(&p);
	return 0;
}
