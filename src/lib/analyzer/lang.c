/*
 * lang.c: which language an article is written in, so that it is stemmed
 * by the right Snowball stemmer.
 *
 * Responsible for two things: reading a declared language tag ("en-GB",
 * "French", "fre") as an ISO 639-1 code, and guessing the language of
 * undeclared text.  The guess is deliberately small and honest:
 *
 * - The writing system decides first.  Greek, Armenian and Tamil script
 *   each belong to one libstemmer language; Arabic script is Arabic
 *   unless letters of Persian or Urdu show up; Hebrew script is Yiddish
 *   only when Yiddish function words or ligatures are present (Hebrew
 *   has no stemmer); Cyrillic is Russian or Serbian by their own letters
 *   and function words, and Ukrainian, Belarusian, Bulgarian or
 *   Macedonian text is left undecided; Devanagari is Hindi or Nepali by
 *   function words.
 * - Latin-script text is scored by its function words: each language has
 *   a few dozen of its most common ones, written for this file, and a
 *   word shared by k languages adds 1/k to each.  The best language must
 *   have at least three different words among its hits, hits making up a
 *   twelfth of the words or more, and lead the next one clearly.  Lone
 *   letters before a full stop ("U.S.") and letters glued to digits
 *   ("JUN7", "6698B") are not words.
 *
 * Limits, on purpose: short texts (a headline, a table of figures) and
 * close pairs with few distinguishing words (Danish and Norwegian,
 * Spanish and Catalan, Serbian and Croatian or Bosnian, Indonesian and
 * Malay) may come back undecided or as the closer neighbour; languages
 * libstemmer cannot stem (Chinese, Japanese, Polish, Czech, ...) are
 * never returned, so such text is left undecided.  Undecided means NULL,
 * and the indexer then applies its default, English.  The text is read
 * up to its first 2,000 words.
 *
 * The word table is built once (pthread_once) and only read afterwards,
 * so newsidx_lang__detect() is thread-safe.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "analyzer/analyzer.h"
#include "util/util.h"

enum script {
	S_LATIN,
	S_CYRILLIC,
	S_GREEK,
	S_ARABIC,
	S_ARMENIAN,
	S_HEBREW,
	S_DEVANAGARI,
	S_TAMIL,
	S_OTHER,
	S_COUNT
};

/* One list of function words per language (two for Serbian, which is
 * written in both alphabets).  Space-separated, lower case. */
