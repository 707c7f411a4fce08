/*
 * test_meta.c: unit tests of lib/meta.c (dates, datelines, place names,
 * white space, Windows-1252 bytes, hosts, the last step before indexing)
 * and lib/lang.c (declared language tags and the language detector).
 *
 * Tables run as Check loop tests, one row per iteration, so a failure
 * names the row.  The detector's samples are news sentences written for
 * this test, one per language libstemmer stems, plus texts it must leave
 * undecided (Hebrew, Ukrainian, Persian, Japanese, Polish, a headline, a
 * price table).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyzer.h"
#include "ingest/parsers.h"
#include "util/util.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ------------------------------------------------------------------ */
/* dates                                                               */
/* ------------------------------------------------------------------ */

static const struct date_case {
	const char *in;
	const char *utc; /* NULL: refused */
	int tz;
	int has_time;
} date_cases[] = {
	/* ISO 8601 goes through newsidx_ingest__date */
	{ "2024-03-07T10:30:00+05:30", "20240307050000", 330, 1 },
	{ "2024-03-07", "20240307000000", 0, 0 },
	/* RFC 822 and RFC 1123 */
	{ "Thu, 07 Mar 2024 10:30:00 GMT", "20240307103000", 0, 1 },
	{ "Thu, 07 Mar 2024 10:30:00 +0530", "20240307050000", 330, 1 },
	{ "Thu, 7 Mar 2024 10:30:00 -0800", "20240307183000", -480, 1 },
	{ "Thu, 07 Mar 2024 10:30:00 +05:30", "20240307050000", 330, 1 },
	{ "07 Mar 2024 10:30 Z", "20240307103000", 0, 1 },
	{ "Fri, 08 Mar 2024 23:15:00 EST", "20240309041500", -300, 1 },
	{ "Fri, 08 Mar 2024 23:15:00 PDT", "20240309061500", -420, 1 },
	{ "Fri, 08 Mar 2024 23:15:00 CEST", "20240308211500", 120, 1 },
	{ "Fri, 08 Mar 2024 23:15:00 UT", "20240308231500", 0, 1 },
	/* unknown zones are read as UTC (RFC 5322, 4.3) */
	{ "Fri, 08 Mar 2024 23:15:00 XYZ", "20240308231500", 0, 1 },
	/* a comment after the zone */
	{ "Fri, 08 Mar 2024 23:15:00 -0500 (EST)", "20240309041500", -300,
	  1 },
	/* two-digit years, full month names, no day name, no time */
	{ "Sat, 9 Mar 24 08:00 GMT", "20240309080000", 0, 1 },
	{ "9 Mar 99 08:00 GMT", "19990309080000", 0, 1 },
	{ "9 March 2024", "20240309000000", 0, 0 },
	{ "Monday, 2 September 2024 07:00:00 +0000", "20240902070000", 0,
	  1 },
	{ "2 Sept 2024", "20240902000000", 0, 0 },
	{ "  Thu, 29 Feb 2024 23:59:59 -0100  ", "20240301005959", -60, 1 },
	/* refused */
	{ "", NULL, 0, 0 },
	{ "Thu, 30 Feb 2024 10:00:00 GMT", NULL, 0, 0 },
	{ "Thu, 07 Foo 2024 10:00:00 GMT", NULL, 0, 0 },
	{ "Thu, 07 Mar 202 10:00:00 GMT", NULL, 0, 0 },
	{ "Thu, 07 Mar 2024 25:00:00 GMT", NULL, 0, 0 },
	{ "Thu, 07 Mar 2024 10:00:00 +2500", NULL, 0, 0 },
	{ "Thu, 07 Mar 2024 10:00:00 +05", NULL, 0, 0 },
	{ "Thu, 07 Mar 2024 10:0", NULL, 0, 0 },
	{ "Thu, 07 Mar 2024 10:00:00 GMT trailing", NULL, 0, 0 },
	{ "Thu, 07 Mar 2024 10:00:00 (unclosed", NULL, 0, 0 },
	{ "yesterday", NULL, 0, 0 },
	{ "1709807400", NULL, 0, 0 },
	{ "07/03/2024", NULL, 0, 0 },
	{ "123 Mar 2024", NULL, 0, 0 },
};

