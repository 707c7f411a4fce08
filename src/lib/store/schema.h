/*
 * store/schema.h: the index schema: every field, term prefix, value slot
 * and metadata key, in one place.
 */
#ifndef NEWSIDX_SCHEMA_H
#define NEWSIDX_SCHEMA_H

#include <stddef.h>

/* ------------------------------------------------------------------ */
/* The index schema (the field table is in store/schema.c)            */
/* ------------------------------------------------------------------ */

/*
 * THE INDEX SCHEMA, version NEWSIDX_SCHEMA_VERSION (7).  This comment is
 * the authoritative description of what an index holds.  The prefixes
 * of the user-visible fields are the NEWSIDX_PREFIX_ macros below, of
 * which the table newsidx_fields[] in store/schema.c is made: the query
 * builder (query/build.c) reads a field's prefix and kind there, and
 * the writer (index/document.c) writes with the same macros, so the two
 * cannot disagree.
 *
 * Terms (Xapian prefix conventions: a prefix is upper case, text terms
 * have none):
 *
 *   field     prefix  kind        content
 *   (text)    ""      free text   stems of title and body; title terms
 *                                 get wdf NEWSIDX_TITLE_WDF per
 *                                 occurrence so they weigh more
 *   title:    "S"     free text   stems of the title
 *   place:    "XP"    boolean     normalised words of the dateline place
 *                                 as given, and of the English name of
 *                                 its country and of the countries of a
 *                                 format's own list (Reuters' PLACES),
 *                                 so place:lithuania finds Vilnius
 *   source:   "XS"    boolean     normalised words of the source/outlet
 *   author:   "A"     boolean     normalised words of the authors
 *   topic:    "XT"    boolean     normalised words of topics/categories
 *   country:  "XC"    boolean     ISO 3166-1 alpha-2, upper case ("XCJP"),
 *                                 of each country the article is about
 *                                 (geo/tagger.c); a query value is
 *                                 mapped through the gazetteer, so
 *                                 country:japan, :JP, :japanese and :日本
 *                                 are one term
 *   org:      "XO"    boolean     an organisation's canonical id, upper
 *                                 case ("XONATO", "XOUN")
 *   person:   "XN"    boolean     a person's canonical name, lower case,
 *                                 single spaces ("XNs. jaishankar")
 *   lang:     "L"     boolean     ISO 639-1 code ("Len"); every article
 *                                 has one: its own, the run's, or "en"
 *   url:      "U"     boolean     the url (hashed if long, see below)
 *   id:       "Q"     boolean     the unique id; one live document per
 *                                 id (an index without term lists may
 *                                 hold older ones, listed deleted)
 *   (file)    "XF"    boolean     "#" and 8 bytes (little-endian) of the
 *                                 64-bit hash of the source file's
 *                                 absolute path (newsidx_schema__file_term);
 *                                 articles written before schema 6 carry
 *                                 the path itself (or "#" and 16 hex digits
 *                                 of its hash when long), and a file's
 *                                 articles are looked up under every form
 *   (copies)  "XB"    boolean     near-duplicate band keys: the band
 *                                 number (one digit) and 4 bytes of its
 *                                 hash, binary; or, in an index made
 *                                 before schema 5 (no newsidx.bands), 12
 *                                 hex digits of it (see store/dedup.c)
 *   (year)    "Y"     boolean     "YYYY" of the date (UTC)
 *   (month)   "M"     boolean     "YYYYMM" of the date
 *   (day)     "D"     boolean     "YYYYMMDD" of the date
 *
 * date: and since: have no terms of their own: a date filter is the
 * union of the year, month and day terms inside its range, and reads
 * the date value only for a day cut by a bound that is not midnight.
 * indexed: has none either: it is a range of the values in
 * NEWSIDX_SLOT_INDEXED (indexed:24h, indexed:2024-03-07..) or, written
 * indexed:#N..M, in NEWSIDX_SLOT_SEQ.
 *
 * Boolean terms have wdf 0, so they do not change document lengths, and
 * queries on them filter without scoring.  A term longer than
 * NEWSIDX_MAX_TERM bytes (Xapian's limit is 245) is replaced by the
 * prefix, "#", and the 16 hex digits of newsidx_hash64 of the value.
 *
 * Positions: title words from 1, body words from the position after
 * the title's last plus NEWSIDX_TITLE_GAP (101 without a title), so a
 * phrase never spans title and body.
 * They are in Xapian's position table (the text terms and the S terms)
 * or, in a compact index, in value slot NEWSIDX_SLOT_POS, and Xapian
 * then has none (see newsidx.positions below, and store/positions.c).
 *
 * Value slots:
 *   NEWSIDX_SLOT_DATE   0  UTC date "YYYYMMDDhhmmss" (sorts as text)
 *   NEWSIDX_SLOT_SOURCE 1  source as displayed
 *   NEWSIDX_SLOT_PLACE  2  the dateline place, normalised: one value,
 *                          the city ("Kansas City" of Reuters' "Kansas
 *                          City; USA, West Germany")
 *   NEWSIDX_SLOT_LANG   3  ISO 639-1 code
 *   NEWSIDX_SLOT_MONTH  4  "YYYY-MM" of the date, for facets
 *   NEWSIDX_SLOT_GROUP  5  near-duplicate group: 16 hex digits, the same
 *                          for syndicated copies; results collapse on it
 *   NEWSIDX_SLOT_SIG    6  MinHash signature of the body: the low 8
 *                          bits of each of NEWSIDX_SIG_N values; only
 *                          in articles written before schema 5: since,
 *                          a candidate copy's signature is made again
 *                          from its stored body
 *   NEWSIDX_SLOT_POS    7  compact indexes: the word positions of title
 *                          and body, one short stem hash or stem code
 *                          per position (store/positions.c)
 *   NEWSIDX_SLOT_DOC    8  the stored record (below), packed: "Z" and a
 *                          zstd frame, with the index's dictionary when
 *                          the frame names one (store/docdata.c)
 *   NEWSIDX_SLOT_COUNTRY 9  the article's countries, ISO 3166-1 alpha-2
 *                          ("JP"), sorted, joined by "\n"; absent when
 *                          none (these four slots are the multi-valued
 *                          facets, counted part by part)
 *   NEWSIDX_SLOT_ORG    10  its organisations' canonical ids ("NATO"),
 *                          likewise
 *   NEWSIDX_SLOT_PERSON 11  its people's canonical names, likewise
 *   NEWSIDX_SLOT_TOPIC  12  its topics, each trimmed, lower case (ASCII)
 *                          and with single spaces, likewise
 *   NEWSIDX_SLOT_SEQ   13  the indexing sequence: 16 lower-case hex
 *                          digits (sorts as text) of the number the
 *                          article got from newsidx.sequence when it was
 *                          written; a replacement with the same title
 *                          and body keeps it, one with another text gets
 *                          the next.  Absent in articles written before
 *                          0.4.  What indexed:#N.. and watches read.
 *   NEWSIDX_SLOT_INDEXED 14 UTC time the article got its sequence,
 *                          "YYYYMMDDhhmmss" like the date; indexed:7d,
 *                          indexed:2024-03-07.. read it
 *
 * The sequence and time survive a compaction (values are copied) and a
 * rebuild, which reads the inputs again into a new generation and gives
 * each article whose title and body are unchanged the sequence and time
 * it had in the generation it replaces (index/sequence.c).
 *
 * Spelling: every distinct word (normalised, unstemmed, 3 to 32 bytes,
 * letters only, among the first words of a long article) of each
 * article is added to Xapian's spelling table, the vocabulary for "did
 * you mean".
 *
 * Synonyms: Xapian's synonym table holds the synonym list
 * (store/synonyms.c): each member of a group, as its stems joined by
 * spaces, has every other member of its group as a synonym.
 *
 * The stored record: the bytes "NX2", then a 4-byte big-endian length
 * L, then L bytes of a JSON object with the stored fields (id, title,
 * date, tz (original UTC offset in minutes), place, source, path, url,
 * lang, authors, topics, encoding), then the article body, UTF-8, to
 * the end.  encoding (since 0.3) names the character encoding the input
 * was read in when it was not UTF-8 ("WINDOWS-1252"), and is absent
 * otherwise; older records lack it and older readers ignore it, so it
 * needs no new schema version.
 * Schema 5 packs it into value slot NEWSIDX_SLOT_DOC and leaves the
 * document data empty; schema 4 and older kept it as the document data,
 * where Xapian deflates it, and a reader still takes it from there when
 * the slot is empty.
 *
 * Term lists and deletions (schema 7): a compact index created since
 * schema 7 has no Xapian term lists.  Its termlist table is removed
 * while the index is still empty, the shards of a bulk load are made
 * without one, and newsidx.termlist says "none".  Xapian needs the term
 * lists to delete or replace a document, so such an index instead lists
 * the docids of the articles it deletes or replaces in newsidx.deleted,
 * set in the same commit as the change, and every read leaves them out:
 * queries (their counts and facets too), lookups by id, file and band
 * terms, stored articles and the document count.  Term frequencies and
 * document lengths still count them, and their space comes back only
 * with a rebuild; a compaction keeps the docids, which the list names.
 * An article that comes again exactly as stored (record, positions and
 * group) is kept rather than listed and written again, and a bulk load
 * that meets an id twice keeps the last and lists the others.  Indexes
 * with a position table, and compact indexes made before schema 7, keep
 * their term lists and delete in Xapian.
 *
 * Metadata keys (the NEWSIDX_META_ macros below):
 *   newsidx.schema           NEWSIDX_SCHEMA_VERSION as decimal text
 *   newsidx.stemmer          libstemmer algorithm of the default language
 *   newsidx.stemmer_version  newsidx_analyzer__fingerprint() of it:
 *                            libstemmer has no version call, so its
 *                            version is identified by its behaviour
 *   newsidx.updated          UTC time of the last commit, ISO 8601
 *   newsidx.positions        "compact": positions are in value slot
 *                            NEWSIDX_SLOT_POS and Xapian has none;
 *                            "table" or absent: Xapian's position table
 *                            holds them (title and body stems, and the
 *                            S terms) and the slot is unused.  Chosen
 *                            when the index is empty.
 *   newsidx.termlist         "none": Xapian keeps no term lists and
 *                            deletions are listed (above); absent: it
 *                            keeps them.  Chosen with the positions.
 *   newsidx.deleted          the docids listed deleted in an index
 *                            without term lists: "NXD1" and the LEB128
 *                            varints of the gaps between the sorted
 *                            docids (xapc_db_track_deleted); absent or
 *                            empty: none
 *   newsidx.dictionary       the zstd dictionary of packed records,
 *                            trained on the first records of the index
 *                            (absent until it holds 300 of them)
 *   newsidx.stemcodes        a compact index's table of stem codes:
 *                            "NXC1", then the 64-bit stem hash of code
 *                            1, 2, ..., 8 bytes each, little-endian
 *                            (store/positions.c), made with the
 *                            dictionary from the stems of the same
 *                            first articles; absent: every position
 *                            value is uncoded
 *   newsidx.bands            "binary": the band terms are binary; absent:
 *                            hex (an index made before schema 5).
 *                            Chosen when the index is empty.
 *   newsidx.synonyms         "SCHEMA:HASH", the schema version and 16
 *                            hex digits of newsidx_hash64 of the
 *                            synonym list in the synonym table; another
 *                            list replaces the table at the next open
 *                            by a writer
 *   newsidx.gazetteer        the version of the gazetteer that tagged
 *                            the articles of the last commit that
 *                            indexed some (newsidx_gaz__version: the
 *                            built-in data's version line, and
 *                            "+local:" and a hash with additions)
 *   newsidx.gazetteer_local  the user's gazetteer additions (the text
 *                            of the --gazetteer file), which later
 *                            writers without one and readers mapping
 *                            country:/org:/place: values load over the
 *                            built-in data (geodb.c)
 *   newsidx.compacted        "BYTES ARTICLES": the live generation's
 *                            size on disk and its article count when
 *                            it was last written whole (a compaction,
 *                            a bulk load's merge, a rebuild); what
 *                            newsidx_db_compact_due() compares with
 *   newsidx.file:PATH        the state of an input file, PATH its
 *                            absolute path (or "#" and 16 hex digits of
 *                            newsidx_hash64 of it when the key would
 *                            reach 200 bytes): "1 SIZE MTIME_NS HASH
 *                            ok|failed PATH", HASH 16 hex digits of the
 *                            64-bit FNV-1a hash of its content; written
 *                            with the file's last articles, emptied
 *                            (removed) when the file vanishes
 *                            (index/state.c)
 *   newsidx.root:PATH        an input path given to a run (keyed like
 *                            the file states), the absolute path as the
 *                            value; what a rebuild reads again.  Since
 *                            0.3 the path may be followed by a NUL,
 *                            "filters 1" and the path's --include and
 *                            --exclude patterns, each after a NUL as
 *                            "+PATTERN" or "-PATTERN" (index/state.c)
 *   newsidx.sequence         the last indexing sequence given, decimal;
 *                            set in the commit that writes the article
 *                            (index/sequence.c); absent: none yet
 *   newsidx.watch:NAME       a standing query (index/watch.c): "NXW1",
 *                            then lines "KEY VALUE": cursor (the last
 *                            sequence reported, decimal), added and
 *                            run (UTC, ISO 8601; run absent until the
 *                            first delivery), lang, and query (the
 *                            query text, last: it runs to the end)
 *
 * Schema 4 added the compact positions, schema 5 the packed records,
 * schema 6 the hashed file terms and coded positions, schema 7 indexes
 * without term lists.  None changed what was there: a writer relabels a
 * schema 3 to 6 index as 7, its older records are read from the
 * document data, its older file terms are looked up too, its position
 * values stay uncoded, and its term lists stay.  A build refuses an
 * index of a schema it does not know, so the new number keeps older
 * builds, which would miss hashed file terms or show listed deletions,
 * away from a newer index.
 */