static const struct wordlist {
	const char *code;
	enum script script;
	const char *words;
} lists[] = {
	{ "en", S_LATIN,
	  "the of and to in is that for it on was with as at by from he "
	  "his are be this have has had not but or an which were they "
	  "their its been will would who said also more than after about "
	  "into new one two over up out there when all we you she her them "
	  "these those could can what if so only other some such because "
	  "while where how should just before being then through per any "
	  "down off since against year" },
	{ "fr", S_LATIN,
	  "le la les de des du un une et est en que qui dans pour pas par "
	  "sur au aux ce cette ces il elle ils elles nous vous on ne plus "
	  "avec son sa ses leur leurs mais ou été être avait sont à comme "
	  "tout fait aussi entre selon contre après même deux dont lors "
	  "était ont cet très sans sous" },
	{ "es", S_LATIN,
	  "el la los las de del y en que un una es por con para no se su "
	  "sus al lo como más pero fue ha han este esta entre sobre también "
	  "ya muy sin hasta desde cuando donde porque ser está son fueron "
	  "según tras le les dijo había eso ese estos estas año" },
	{ "pt", S_LATIN,
	  "o a os as de do da dos das e em no na nos nas um uma que para "
	  "com por não se ao à é foi mais como mas seu sua seus suas ele "
	  "ela eles também já ser está são pelo pela entre sobre até quando "
	  "onde após isso este esta disse ano há foram" },
	{ "it", S_LATIN,
	  "il lo la i gli le di del della dei delle e è in che un una per "
	  "con non si da al alla sono ha hanno anche come più ma nel nella "
	  "sul sulla questo questa ed o dopo tra fra essere stato stata "
	  "perché quando degli anni ci cui loro molto" },
	{ "ca", S_LATIN,
	  "el la els les de del dels i en que un una és per amb no es als "
	  "al ha han també com però més aquest aquesta seu seva són va van "
	  "ser fins sobre entre perquè quan on pel pels hi ho aquests "
	  "aquestes seus seves molt any" },
	{ "de", S_LATIN,
	  "der die das und ist in den von zu mit sich des auf für nicht ein "
	  "eine einer einem einen dem im auch es an als wie bei aus nach "
	  "wird wurde werden hat haben sind war oder aber noch nur vor über "
	  "zum zur um sie er wir ich dass daß durch bis sein seine kann" },
	{ "nl", S_LATIN,
	  "de het een en van in is dat op te zijn voor met die niet aan er "
	  "om ook als bij door maar nog wordt werd worden heeft hebben was "
	  "naar uit dan over tot wel zich deze dit hij zij ze al of geen "
	  "kan moet jaar" },
	{ "da", S_LATIN,
	  "og i at det en den til er som på de med af for ikke der var han "
	  "sig har fra jeg vil men efter kan også blev bliver hun eller "
	  "skal have mod når nu meget noget hvad hvor mellem gennem under "
	  "sin et dem om ud op år" },
	{ "no", S_LATIN,
	  "og i det at en den til er som på de med av for ikke der var han "
	  "seg har fra jeg vil men etter kan også ble blir hun eller skal "
	  "ha mot når nå mye noe hva hvor mellom gjennom under sin et dem om "
	  "ut opp år ikkje ein eit" },
	{ "sv", S_LATIN,
	  "och i att det som en på är av för med till den inte de om har "
	  "var ett han men från jag så vid kan också eller efter sig hon "
	  "blev blir när nu mycket något vad där mellan genom under sin "
	  "skulle hade ut upp år" },
	{ "fi", S_LATIN,
	  "ja on ei että se oli ovat hän myös kuin mutta tai joka jotka "
	  "tämä nyt sen kun niin ole olla ollut vain jo sekä mukaan vuonna "
	  "voi hänen ne me te he minä sinä siitä kanssa mitä mikä jos koska "
	  "ovat olisi" },
	{ "hu", S_LATIN,
	  "a az és hogy nem is egy van volt meg de csak már még el mint ki "
	  "be fel azt ez ezt ha vagy után között szerint pedig lesz lett "
	  "kell mert majd most amely aki ami egy úgy sok" },
	{ "ro", S_LATIN,
	  "și şi în de la a cu pe care este din o un nu se că pentru mai au "
	  "fost să sau ca dar lui sunt al ale iar după fi prin această "
	  "acest între despre cel cea fără" },
	{ "tr", S_LATIN,
	  "ve bir bu da de için ile olarak daha çok en gibi ama ancak değil "
	  "olan sonra kadar her ki ne mi var yok o şu ise hem veya göre "
	  "tarafından ilk yeni büyük bunu olduğu" },
	{ "id", S_LATIN,
	  "yang dan di ke dari ini itu dengan untuk tidak dalam akan pada "
	  "juga ada oleh karena bisa sudah saat mereka kami kita telah atau "
	  "sebagai setelah lebih menjadi bahwa tersebut tahun bagi" },
	{ "ga", S_LATIN,
	  "agus an na ar is le go ag a ó sé sí bhí tá ach níl don leis mar "
	  "seo sin chun faoi nach ní atá freisin iad é í sa" },
	{ "eu", S_LATIN,
	  "eta da ez du dira zen bat bere ere baina edo beste hau hori dute "
	  "izan zuen egin behar dela duela dago gero orain bezala baino "
	  "zuten ziren batean" },
	{ "lt", S_LATIN,
	  "ir yra kad į su iš tai buvo bet ar jis ji taip kaip nuo už o dar "
	  "jau tik apie per po kai savo nėra bus gali jų metų" },
	{ "sr", S_LATIN,
	  "i u je da se na za su od sa koji koja koje što ali kao iz to ne "
	  "bi ili biti bio bila još samo nije će prema posle godine" },
	{ "sr", S_CYRILLIC,
	  "и у је да се на за су од са који која које што али као из то не "
	  "би или бити био била још само није ће према после године" },
	{ "ru", S_CYRILLIC,
	  "и в не на что он с как а то все она так его но да к у же вы за "
	  "бы по только ее её мне было вот от меня еще ещё нет о из ему "
	  "когда даже ли если уже или быть был была были до там это при "
	  "также который которые году их этом после" },
	{ "el", S_GREEK,
	  "και το η ο του της τα των να σε με για από είναι στο στην που θα "
	  "δεν ένα μια οι τον την στη στις στα ότι αλλά όπως" },
	{ "ar", S_ARABIC,
	  "في من على إلى أن عن مع هذا هذه التي الذي كان قد لا ما و ثم أو "
	  "بين بعد كما عند حتى وقد وفي" },
	{ "hy", S_ARMENIAN,
	  "և է որ են այդ այս մի ու իր նա չի էր համար հետ մեջ բայց կամ թե "
	  "նաև" },
	{ "yi", S_HEBREW,
	  "און דער די דאָס דאס איז אַ א ער זי מיט פֿון פון אויף נישט ניט צו "
	  "אין ווי האָט האט זיך אויך וואָס וואס" },
	{ "hi", S_DEVANAGARI,
	  "और का के की है में से को पर यह था थे ने भी कि एक हैं तो ही लिए "
	  "साथ गया कर इस वह नहीं" },
	{ "ne", S_DEVANAGARI,
	  "र को का की छ मा ले पनि यो त्यो गरेको भएको हो थियो भने गर्न लागि "
	  "छन् नै तर एक उनले" },
	{ "ta", S_TAMIL,
	  "மற்றும் ஒரு இந்த அந்த என்று இது அது உள்ள என்ற போது பின்னர் "
	  "மேலும் ஆனால் இருந்து" },
};