START_TEST(test_date)
{
	const struct date_case *c = &date_cases[_i];
	char out[16];
	int tz = 999, t = 999, ok;

	ok = newsidx_meta__date(c->in, out, &tz, &t);
	if (!c->utc) {
		ck_assert_msg(!ok, "'%s' accepted as %s", c->in, out);
		return;
	}
	ck_assert_msg(ok, "'%s' refused", c->in);
	ck_assert_str_eq(out, c->utc);
	ck_assert_int_eq(tz, c->tz);
	ck_assert_int_eq(t, c->has_time);
}
END_TEST

START_TEST(test_date_null)
{
	char out[16];
	int tz, t;

	ck_assert(!newsidx_meta__date(NULL, out, &tz, &t));
}
END_TEST

/* ------------------------------------------------------------------ */
/* datelines                                                           */
/* ------------------------------------------------------------------ */

static const struct dateline_case {
	const char *text;
	const char *place; /* NULL: none */
} dateline_cases[] = {
	/* wire style: place, date, agency, dash */
	{ "TOKYO, March 7 (Reuters) - Japan said", "Tokyo" },
	{ "  NEW YORK, Feb 26 - Shares rose", "New York" },
	{ "RIO DE JANEIRO, March 25 - Coffee", "Rio de Janeiro" },
	{ "WASHINGTON, Sept. 18, 2024 (AP) -- The Senate", "Washington" },
	{ "PORTLAND, Ore., Feb 26 - A utility", "Portland, Ore." },
	{ "KUMAMOTO, Japan, Feb 24 (Asia Wire) \xe2\x80\x94 Taiwan's",
	  "Kumamoto, Japan" },
	{ "SAINT-DENIS, France, Oct 28 (Global Desk) - South Africa",
	  "Saint-Denis, France" },
	{ "Tokyo, March 7 (Reuters) - Japan said", "Tokyo" },
	{ "Z\xc3\x9cRICH, May 2 - Banks", "Z\xc3\xbcrich" },
	/* place and agency */
	{ "WASHINGTON (AP) \xe2\x80\x94 The House voted", "Washington" },
	{ "NEW DELHI (Reuters) - India said", "New Delhi" },
	/* place and a dash, then a sentence */
	{ "LONDON \xe2\x80\x94 Britain's Labour Party won", "London" },
	{ "BAGHDAD -- Officials said", "Baghdad" },
	/* place and a colon */
	{ "New Delhi: India and Japan agreed", "New Delhi" },
	{ "NEW DELHI: India and Japan agreed", "New Delhi" },
	{ "Port of Spain: Rain fell", "Port of Spain" },
	{ "Mumbai: 5,000 people gathered", "Mumbai" },
	/* no place */
	{ "The council met on Monday. It voted.", NULL },
	{ "India and Japan on Thursday agreed on new steps.", NULL },
	{ "Update: the road is open again.", NULL },
	{ "UPDATE: The road is open again.", NULL },
	{ "Analysis: Why the yen fell", NULL },
	{ "Breaking News: A storm hit the coast", NULL },
	{ "Result: Nadal 6-7 (6/8) 6-2", NULL },
	{ "Mr Smith: I never said that", NULL },
	{ "The president (right) - who spoke first - said", NULL },
	{ "HARBOUR TIN STOCKS - APR 7", NULL },
	{ "UN - The assembly met", NULL },
	{ "In Tokyo, March 7 - something", NULL },
	{ "Tokyo, a city of millions, woke up", NULL },
	{ "Tokyo: it rained", NULL },
	{ "Tokyo:Rain", NULL },
	{ "Apple (AAPL) shares rose", NULL },
	{ "A very long sentence that has far too many words before its "
	  "colon to be any place at all: Yes",
	  NULL },
	{ "", NULL },
	{ "TOKYO", NULL },
	{ "TOKYO, March (Reuters) - no day", NULL },
	{ "Tokyo 2024, March 7 - digits", NULL },
};