#define NEWSIDX_SCHEMA_VERSION 7
#define NEWSIDX_MAX_TERM 240
#define NEWSIDX_TITLE_WDF 3
#define NEWSIDX_TITLE_GAP 100

/* The term prefixes of the fields in newsidx_fields[], and of the file
 * term (see the table above). */
#define NEWSIDX_PREFIX_TITLE "S"
#define NEWSIDX_PREFIX_PLACE "XP"
#define NEWSIDX_PREFIX_SOURCE "XS"
#define NEWSIDX_PREFIX_AUTHOR "A"
#define NEWSIDX_PREFIX_TOPIC "XT"
#define NEWSIDX_PREFIX_COUNTRY "XC"
#define NEWSIDX_PREFIX_ORG "XO"
#define NEWSIDX_PREFIX_PERSON "XN"
#define NEWSIDX_PREFIX_LANG "L"
#define NEWSIDX_PREFIX_URL "U"
#define NEWSIDX_PREFIX_ID "Q"
#define NEWSIDX_PREFIX_FILE "XF"

/* The metadata keys described above; every reader and writer of the
 * index metadata names them by these macros.  The two prefixes make a
 * key with a path (or its hash) after them. */
#define NEWSIDX_META_SCHEMA "newsidx.schema"
#define NEWSIDX_META_STEMMER "newsidx.stemmer"
#define NEWSIDX_META_STEMMER_VERSION "newsidx.stemmer_version"
#define NEWSIDX_META_UPDATED "newsidx.updated"
#define NEWSIDX_META_POSITIONS "newsidx.positions"
#define NEWSIDX_META_TERMLIST "newsidx.termlist"
#define NEWSIDX_META_DELETED "newsidx.deleted"
#define NEWSIDX_META_DICTIONARY "newsidx.dictionary"
#define NEWSIDX_META_STEMCODES "newsidx.stemcodes"
#define NEWSIDX_META_BANDS "newsidx.bands"
#define NEWSIDX_META_SYNONYMS "newsidx.synonyms"
#define NEWSIDX_META_COMPACTED "newsidx.compacted"
#define NEWSIDX_META_GAZETTEER "newsidx.gazetteer"
#define NEWSIDX_META_GAZETTEER_LOCAL "newsidx.gazetteer_local"
#define NEWSIDX_META_FILE_PREFIX "newsidx.file:"
#define NEWSIDX_META_ROOT_PREFIX "newsidx.root:"
#define NEWSIDX_META_SEQUENCE "newsidx.sequence"
#define NEWSIDX_META_WATCH_PREFIX "newsidx.watch:"

