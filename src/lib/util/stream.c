/*
 * stream.c: a buffered byte stream over a file or a memory buffer that
 * decompresses gzip on the way.
 *
 * Responsible for reading an input in chunks into one growing buffer, so
 * that a reader can look as far ahead as it needs (a whole file, a line,
 * a WARC record) and then move past what it used.  gzip is recognised by
 * its magic bytes, never by a file name, and gzip members that follow
 * one another (as in .warc.gz) read as one stream.  A truncated or
 * corrupt gzip stream does not lose what came before the fault: those
 * bytes are delivered first, and the fault is kept, one line of text,
 * for the reader to report where it meets it.
 *
 * Not responsible for what the bytes mean: recognising formats and
 * reporting bad input belong to ingest/.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "util/util.h"

#define CHUNK NEWSIDX_STREAM_CHUNK

struct newsidx_stream {
	gzFile gz;
	const unsigned char *mem;
	size_t memlen, mempos;
	z_stream z;
	int zinit;
	int zdone;  /* the last gzip member ended */
	int zfault; /* truncated or corrupt; err says which */
	unsigned char *buf;
	size_t cap, start, end;
	unsigned long long offset; /* stream offset of buf[start] */
	int eof;
	char err[160]; /* set when the stream broke (truncated gzip) */
};

/*
 * Read more decompressed bytes from memory, following gzip members.  A
 * fault is reported only once the bytes before it have been returned, so
 * that every complete record ahead of a truncation is kept.
 */
static long mem_read(struct newsidx_stream *s, unsigned char *dst, size_t n)
{
	size_t got;
	int ret;

	if (!s->zinit) {
		size_t k = s->memlen - s->mempos;

		if (k > n)
			k = n;
		memcpy(dst, s->mem + s->mempos, k);
		s->mempos += k;
		return (long)k;
	}
	if (s->zdone)
		return 0;
	s->z.next_out = dst;
	s->z.avail_out = (uInt)n;
	while (!s->zfault && s->z.avail_out > 0) {
		ret = inflate(&s->z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			/* Another member may follow, as in .warc.gz;
			 * anything else after the end is ignored. */
			if (s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f &&
			    s->z.next_in[1] == 0x8b) {
				inflateReset(&s->z);
				continue;
			}
			s->zdone = 1;
			break;
		}
		if ((ret == Z_OK || ret == Z_BUF_ERROR) && s->z.avail_in == 0 &&
		    s->z.avail_out > 0) {
			s->zfault = 1;
			snprintf(s->err, sizeof(s->err),
				 "truncated gzip data: unexpected end of "
				 "input");
		} else if (ret != Z_OK) {
			s->zfault = 1;
			snprintf(s->err, sizeof(s->err),
				 "corrupt gzip data: %s",
				 s->z.msg ? s->z.msg : "inflate failed");
		}
	}
	got = n - s->z.avail_out;
	if (got == 0 && s->zfault)
		return -1;
	return (long)got;
}

/* Read up to CHUNK bytes from the file; -1 with s->err set when zlib
 * found the data truncated or corrupt (the bytes it did return are kept
 * in the buffer). */
static long file_read(struct newsidx_stream *s)
{
	int n = gzread(s->gz, s->buf + s->end, CHUNK);
	int zerr;
	const char *msg = gzerror(s->gz, &zerr);

	if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
		if (n > 0)
			s->end += (size_t)n;
		/* zlib prefixes "<fd:N>: ", which names nothing useful;
		 * the caller names the file. */
		if (msg && strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": "))
			msg = strstr(msg, ": ") + 2;
		snprintf(s->err, sizeof(s->err), "%s%s",
			 zerr == Z_BUF_ERROR ? "truncated gzip data: "
					     : "corrupt gzip data: ",
			 msg ? msg : "read error");
		return -1;
	}
	return n;
}

/* Room for CHUNK more bytes after the buffered ones.  When there is not
 * enough, the bytes already consumed are dropped first, and the buffer
 * doubles only if that did not make room.  0, or -1 when out of memory. */
static int make_room(struct newsidx_stream *s)
{
	if (s->end + CHUNK <= s->cap)
		return 0;
	if (s->start > 0) {
		size_t keep = s->end - s->start;

		memmove(s->buf, s->buf + s->start, keep);
		s->offset += s->start;
		s->start = 0;
		s->end = keep;
	}
	return newsidx_array__reserve(&s->buf, &s->cap, s->end + CHUNK, 1,
				      2 * CHUNK);
}

long newsidx_stream__fill(struct newsidx_stream *s, size_t want)
{
	long got;

	if (s->eof && s->err[0])
		return -1; /* the fault stays visible to every caller */
	while (s->end - s->start < want && !s->eof) {
		if (s->start > 0 && s->start == s->end) {
			s->offset += s->start;
			s->start = s->end = 0;
		}
		if (make_room(s))
			return -2;
		got =
		    s->gz ? file_read(s) : mem_read(s, s->buf + s->end, CHUNK);
		if (got < 0) {
			s->eof = 1;
			return -1;
		}
		if (got == 0)
			s->eof = 1;
		s->end += (size_t)got;
	}
	return (long)(s->end - s->start);
}

int newsidx_stream__open(struct newsidx_stream **out, const char *path,
			 const void *data, size_t len, char *why, size_t whylen)
{
	struct newsidx_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (path) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			snprintf(why, whylen, "%s", strerror(errno));
			free(s);
			return -1;
		}
		s->gz = gzdopen(fd, "rb");
		if (!s->gz) {
			close(fd);
			free(s);
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		gzbuffer(s->gz, CHUNK);
		*out = s;
		return 0;
	}
	s->mem = data;
	s->memlen = len;
	if (len >= 2 && s->mem[0] == 0x1f && s->mem[1] == 0x8b) {
		if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
			free(s);
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		s->zinit = 1;
		s->z.next_in = (Bytef *)s->mem;
		s->z.avail_in = (uInt)len;
		s->mempos = 0;
	}
	*out = s;
	return 0;
}

void newsidx_stream__free(struct newsidx_stream *s)
{
	if (!s)
		return;
	if (s->gz)
		gzclose(s->gz);
	if (s->zinit)
		inflateEnd(&s->z);
	free(s->buf);
	free(s);
}

long newsidx_stream__peek(struct newsidx_stream *s, size_t want,
			  const char **data)
{
	long got = newsidx_stream__fill(s, want);

	if (got == -2)
		return -1;
	*data = (const char *)s->buf + s->start;
	got = (long)(s->end - s->start);
	return (size_t)got > want ? (long)want : got;
}

size_t newsidx_stream__buffered(const struct newsidx_stream *s,
				const char **data)
{
	*data = (const char *)s->buf + s->start;
	return s->end - s->start;
}

void newsidx_stream__consume(struct newsidx_stream *s, size_t n)
{
	if (n > s->end - s->start)
		n = s->end - s->start;
	s->start += n;
}

int newsidx_stream__eof(const struct newsidx_stream *s)
{
	return s->eof;
}

unsigned long long newsidx_stream__offset(const struct newsidx_stream *s)
{
	return s->offset + s->start;
}

const char *newsidx_stream__error(const struct newsidx_stream *s)
{
	return s->err[0] ? s->err : NULL;
}

int newsidx_stream__compressed(const struct newsidx_stream *s)
{
	return s->zinit || (s->gz && !gzdirect(s->gz));
}