START_TEST(test_dateline)
{
	const struct dateline_case *c = &dateline_cases[_i];
	char *p = newsidx_meta__dateline(c->text, strlen(c->text));

	ck_assert_pstr_eq(p, c->place);
	free(p);
}
END_TEST

static const struct case_case {
	const char *in, *out;
} place_case_cases[] = {
	{ "NEW YORK", "New York" },
	{ "new york", "New York" },
	{ "New York", "New York" },
	{ "RIO DE JANEIRO", "Rio de Janeiro" },
	{ "DE AAR", "De Aar" },
	{ "WINSTON-SALEM", "Winston-Salem" },
	{ "O'HARE", "O'Hare" },
	{ "ST. JOHN'S", "St. John's" },
	{ "\xc5\x81\xc3\x93" "D\xc5\xb9", "\xc5\x81\xc3\xb3" "d\xc5\xba" },
	{ "MacKenzie", "MacKenzie" },
	{ "", "" },
};

START_TEST(test_place_case)
{
	const struct case_case *c = &place_case_cases[_i];
	char *p = newsidx_meta__place_case(c->in, strlen(c->in));

	ck_assert_str_eq(p, c->out);
	free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* strings                                                             */
/* ------------------------------------------------------------------ */

START_TEST(test_clean)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "  a  b\t\nc  ", "a b c" },
		{ "a\xc2\xa0\xc2\xa0" "b", "a b" },
		{ "x", "x" },
		{ " \n\t ", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		char *s = newsidx_meta__clean(cases[i].in,
					      strlen(cases[i].in));

		ck_assert_pstr_eq(s, cases[i].out);
		free(s);
	}
	ck_assert_ptr_null(newsidx_meta__clean(NULL, 0));
}
END_TEST

START_TEST(test_utf8)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "gr\xc3\xbc\xc3\x9f" "e", "gr\xc3\xbc\xc3\x9f" "e" },
		{ "Z\xfcrich", "Z\xc3\xbcrich" },
		{ "\xa3" "15.8m", "\xc2\xa3" "15.8m" },
		{ "\x80 \x93x\x94", "\xe2\x82\xac \xe2\x80\x9cx\xe2\x80\x9d" },
		{ "\x81", "\xef\xbf\xbd" },
		/* a cut sequence, an overlong form, a surrogate */
		{ "a\xe2\x82", "a\xc3\xa2\xe2\x80\x9a" },
		{ "\xc0\xaf", "\xc3\x80\xc2\xaf" },
		{ "\xed\xa0\x80", "\xc3\xad\xc2\xa0\xe2\x82\xac" },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		struct newsidx_buf b = { 0 };
		int rc = 0;

		newsidx_meta__utf8(cases[i].in, strlen(cases[i].in), &b, &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(b.data, cases[i].out);
		ck_assert(newsidx_utf8__valid(b.data, b.len, NULL));
		newsidx_buf__free(&b);
	}
}
END_TEST

START_TEST(test_host)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "https://www.Example.com/a/b", "example.com" },
		{ "http://user:pw@news.example.org:8080/x?y", "news.example.org" },
		{ "https://example.net", "example.net" },
		{ "https://www.", "www." },
		{ "example.com/no-scheme", NULL },
		{ "https:///path", NULL },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		char *h = newsidx_meta__host(cases[i].in);

		ck_assert_pstr_eq(h, cases[i].out);
		free(h);
	}
	ck_assert_ptr_null(newsidx_meta__host(NULL));
}
END_TEST

/* ------------------------------------------------------------------ */
/* languages                                                           */
/* ------------------------------------------------------------------ */