enum newsidx_slot {
	NEWSIDX_SLOT_DATE = 0,
	NEWSIDX_SLOT_SOURCE = 1,
	NEWSIDX_SLOT_PLACE = 2,
	NEWSIDX_SLOT_LANG = 3,
	NEWSIDX_SLOT_MONTH = 4,
	NEWSIDX_SLOT_GROUP = 5,
	NEWSIDX_SLOT_SIG = 6,
	NEWSIDX_SLOT_POS = 7,
	NEWSIDX_SLOT_DOC = 8,
	NEWSIDX_SLOT_COUNTRY = 9,
	NEWSIDX_SLOT_ORG = 10,
	NEWSIDX_SLOT_PERSON = 11,
	NEWSIDX_SLOT_TOPIC = 12,
	NEWSIDX_SLOT_SEQ = 13,
	NEWSIDX_SLOT_INDEXED = 14
};

/* Near-duplicate detection: MinHash over word 4-grams, banded for lookup.
 * Copies whose estimated resemblance reaches NEWSIDX_DUP_MIN share a
 * group. */
#define NEWSIDX_SIG_N 64
#define NEWSIDX_SIG_BANDS 4
#define NEWSIDX_SIG_ROWS 2
#define NEWSIDX_SIG_BYTES NEWSIDX_SIG_N
#define NEWSIDX_SHINGLE 4
#define NEWSIDX_DUP_MIN 0.75