#define NLISTS (sizeof(lists) / sizeof(lists[0]))
#define TABLE 4096 /* a power of two, well above the number of words */
#define MAX_WORD 48
#define MAX_WORDS 2000

struct slot {
	const char *w; /* into lists[].words; NULL: empty */
	unsigned char len;
	uint32_t mask; /* bit i: in lists[i] */
};

static struct slot table[TABLE];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static uint32_t hash(const char *s, size_t n)
{
	return (uint32_t)newsidx_hash64(s, n);
}

static struct slot *find(const char *w, size_t n, int insert)
{
	uint32_t h = hash(w, n) & (TABLE - 1);

	while (table[h].w) {
		if (table[h].len == n && memcmp(table[h].w, w, n) == 0)
			return &table[h];
		h = (h + 1) & (TABLE - 1);
	}
	if (!insert)
		return NULL;
	table[h].w = w;
	table[h].len = (unsigned char)n;
	return &table[h];
}

static void build(void)
{
	size_t i;

	for (i = 0; i < NLISTS; i++) {
		const char *p = lists[i].words;

		while (*p) {
			size_t n = strcspn(p, " ");

			if (n)
				find(p, n, 1)->mask |= (uint32_t)1 << i;
			p += n;
			while (*p == ' ')
				p++;
		}
	}
}

static enum script script_of(utf8proc_int32_t c)
{
	if (c < 0x250)
		return S_LATIN;
	if (c >= 0x370 && c < 0x400)
		return S_GREEK;
	if (c >= 0x400 && c < 0x530)
		return S_CYRILLIC;
	if (c >= 0x530 && c < 0x590)
		return S_ARMENIAN;
	if (c >= 0x590 && c < 0x600)
		return S_HEBREW;
	if ((c >= 0x600 && c < 0x700) || (c >= 0x750 && c < 0x780) ||
	    (c >= 0xfb50 && c < 0xfe00) || (c >= 0xfe70 && c < 0xff00))
		return S_ARABIC;
	if (c >= 0x900 && c < 0x980)
		return S_DEVANAGARI;
	if (c >= 0xb80 && c < 0xc00)
		return S_TAMIL;
	if (c >= 0x1e00 && c < 0x1f00)
		return S_LATIN;
	if (c >= 0x1f00 && c < 0x2000)
		return S_GREEK;
	return S_OTHER;
}