static const struct norm_case {
	const char *tag, *code; /* code NULL: not a language */
} norm_cases[] = {
	{ "en", "en" },	       { "EN", "en" },	       { "en-GB", "en" },
	{ "en_US", "en" },     { "pt-BR", "pt" },      { "English", "en" },
	{ "french", "fr" },    { "fre", "fr" },	       { "fra", "fr" },
	{ "deu", "de" },       { "ger", "de" },	       { "nb", "no" },
	{ "nn-NO", "no" },     { "Norwegian", "no" },  { "ja", "ja" },
	{ "zh-Hant", "zh" },   { " de ", "de" },       { "en, fr", "en" },
	{ "", NULL },	       { "e", NULL },	       { "12", NULL },
	{ "klingon", NULL },   { "x-pig-latin", NULL }, { "abc", NULL },
};

START_TEST(test_lang_normalize)
{
	const struct norm_case *c = &norm_cases[_i];
	char out[8];
	int ok = newsidx_lang__normalize(c->tag, out);

	if (!c->code) {
		ck_assert_msg(!ok, "'%s' read as %s", c->tag, out);
		return;
	}
	ck_assert_msg(ok, "'%s' refused", c->tag);
	ck_assert_str_eq(out, c->code);
}
END_TEST

static const struct {
	const char *want;
	const char *text;
} samples[] = {
{ "en", "The government said on Monday that it would raise the minimum wage from next year, after months of talks with unions and employers who had warned that the increase could cost jobs in the smaller towns of the north." },
{ "fr", "Le gouvernement a annoncé lundi qu'il allait augmenter le salaire minimum dès l'année prochaine, après des mois de discussions avec les syndicats et les employeurs, qui craignent que cette hausse ne coûte des emplois dans les petites villes du nord." },
{ "es", "El gobierno anunció el lunes que subirá el salario mínimo a partir del próximo año, después de meses de negociaciones con los sindicatos y los empresarios, que temen que el aumento cueste empleos en las pequeñas ciudades del norte." },
{ "pt", "O governo anunciou na segunda-feira que vai aumentar o salário mínimo a partir do próximo ano, depois de meses de negociações com os sindicatos e os empresários, que temem que o aumento custe empregos nas pequenas cidades do norte." },
{ "it", "Il governo ha annunciato lunedì che aumenterà il salario minimo a partire dal prossimo anno, dopo mesi di trattative con i sindacati e con gli imprenditori, che temono che l'aumento costi posti di lavoro nelle piccole città del nord." },
{ "ca", "El govern va anunciar dilluns que apujarà el salari mínim a partir de l'any vinent, després de mesos de negociacions amb els sindicats i les patronals, que temen que l'augment costi llocs de treball a les petites ciutats del nord." },
{ "de", "Die Regierung hat am Montag angekündigt, dass sie den Mindestlohn ab dem nächsten Jahr erhöhen wird, nachdem sie monatelang mit den Gewerkschaften und den Arbeitgebern verhandelt hatte, die befürchten, dass die Erhöhung in den kleineren Städten im Norden Arbeitsplätze kostet." },
{ "nl", "De regering heeft maandag aangekondigd dat zij het minimumloon vanaf volgend jaar zal verhogen, na maanden van overleg met de vakbonden en de werkgevers, die vrezen dat de verhoging banen zal kosten in de kleinere steden in het noorden." },
{ "da", "Regeringen meddelte mandag, at den vil hæve mindstelønnen fra næste år, efter flere måneders forhandlinger med fagforeningerne og arbejdsgiverne, som frygter, at stigningen vil koste job i de mindre byer i nord. Det er ikke noget, som vi har set før, sagde hun efter mødet." },
{ "no", "Regjeringen sa mandag at den vil heve minstelønnen fra neste år, etter flere måneders forhandlinger med fagforeningene og arbeidsgiverne, som frykter at økningen vil koste jobber i de mindre byene i nord. Det er ikke noe vi har sett før, sa hun etter møtet." },
{ "sv", "Regeringen meddelade på måndagen att den kommer att höja minimilönen från nästa år, efter flera månaders förhandlingar med fackförbunden och arbetsgivarna, som fruktar att höjningen kommer att kosta jobb i de mindre städerna i norr. Det är inte något vi har sett tidigare, sade hon efter mötet." },
{ "fi", "Hallitus ilmoitti maanantaina, että se nostaa vähimmäispalkkaa ensi vuodesta alkaen, kun neuvottelut ammattiliittojen ja työnantajien kanssa olivat kestäneet kuukausia. Työnantajat pelkäävät, että korotus vie työpaikkoja pohjoisen pienistä kaupungeista, mutta hallitus ei ole samaa mieltä." },
{ "hu", "A kormány hétfőn bejelentette, hogy jövőre emeli a minimálbért, miután hónapokig tárgyalt a szakszervezetekkel és a munkáltatókkal, akik attól tartanak, hogy az emelés munkahelyekbe kerül az északi kisvárosokban. A miniszter szerint ez nem lesz így." },
{ "ro", "Guvernul a anunțat luni că va majora salariul minim de anul viitor, după luni de negocieri cu sindicatele și cu patronatele, care se tem că această creștere va costa locuri de muncă în orașele mici din nordul țării." },
{ "tr", "Hükümet pazartesi günü asgari ücreti gelecek yıldan itibaren artıracağını açıkladı. Sendikalar ve işverenlerle aylarca süren görüşmelerin ardından gelen bu karar, kuzeydeki küçük şehirlerde iş kaybına yol açabileceği için eleştirildi, ancak bakan bunun doğru olmadığını ve yeni bir destek paketi için de çalıştıklarını söyledi." },
{ "id", "Pemerintah mengumumkan pada hari Senin bahwa upah minimum akan dinaikkan mulai tahun depan, setelah berbulan-bulan perundingan dengan serikat pekerja dan pengusaha yang khawatir kenaikan itu akan mengurangi lapangan kerja di kota-kota kecil di bagian utara." },
{ "ga", "Dúirt an rialtas Dé Luain go n-ardófar an t-íosphá ón mbliain seo chugainn, tar éis míonna cainte leis na ceardchumainn agus leis na fostóirí. Tá imní ar na fostóirí go gcaillfear poist sna bailte beaga ó thuaidh, ach ní aontaíonn an rialtas leis sin." },
{ "eu", "Gobernuak astelehenean iragarri du datorren urtetik aurrera gutxieneko soldata igoko duela, sindikatuekin eta enpresaburuekin hilabeteetan negoziatu ondoren. Enpresaburuek uste dute igoerak lanpostuak galduko dituela iparraldeko herri txikietan, baina gobernuak ez du hori onartzen eta beste neurri batzuk ere hartuko ditu." },
{ "lt", "Vyriausybė pirmadienį paskelbė, kad nuo kitų metų padidins minimalų atlyginimą, po kelis mėnesius trukusių derybų su profesinėmis sąjungomis ir darbdaviais. Darbdaviai baiminasi, kad tai gali kainuoti darbo vietų mažuose šiaurės miestuose, bet vyriausybė su tuo nesutinka ir sako, kad tai yra būtina." },
{ "sr", "Vlada je u ponedeljak saopštila da će od sledeće godine povećati minimalnu zaradu, posle višemesečnih pregovora sa sindikatima i poslodavcima, koji strahuju da bi povećanje moglo da košta radna mesta u manjim gradovima na severu. Ministar je rekao da to nije tačno." },
{ "sr", "Влада је у понедељак саопштила да ће од следеће године повећати минималну зараду, после вишемесечних преговора са синдикатима и послодавцима, који страхују да би повећање могло да кошта радна места у мањим градовима на северу." },
{ "ru", "Правительство объявило в понедельник, что с будущего года повысит минимальную заработную плату. Это решение было принято после нескольких месяцев переговоров с профсоюзами и работодателями, которые опасаются, что повышение может стоить рабочих мест в небольших городах на севере страны." },
{ "el", "Η κυβέρνηση ανακοίνωσε τη Δευτέρα ότι θα αυξήσει τον κατώτατο μισθό από το επόμενο έτος, μετά από μήνες διαπραγματεύσεων με τα συνδικάτα και τους εργοδότες, οι οποίοι φοβούνται ότι η αύξηση θα κοστίσει θέσεις εργασίας στις μικρές πόλεις του βορρά." },
{ "ar", "أعلنت الحكومة يوم الاثنين أنها سترفع الحد الأدنى للأجور اعتبارا من العام المقبل، بعد أشهر من المفاوضات مع النقابات وأصحاب العمل الذين يخشون أن تؤدي الزيادة إلى فقدان وظائف في المدن الصغيرة في الشمال." },
{ "hy", "Կառավարությունը երկուշաբթի հայտարարեց, որ հաջորդ տարվանից կբարձրացնի նվազագույն աշխատավարձը՝ արհմիությունների և գործատուների հետ ամիսներ տևած բանակցություններից հետո։" },
{ "hi", "सरकार ने सोमवार को घोषणा की कि वह अगले साल से न्यूनतम वेतन बढ़ाएगी। यह फैसला यूनियनों और नियोक्ताओं के साथ कई महीनों की बातचीत के बाद लिया गया है, जिन्हें डर है कि इस वृद्धि से उत्तर के छोटे शहरों में नौकरियां कम हो सकती हैं।" },
{ "ne", "सरकारले सोमबार आगामी वर्षदेखि न्यूनतम पारिश्रमिक बढाउने घोषणा गरेको छ। ट्रेड युनियन र रोजगारदातासँग धेरै महिनाको वार्तापछि यो निर्णय गरिएको हो। रोजगारदाताहरूले यसले उत्तरका साना सहरमा रोजगारी घटाउन सक्ने चिन्ता व्यक्त गरेका छन्।" },
{ "ta", "அரசு திங்கள்கிழமை அடுத்த ஆண்டு முதல் குறைந்தபட்ச ஊதியத்தை உயர்த்தப் போவதாக அறிவித்தது. தொழிற்சங்கங்கள் மற்றும் முதலாளிகளுடன் பல மாதங்கள் நடந்த பேச்சுவார்த்தைக்குப் பின்னர் இந்த முடிவு எடுக்கப்பட்டது." },
{ "yi", "די רעגירונג האָט מאָנטיק געמאָלדן אַז זי וועט העכערן דעם מינימום לוין פֿון קומענדיקן יאָר, נאָך חדשים לאַנגע פֿאַרהאַנדלונגען מיט די יוניאָנס און די אַרבעטגעבער, וואָס זאָרגן זיך אַז עס וועט קאָסטן דזשאַבס אין די קלענערע שטעט." },
{ NULL, "הממשלה הודיעה ביום שני כי תעלה את שכר המינימום החל מהשנה הבאה, לאחר חודשים של משא ומתן עם האיגודים והמעסיקים." },
{ NULL, "Уряд у понеділок оголосив, що з наступного року підвищить мінімальну заробітну плату після кількох місяців переговорів із профспілками та роботодавцями." },
{ NULL, "دولت روز دوشنبه اعلام کرد که حداقل دستمزد را از سال آینده افزایش می‌دهد و این تصمیم پس از ماه‌ها گفتگو گرفته شد." },
{ NULL, "政府は月曜日、来年から最低賃金を引き上げると発表した。労働組合や経営者との数か月にわたる協議の後の決定である。" },
{ NULL, "Bahia cocoa review" },
{ NULL, "NY COCOA OPG 7-APR\n OPEN P SETT\n MAY7 1922L 1925H 1934\n JUL7 1955L 1956H 1967\n SEP7 1980L 1982H 1989" },
{ NULL, "Rząd ogłosił w poniedziałek, że od przyszłego roku podniesie płacę minimalną, po wielu miesiącach rozmów ze związkami zawodowymi i pracodawcami." },
};

