/*
 * tools/gazkeys.c: writes data/gazetteer-keys.txt ("make gazetteer-keys"),
 * the keys of the built-in gazetteer's names made ahead, on stdout (see
 * src/lib/geo/gazetteer.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "geo/geo.h"

int main(void)
{
	char *keys;
	size_t len;

	if (newsidx_gaz__builtin_keys(&keys, &len) != NEWSIDX_OK) {
		fprintf(stderr, "gazkeys: out of memory\n");
		return 1;
	}
	if (fwrite(keys, 1, len, stdout) != len || fflush(stdout)) {
		fprintf(stderr, "gazkeys: cannot write the keys\n");
		free(keys);
		return 1;
	}
	free(keys);
	return 0;
}
