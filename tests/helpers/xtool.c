/*
 * xtool.c: a test helper (not a test) for the CLI scripts.  It does to an
 * index what the scripts cannot do with the CLI alone:
 *
 *   xtool hold DIR          open DIR as the writer (newsidx's lock and
 *                           Xapian's), print "ready", and keep them until
 *                           standard input closes;
 *   xtool setmeta DIR K V   set metadata key K to V and commit, bypassing
 *                           newsidx's schema checks.
 */
#include <stdio.h>
#include <string.h>

#include "newsidx.h"
#include "xapc.h"

static int hold(const char *dir)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;

	oo.mode = NEWSIDX_OPEN_WRITE;
	st = newsidx_db_open(&db, dir, &oo);
	if (st) {
		fprintf(stderr, "xtool: %s\n", newsidx_db_errmsg(db));
		newsidx_db_free(db);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	newsidx_db_free(db);
	return 0;
}

static int setmeta(const char *dir, const char *key, const char *value)
{
	xapc_db_t *db = NULL;
	xapc_status_t st;

	st = xapc_db_open(&db, dir, XAPC_DB_OPEN);
	if (!st)
		st = xapc_db_set_metadata(db, key, value, strlen(value));
	if (!st)
		st = xapc_db_commit(db);
	if (st)
		fprintf(stderr, "xtool: %s\n", xapc_db_errmsg(db));
	xapc_db_free(db);
	return st ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2]);
	if (argc == 5 && strcmp(argv[1], "setmeta") == 0)
		return setmeta(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: xtool hold DIR | setmeta DIR KEY VALUE\n");
	return 2;
}
