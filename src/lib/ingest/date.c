/*
 * date.c: the dates news comes with, read into one form.
 *
 * Responsible for ISO 8601 / RFC 3339 dates (JSON Lines, Atom, HTML,
 * WARC-Date, the plain-text lead) and RFC 822 / RFC 1123 / RFC 5322 dates
 * (RSS, e-mail-like headers, Reuters SGML), with numeric or named zones,
 * turned into "YYYYMMDDhhmmss" in UTC with the original offset kept
 * beside it.  Every date goes through newsidx_ingest__date() in the end,
 * so that the calendar arithmetic lives in one place.
 *
 * Everything here is pure and thread-safe.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/parsers.h"

/* ------------------------------------------------------------------ */
/* ISO 8601 and the calendar                                           */
/* ------------------------------------------------------------------ */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((long long)yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30,
				  31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : md[m - 1];
}

int newsidx_ingest__date(const char *s, char out[16], int *tz_minutes,
			 int *has_time)
{
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
	long long t;
	unsigned um, ud;
	int uy;

	while (newsidx_is_space((unsigned char)*s))
		s++;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return 0;
	s += 10;
	*has_time = 0;
	if ((*s == 'T' || *s == 't' || *s == ' ') && isdigit((unsigned char)s[1])) {
		if (!digits(s + 1, 2, &h) || s[3] != ':' ||
		    !digits(s + 4, 2, &mi))
			return 0;
		s += 6;
		if (*s == ':') {
			if (!digits(s + 1, 2, &se))
				return 0;
			s += 3;
			if (*s == '.' || *s == ',') {
				s++;
				while (isdigit((unsigned char)*s))
					s++;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return 0;
		if (se == 60)
			se = 59;
		*has_time = 1;
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			int oh, om = 0, sign = *s == '-' ? -1 : 1;

			if (!digits(s + 1, 2, &oh))
				return 0;
			s += 3;
			if (*s == ':')
				s++;
			if (isdigit((unsigned char)*s)) {
				if (!digits(s, 2, &om))
					return 0;
				s += 2;
			}
			if (oh > 18 || om > 59)
				return 0;
			off = sign * (oh * 60 + om);
		}
	}
	while (newsidx_is_space((unsigned char)*s))
		s++;
	if (*s)
		return 0;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se - off * 60;
	civil_from_days(t >= 0 ? t / 86400 : (t - 86399) / 86400, &uy, &um,
			&ud);
	t = ((t % 86400) + 86400) % 86400;
	if (uy < 0 || uy > 9999)
		return 0;
	{
		char tmp[64];

		snprintf(tmp, sizeof(tmp), "%04d%02u%02u%02d%02d%02d", uy, um,
			 ud, (int)(t / 3600), (int)(t / 60 % 60),
			 (int)(t % 60));
		memcpy(out, tmp, 15);
		out[14] = '\0';
	}
	*tz_minutes = off;
	return 1;
}

/* ------------------------------------------------------------------ */
/* RFC 822 and its descendants                                         */
/* ------------------------------------------------------------------ */

static const char *const month_names[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

int newsidx_date__month(const char *s, size_t *n)
{
	static const char *const full[12] = {
		"january", "february", "march",     "april",
		"may",     "june",     "july",      "august",
		"september", "october", "november", "december"
	};
	size_t k;
	int m;

	for (k = 0; isalpha((unsigned char)s[k]); k++)
		;
	if (k < 3)
		return 0;
	for (m = 0; m < 12; m++) {
		if (k == 3 && strncasecmp(s, month_names[m], 3) == 0)
			break;
		if (k == strlen(full[m]) && strncasecmp(s, full[m], k) == 0)
			break;
		if (m == 8 && k == 4 && strncasecmp(s, "sept", 4) == 0)
			break;
	}
	if (m == 12)
		return 0;
	*n = k;
	return m + 1;
}

/* Named zones of RFC 822 and a few that news feeds use.  Others are
 * read as UTC, as RFC 5322 section 4.3 says for unknown zones. */
static int zone_minutes(const char *z, size_t n, int *off)
{
	static const struct {
		const char *name;
		int minutes;
	} zones[] = {
		{ "UT", 0 },      { "UTC", 0 },     { "GMT", 0 },
		{ "Z", 0 },       { "EST", -300 },  { "EDT", -240 },
		{ "CST", -360 },  { "CDT", -300 },  { "MST", -420 },
		{ "MDT", -360 },  { "PST", -480 },  { "PDT", -420 },
		{ "WET", 0 },     { "WEST", 60 },   { "BST", 60 },
		{ "CET", 60 },    { "CEST", 120 },  { "EET", 120 },
		{ "EEST", 180 },  { "MSK", 180 },   { "JST", 540 },
		{ "KST", 540 },   { "HKT", 480 },   { "SGT", 480 },
		{ "AEST", 600 },  { "AEDT", 660 },  { "NZST", 720 },
		{ "NZDT", 780 },
	};
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strlen(zones[i].name) == n &&
		    strncasecmp(z, zones[i].name, n) == 0) {
			*off = zones[i].minutes;
			return 1;
		}
	*off = 0;
	return 0;
}

/*
 * RFC 822 / RFC 1123 / RFC 5322: "[Day,] DD Mon YYYY [HH:MM[:SS]] [zone]"
 * with a two-digit year read as 19xx or 20xx (RFC 5322's rule).  The
 * result goes through newsidx_ingest__date so that the calendar
 * arithmetic lives in one place.
 */
static int rfc822_date(const char *s, char out[16], int *tz, int *has_time)
{
	int day = 0, year = 0, h = -1, mi = 0, se = 0, off = 0, mon, nd = 0;
	size_t n;
	char iso[48];

	while (newsidx_is_space((unsigned char)*s))
		s++;
	/* An optional day name and comma. */
	if (isalpha((unsigned char)*s)) {
		const char *p = s;

		while (isalpha((unsigned char)*p))
			p++;
		if (*p == ',' || (*p == ' ' && p - s >= 3 &&
				  isdigit((unsigned char)p[1]))) {
			s = p + (*p == ',');
			while (newsidx_is_space((unsigned char)*s))
				s++;
		}
	}
	while (isdigit((unsigned char)*s) && nd < 2) {
		day = day * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0 || isdigit((unsigned char)*s))
		return 0;
	while (*s == ' ' || *s == '-')
		s++;
	mon = newsidx_date__month(s, &n);
	if (!mon)
		return 0;
	s += n;
	if (*s == '.')
		s++;
	while (*s == ' ' || *s == '-')
		s++;
	for (nd = 0; isdigit((unsigned char)*s) && nd < 5; nd++)
		year = year * 10 + (*s++ - '0');
	if (nd == 2)
		year += year < 50 ? 2000 : 1900;
	else if (nd != 4)
		return 0;
	while (newsidx_is_space((unsigned char)*s))
		s++;
	if (isdigit((unsigned char)*s)) {
		if (!isdigit((unsigned char)s[1]) || s[2] != ':' ||
		    !isdigit((unsigned char)s[3]) ||
		    !isdigit((unsigned char)s[4]))
			return 0;
		h = (s[0] - '0') * 10 + (s[1] - '0');
		mi = (s[3] - '0') * 10 + (s[4] - '0');
		s += 5;
		if (*s == ':') {
			if (!isdigit((unsigned char)s[1]) ||
			    !isdigit((unsigned char)s[2]))
				return 0;
			se = (s[1] - '0') * 10 + (s[2] - '0');
			s += 3;
		}
		while (newsidx_is_space((unsigned char)*s))
			s++;
		if (*s == '+' || *s == '-') {
			int sign = *s == '-' ? -1 : 1, oh, om;

			if (!isdigit((unsigned char)s[1]) ||
			    !isdigit((unsigned char)s[2]))
				return 0;
			oh = (s[1] - '0') * 10 + (s[2] - '0');
			s += 3;
			if (*s == ':')
				s++;
			if (!isdigit((unsigned char)s[0]) ||
			    !isdigit((unsigned char)s[1]))
				return 0;
			om = (s[0] - '0') * 10 + (s[1] - '0');
			s += 2;
			if (oh > 18 || om > 59)
				return 0;
			off = sign * (oh * 60 + om);
		} else if (isalpha((unsigned char)*s)) {
			const char *z = s;

			while (isalpha((unsigned char)*s))
				s++;
			zone_minutes(z, (size_t)(s - z), &off);
		}
		/* A comment such as "(EST)" may follow. */
		while (newsidx_is_space((unsigned char)*s))
			s++;
		if (*s == '(') {
			const char *e = strchr(s, ')');

			if (!e)
				return 0;
			s = e + 1;
		}
	}
	while (newsidx_is_space((unsigned char)*s))
		s++;
	if (*s)
		return 0;
	if (h < 0)
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", year, mon, day);
	else
		snprintf(iso, sizeof(iso),
			 "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, mon,
			 day, h, mi, se, off < 0 ? '-' : '+', abs(off) / 60,
			 abs(off) % 60);
	return newsidx_ingest__date(iso, out, tz, has_time);
}

int newsidx_meta__date(const char *s, char out[16], int *tz_minutes,
		       int *has_time)
{
	if (!s)
		return 0;
	if (newsidx_ingest__date(s, out, tz_minutes, has_time))
		return 1;
	return rfc822_date(s, out, tz_minutes, has_time);
}