/* Letters that tell neighbours of the big languages apart. */
struct signs {
	unsigned persian;   /* Arabic script: Persian and Urdu letters */
	unsigned serbian;   /* Cyrillic: ђ ј љ њ ћ џ */
	unsigned russian;   /* Cyrillic: ы э (Russian, Belarusian) */
	unsigned ukrainian; /* Cyrillic: і ї є ґ ў */
	unsigned hard_sign; /* Cyrillic: ъ (Russian rarely, Bulgarian often) */
	unsigned macedonian; /* Cyrillic: ѓ ќ ѕ */
	unsigned yiddish;   /* Hebrew script: װ ױ ײ */
};

static void note_sign(struct signs *g, utf8proc_int32_t c)
{
	switch (c) {
	case 0x067e: case 0x0686: case 0x0698: case 0x06af: case 0x06a9:
	case 0x06cc: case 0x06d2: case 0x06ba: case 0x06c1: case 0x0679:
	case 0x0688: case 0x0691:
		g->persian++;
		break;
	case 0x0452: case 0x0458: case 0x0459: case 0x045a: case 0x045b:
	case 0x045f:
		g->serbian++;
		break;
	case 0x044b: case 0x044d:
		g->russian++;
		break;
	case 0x0456: case 0x0457: case 0x0454: case 0x0491: case 0x045e:
		g->ukrainian++;
		break;
	case 0x044a:
		g->hard_sign++;
		break;
	case 0x0453: case 0x045c: case 0x0455:
		g->macedonian++;
		break;
	case 0x05f0: case 0x05f1: case 0x05f2:
		g->yiddish++;
		break;
	default:
		break;
	}
}

/* The list of script sc with the best score, or -1; second best in
 * *second (0 when none). */
static int best_of(enum script sc, const double *score, double *second)
{
	int best = -1;
	size_t i;

	*second = 0;
	for (i = 0; i < NLISTS; i++) {
		if (lists[i].script != sc)
			continue;
		if (best < 0 || score[i] > score[best]) {
			if (best >= 0 && score[best] > *second)
				*second = score[best];
			best = (int)i;
		} else if (score[i] > *second) {
			*second = score[i];
		}
	}
	return best;
}

/* What a text's words and letters say, gathered in one pass. */
struct tally {
	double score[NLISTS];     /* function words, a shared one split */
	unsigned hits[NLISTS];    /* function words met */
	unsigned distinct[NLISTS]; /* different function words met */
	const struct slot *seen[96];
	size_t nseen;
	unsigned long letters[S_COUNT], total;
	struct signs g;
	size_t words;
};

/* Count one lower-cased word against the function-word lists. */
static void note_word(struct tally *t, const char *word, size_t wl)
{
	const struct slot *s = find(word, wl, 0);
	unsigned bits = 0, b;
	uint32_t m;
	size_t q;
	int fresh = 1;

	t->words++;
	if (!s)
		return;
	for (q = 0; q < t->nseen; q++)
		if (t->seen[q] == s)
			fresh = 0;
	if (fresh && t->nseen < sizeof(t->seen) / sizeof(t->seen[0]))
		t->seen[t->nseen++] = s;
	for (m = s->mask; m; m &= m - 1)
		bits++;
	for (b = 0; b < NLISTS; b++)
		if (s->mask & ((uint32_t)1 << b)) {
			t->score[b] += 1.0 / bits;
			t->hits[b]++;
			t->distinct[b] += (unsigned)fresh;
		}
}

/* Read up to MAX_WORDS words of text into t: letters per script, signs,
 * and function words. */