START_TEST(test_lang_detect)
{
	const char *got = newsidx_lang__detect(samples[_i].text,
					       strlen(samples[_i].text));

	ck_assert_pstr_eq(got, samples[_i].want);
}
END_TEST

START_TEST(test_lang_detect_edges)
{
	ck_assert_ptr_null(newsidx_lang__detect(NULL, 0));
	ck_assert_ptr_null(newsidx_lang__detect("", 0));
	/* invalid UTF-8 is read past, not trusted */
	ck_assert_pstr_eq(newsidx_lang__detect("the \xff of and \xfe to the "
					       "house in which it was",
					       41),
			  "en");
	/* initials are not function words */
	ck_assert_ptr_null(newsidx_lang__detect("U.S. A.B. C.D. E.F. I.O.",
						24));
}
END_TEST

/* ------------------------------------------------------------------ */
/* the last step                                                       */
/* ------------------------------------------------------------------ */

START_TEST(test_finish)
{
	static const char body[] =
		"TOKYO, March 7 (Reuters) - Japan and India agreed on "
		"Thursday that they would work together on the new railway, "
		"and the ministers said that it was a good day for both.";
	struct newsidx_article a;

	/* a place from the dateline, the language detected */
	memset(&a, 0, sizeof(a));
	a.title = newsidx_strdup("Talks");
	a.body = (char *)body;
	a.body_len = strlen(body);
	newsidx_meta__finish(&a);
	ck_assert_str_eq(a.place, "Tokyo");
	ck_assert_str_eq(a.lang, "en");
	a.body = NULL;
	newsidx_article__clear(&a);

	/* a declared place and language win, the language normalised */
	a.title = newsidx_strdup("Talks");
	a.place = newsidx_strdup("Osaka");
	a.lang = newsidx_strdup("fr-CA");
	a.body = (char *)body;
	a.body_len = strlen(body);
	newsidx_meta__finish(&a);
	ck_assert_str_eq(a.place, "Osaka");
	ck_assert_str_eq(a.lang, "fr");
	a.body = NULL;
	newsidx_article__clear(&a);

	/* a declared tag that is no language is dropped, then detected */
	a.title = newsidx_strdup("Talks");
	a.lang = newsidx_strdup("??");
	a.body = (char *)body;
	a.body_len = strlen(body);
	newsidx_meta__finish(&a);
	ck_assert_str_eq(a.lang, "en");
	a.body = NULL;
	newsidx_article__clear(&a);

	/* too little text: left undecided */
	a.title = newsidx_strdup("COCOA REVIEW");
	newsidx_meta__finish(&a);
	ck_assert_ptr_null(a.lang);
	ck_assert_ptr_null(a.place);
	newsidx_article__clear(&a);
}
END_TEST

static Suite *meta_suite(void)
{
	Suite *s = suite_create("meta");
	TCase *tc;

	tc = tcase_create("date");
	tcase_add_loop_test(tc, test_date, 0, (int)N_ELEMS(date_cases));
	tcase_add_test(tc, test_date_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("dateline");
	tcase_add_loop_test(tc, test_dateline, 0,
			    (int)N_ELEMS(dateline_cases));
	tcase_add_loop_test(tc, test_place_case, 0,
			    (int)N_ELEMS(place_case_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("strings");
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_host);
	suite_add_tcase(s, tc);

	tc = tcase_create("lang");
	tcase_add_loop_test(tc, test_lang_normalize, 0,
			    (int)N_ELEMS(norm_cases));
	tcase_add_loop_test(tc, test_lang_detect, 0, (int)N_ELEMS(samples));
	tcase_add_test(tc, test_lang_detect_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("finish");
	tcase_add_test(tc, test_finish);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(meta_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
