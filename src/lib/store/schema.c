/*
 * schema.c: the table of user-visible fields and the rule that turns a
 * field value into a Xapian term.  The layout itself is described once,
 * in the schema comment of store/schema.h; the writer and the query
 * builder both use this table so that they cannot disagree.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

const struct newsidx_field newsidx_fields[] = {
	{ "title", NEWSIDX_PREFIX_TITLE, NEWSIDX_FIELD_TEXT },
	{ "place", NEWSIDX_PREFIX_PLACE, NEWSIDX_FIELD_WORDS },
	{ "source", NEWSIDX_PREFIX_SOURCE, NEWSIDX_FIELD_WORDS },
	{ "author", NEWSIDX_PREFIX_AUTHOR, NEWSIDX_FIELD_WORDS },
	{ "topic", NEWSIDX_PREFIX_TOPIC, NEWSIDX_FIELD_WORDS },
	{ "country", NEWSIDX_PREFIX_COUNTRY, NEWSIDX_FIELD_EXACT },
	{ "org", NEWSIDX_PREFIX_ORG, NEWSIDX_FIELD_EXACT },
	{ "person", NEWSIDX_PREFIX_PERSON, NEWSIDX_FIELD_EXACT },
	{ "lang", NEWSIDX_PREFIX_LANG, NEWSIDX_FIELD_EXACT },
	{ "url", NEWSIDX_PREFIX_URL, NEWSIDX_FIELD_EXACT },
	{ "id", NEWSIDX_PREFIX_ID, NEWSIDX_FIELD_EXACT },
	{ "date", NULL, NEWSIDX_FIELD_DATE },
	{ "since", NULL, NEWSIDX_FIELD_DATE },
	{ NULL, NULL, NEWSIDX_FIELD_TEXT }
};

const struct newsidx_field *newsidx_schema__field(const char *name)
{
	const struct newsidx_field *f;

	if (!name)
		return NULL;
	for (f = newsidx_fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

size_t newsidx_schema__file_term(char *buf, const char *abspath)
{
	uint64_t h = newsidx_hash64(abspath, strlen(abspath));
	int i;

	memcpy(buf, NEWSIDX_PREFIX_FILE "#", 3);
	for (i = 0; i < 8; i++)
		buf[3 + i] = (char)(unsigned char)(h >> (8 * i));
	return 11;
}

size_t newsidx_schema__term(char *buf, const char *prefix, const char *value,
			    size_t len)
{
	size_t plen = strlen(prefix);

	/*
	 * Xapian refuses terms over 245 bytes.  Long ids and urls are
	 * common (tracking parameters), so they are hashed rather than
	 * rejected; 64 bits keep collisions negligible at archive scale.
	 */
	if (plen + len > NEWSIDX_MAX_TERM) {
		return (size_t)snprintf(buf, NEWSIDX_MAX_TERM + 24,
					"%s#%016" PRIx64, prefix,
					newsidx_hash64(value, len));
	}
	memcpy(buf, prefix, plen);
	memcpy(buf + plen, value, len);
	buf[plen + len] = '\0';
	return plen + len;
}