static void tally_text(struct tally *t, const char *text, size_t len)
{
	char word[MAX_WORD + 8];
	size_t wl = 0, i = 0;
	int toolong = 0, glued = 0;
	unsigned letters_in_word = 0;

	while (i <= len && t->words < MAX_WORDS) {
		utf8proc_int32_t c = ' ';
		utf8proc_ssize_t k = 1;
		int cat = UTF8PROC_CATEGORY_ZS;

		if (i < len && (unsigned char)text[i] < 0x80) {
			/* ASCII, most of the text of most languages written
			 * in Latin letters: what utf8proc would say, without
			 * asking it. */
			unsigned char ch = (unsigned char)text[i];

			c = ch;
			if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') {
				i++;
				t->letters[S_LATIN]++;
				t->total++;
				letters_in_word++;
				if (wl + 1 > MAX_WORD)
					toolong = 1;
				else
					word[wl++] = (char)(ch | 0x20);
				continue;
			}
			cat = ch >= '0' && ch <= '9' ? UTF8PROC_CATEGORY_ND
						     : UTF8PROC_CATEGORY_PO;
		} else if (i < len) {
			k = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
					     (utf8proc_ssize_t)(len - i), &c);
			if (k <= 0) {
				k = 1;
				c = ' ';
			}
			cat = utf8proc_category(c);
		}
		i += (size_t)k;
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) {
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t m;

			if (cat <= UTF8PROC_CATEGORY_LO) {
				t->letters[script_of(c)]++;
				t->total++;
				note_sign(&t->g, c);
			}
			if (cat <= UTF8PROC_CATEGORY_LO)
				letters_in_word++;
			c = utf8proc_tolower(c);
			m = utf8proc_encode_char(c, enc);
			if (wl + (size_t)m > MAX_WORD)
				toolong = 1;
			else {
				memcpy(word + wl, enc, (size_t)m);
				wl += (size_t)m;
			}
			continue;
		}
		/* A lone letter before a full stop is an initial or part
		 * of an abbreviation ("U.S.", "S. Jaishankar"), not the
		 * function word it may look like. */
		if (wl && !toolong && !(c == '.' && letters_in_word == 1) &&
		    !glued && !(cat == UTF8PROC_CATEGORY_ND))
			note_word(t, word, wl);
		wl = 0;
		toolong = 0;
		letters_in_word = 0;
		/* Letters glued to digits ("6698B", "JUN7") are codes. */
		glued = cat == UTF8PROC_CATEGORY_ND;
	}
}

/* The language the tally shows, or NULL when it is not clear. */
static const char *verdict(const struct tally *t)
{
	int best, sc;
	double second;

	if (t->total < 10)
		return NULL;
	for (sc = 0, best = 0; sc < S_COUNT; sc++)
		if (t->letters[sc] > t->letters[best])
			best = sc;
	sc = best;
	if (t->letters[sc] * 2 < t->total)
		return NULL;
	switch (sc) {
	case S_GREEK:
		return "el";
	case S_ARMENIAN:
		return "hy";
	case S_TAMIL:
		return "ta";
	case S_ARABIC:
		return t->g.persian >= 3 ? NULL : "ar";
	case S_HEBREW:
		best = best_of(S_HEBREW, t->score, &second);
		return t->g.yiddish >= 2 || t->hits[best] >= 2 ? "yi" : NULL;
	case S_CYRILLIC:
		if (t->g.ukrainian >= 2 || t->g.macedonian >= 2)
			return NULL;
		if (t->g.serbian >= 2 && t->g.russian == 0)
			return "sr";
		if (t->g.russian >= 1 && t->g.serbian == 0)
			return "ru";
		if (t->g.hard_sign >= 2)
			return NULL; /* Bulgarian */
		break;
	case S_DEVANAGARI:
	case S_LATIN:
		break;
	default:
		return NULL;
	}
	best = best_of((enum script)sc, t->score, &second);
	/* Three different function words at least: one word repeated
	 * ("per" in a price table) proves nothing. */
	if (best < 0 || t->hits[best] < 3 || t->distinct[best] < 3 ||
	    t->score[best] < 2)
		return NULL;
	/* Function words make up a third or more of running text; a text
	 * where they are rare is a table, a list or another language. */
	if (t->words >= 20 && t->hits[best] * 12 < t->words)
		return NULL;
	/* A clear lead: the words of close neighbours (Danish and
	 * Norwegian) are mostly shared, so what decides is the weight of
	 * the words only the best language has. */
	if (t->score[best] - second < 1.5 || t->score[best] < second * 1.1)
		return NULL;
	return lists[best].code;
}