enum newsidx_field_kind {
	NEWSIDX_FIELD_TEXT,    /* stemmed words with positions */
	NEWSIDX_FIELD_WORDS,   /* normalised words, boolean */
	NEWSIDX_FIELD_EXACT,   /* the whole value as one term, boolean */
	NEWSIDX_FIELD_DATE     /* a date range (the date terms above) */
};

struct newsidx_field {
	const char *name;   /* as written in queries, e.g. "title" */
	const char *prefix; /* Xapian term prefix */
	enum newsidx_field_kind kind;
};

/* The user-visible fields, ended by an entry with name NULL. */
extern const struct newsidx_field newsidx_fields[];

/* The field called name (lower case), or NULL. */
const struct newsidx_field *newsidx_schema__field(const char *name);

/* The XF term of the file at abspath into buf (at least 12 bytes): "XF#"
 * and the 8 bytes of its path's hash.  A path in the term itself would
 * cost its length in every article's term list. */
size_t newsidx_schema__file_term(char *buf, const char *abspath);

/*
 * Build the term prefix+value into buf (size NEWSIDX_MAX_TERM + 24),
 * hashing values too long for a term.  Returns the term's length.
 */
size_t newsidx_schema__term(char *buf, const char *prefix, const char *value,
			    size_t len);


#endif /* NEWSIDX_SCHEMA_H */
