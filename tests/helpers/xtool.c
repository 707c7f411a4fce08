/*
 * xtool.c: a test helper (not a test) for the CLI scripts.  It does to an
 * index what the scripts cannot do with the CLI alone:
 *
 *   xtool hold DIR          open DIR as the writer, print "ready", and
 *                           keep the lock until standard input closes;
 *   xtool setmeta DIR K V   set metadata key K to V and commit.
 */
#include <stdio.h>
#include <string.h>

#include "xapc.h"

int main(int argc, char **argv)
{
	xapc_db_t *db = NULL;
	xapc_status_t st;

	if (argc < 3) {
		fprintf(stderr, "usage: xtool hold DIR | setmeta DIR K V\n");
		return 2;
	}
	st = xapc_db_open(&db, argv[2], XAPC_DB_CREATE_OR_OPEN);
	if (st) {
		fprintf(stderr, "xtool: %s\n", xapc_db_errmsg(db));
		xapc_db_free(db);
		return 1;
	}
	if (strcmp(argv[1], "hold") == 0) {
		printf("ready\n");
		fflush(stdout);
		while (getchar() != EOF)
			;
	} else if (strcmp(argv[1], "setmeta") == 0 && argc == 5) {
		st = xapc_db_set_metadata(db, argv[3], argv[4],
					  strlen(argv[4]));
		if (!st)
			st = xapc_db_commit(db);
		if (st)
			fprintf(stderr, "xtool: %s\n", xapc_db_errmsg(db));
	} else {
		fprintf(stderr, "xtool: bad command\n");
		st = XAPC_ERR_INVALID;
	}
	xapc_db_free(db);
	return st ? 1 : 0;
}