const char *newsidx_lang__detect(const char *text, size_t len)
{
	struct tally t;

	if (!text || !len)
		return NULL;
	pthread_once(&table_once, build);
	memset(&t, 0, sizeof(t));
	tally_text(&t, text, len);
	return verdict(&t);
}

/* ------------------------------------------------------------------ */
/* declared languages                                                  */
/* ------------------------------------------------------------------ */

static const struct {
	const char *code, *alpha3a, *alpha3b, *name;
} names[] = {
	{ "ar", "ara", "ara", "arabic" },     { "ca", "cat", "cat", "catalan" },
	{ "da", "dan", "dan", "danish" },     { "de", "deu", "ger", "german" },
	{ "el", "ell", "gre", "greek" },      { "en", "eng", "eng", "english" },
	{ "es", "spa", "spa", "spanish" },    { "eu", "eus", "baq", "basque" },
	{ "fi", "fin", "fin", "finnish" },    { "fr", "fra", "fre", "french" },
	{ "ga", "gle", "gle", "irish" },      { "hi", "hin", "hin", "hindi" },
	{ "hu", "hun", "hun", "hungarian" },  { "hy", "hye", "arm", "armenian" },
	{ "id", "ind", "ind", "indonesian" }, { "it", "ita", "ita", "italian" },
	{ "lt", "lit", "lit", "lithuanian" }, { "ne", "nep", "nep", "nepali" },
	{ "nl", "nld", "dut", "dutch" },      { "no", "nor", "nob", "norwegian" },
	{ "pt", "por", "por", "portuguese" }, { "ro", "ron", "rum", "romanian" },
	{ "ru", "rus", "rus", "russian" },    { "sr", "srp", "srp", "serbian" },
	{ "sv", "swe", "swe", "swedish" },    { "ta", "tam", "tam", "tamil" },
	{ "tr", "tur", "tur", "turkish" },    { "yi", "yid", "yid", "yiddish" },
	{ "ja", "jpn", "jpn", "japanese" },   { "zh", "zho", "chi", "chinese" },
	{ "ko", "kor", "kor", "korean" },     { "pl", "pol", "pol", "polish" },
	{ "cs", "ces", "cze", "czech" },      { "uk", "ukr", "ukr", "ukrainian" },
	{ "he", "heb", "heb", "hebrew" },     { "fa", "fas", "per", "persian" },
	{ "ur", "urd", "urd", "urdu" },       { "bn", "ben", "ben", "bengali" },
	{ "vi", "vie", "vie", "vietnamese" }, { "th", "tha", "tha", "thai" },
};

int newsidx_lang__normalize(const char *tag, char out[8])
{
	char buf[24];
	size_t n = 0, i;

	if (!tag)
		return 0;
	while (*tag == ' ' || *tag == '\t')
		tag++;
	for (; tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != ' ' &&
	       tag[n] != ';' && tag[n] != ',';
	     n++) {
		char c = tag[n];

		if (n + 1 >= sizeof(buf))
			return 0;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c < 'a' || c > 'z')
			return 0;
		buf[n] = c;
	}
	buf[n] = '\0';
	if (n < 2)
		return 0;
	if (strcmp(buf, "nb") == 0 || strcmp(buf, "nn") == 0) {
		snprintf(out, 8, "no");
		return 1;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((n == 3 && (strcmp(buf, names[i].alpha3a) == 0 ||
				strcmp(buf, names[i].alpha3b) == 0)) ||
		    strcmp(buf, names[i].name) == 0) {
			snprintf(out, 8, "%s", names[i].code);
			return 1;
		}
	}
	if (n == 2) {
		memcpy(out, buf, 3);
		return 1;
	}
	return 0;
}
