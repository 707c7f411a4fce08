/*
 * layout.c: the index directory on disk, and the writer's lock.
 *
 *   DIR/XAPIANDB   a Xapian stub file, "glass gen-N": the live generation
 *   DIR/gen-N/     the glass database of generation N
 *   DIR/lock       flock()ed by the one writer (index, delete, compact,
 *                  rebuild) for as long as it runs
 *
 * Readers open DIR and Xapian follows the stub.  Compaction and rebuilds
 * write a new generation beside the live one and switch by renaming a new
 * stub over the old, which is atomic: a reader opening the index sees the
 * old generation or the new one, never neither.  Our own lock sits above
 * the generations, so a writer that waited for it never writes into a
 * generation that was retired meanwhile; the kernel drops it when the
 * process dies, kill -9 included.  A plain glass directory (from
 * xapian-compact, say) is still opened as it is.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "store/store.h"
#include "util/util.h"

#define STUB "XAPIANDB"

static int exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &sb) == 0;
}

int newsidx_layout__exists(const char *dir)
{
	struct stat sb;

	if (stat(dir, &sb) != 0)
		return 0;
	if (!S_ISDIR(sb.st_mode))
		return 1; /* a stub file: let Xapian judge it */
	return exists(dir, STUB) || exists(dir, "iamglass");
}

int newsidx_layout__current(const char *dir, char *gen, size_t size)
{
	char p[PATH_MAX], line[256];
	FILE *f;
	int ok = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, STUB);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "glass %200s", p) == 1 && strncmp(p, "gen-", 4) == 0 &&
	    !strchr(p, '/')) {
		snprintf(gen, size, "%s", p);
		ok = 1;
	}
	fclose(f);
	return ok;
}

newsidx_status_t newsidx_layout__lock(const char *dir, double timeout,
				      int *fd, char *err, size_t errlen)
{
	char p[PATH_MAX];
	struct timespec ts = { 0, 100 * 1000000L };
	double waited = 0;

	*fd = -1;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		return NEWSIDX_IO;
	}
	snprintf(p, sizeof(p), "%s/lock", dir);
	*fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (*fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", p, strerror(errno));
		return NEWSIDX_IO;
	}
	/* Poll rather than block, so that the timeout holds. */
	while (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "cannot lock %s: %s", p,
				 strerror(errno));
			close(*fd);
			*fd = -1;
			return NEWSIDX_IO;
		}
		if (waited >= timeout) {
			snprintf(err, errlen,
				 "index %s is locked by another writer%s", dir,
				 timeout > 0 ? " (gave up waiting)" : "");
			close(*fd);
			*fd = -1;
			return NEWSIDX_LOCKED;
		}
		nanosleep(&ts, NULL);
		waited += 0.1;
	}
	return NEWSIDX_OK;
}

void newsidx_layout__unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing drops the flock */
}

newsidx_status_t newsidx_layout__next_gen(const char *dir, char *gen,
					  size_t size)
{
	char cur[256];
	unsigned long n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	/* Past every generation on disk, so a leftover from a crash is
	 * never reused half-built. */
	if (!d)
		return NEWSIDX_IO;
	while ((de = readdir(d)) != NULL) {
		unsigned long k;

		if (sscanf(de->d_name, "gen-%lu", &k) == 1 && k > n)
			n = k;
	}
	closedir(d);
	if (newsidx_layout__current(dir, cur, sizeof(cur))) {
		unsigned long k;

		if (sscanf(cur, "gen-%lu", &k) == 1 && k > n)
			n = k;
	}
	snprintf(gen, size, "gen-%lu", n + 1);
	return NEWSIDX_OK;
}

static int fsync_path(const char *p, int flags)
{
	int fd = open(p, flags | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

newsidx_status_t newsidx_layout__switch(const char *dir, const char *gen,
					char *err, size_t errlen)
{
	char tmp[PATH_MAX], stub[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, STUB);
	snprintf(stub, sizeof(stub), "%s/%s", dir, STUB);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "glass %s\n", gen) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp,
			 strerror(errno));
		if (f)
			fclose(f);
		return NEWSIDX_IO;
	}
	fclose(f);
	if (rename(tmp, stub) != 0) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp,
			 strerror(errno));
		return NEWSIDX_IO;
	}
	/* The rename is durable only once the directory is. */
	fsync_path(dir, O_RDONLY | O_DIRECTORY);
	return NEWSIDX_OK;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

void newsidx_layout__remove(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static unsigned long long du_total;

static int du_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)p;
	(void)ftw;
	if (flag == FTW_F)
		du_total += (unsigned long long)sb->st_blocks * 512;
	return 0;
}

unsigned long long newsidx_layout__disk_bytes(const char *dir)
{
	char gen[256], p[PATH_MAX];

	du_total = 0;
	if (newsidx_layout__current(dir, gen, sizeof(gen))) {
		snprintf(p, sizeof(p), "%s/%s", dir, gen);
		nftw(p, du_one, 16, FTW_PHYS);
	} else {
		nftw(dir, du_one, 16, FTW_PHYS);
	}
	return du_total;
}

void newsidx_layout__remove_older(const char *dir, const char *keep1,
				  const char *keep2)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		unsigned long k;

		if (sscanf(de->d_name, "gen-%lu", &k) != 1 ||
		    strcmp(de->d_name, keep1) == 0 ||
		    (keep2 && strcmp(de->d_name, keep2) == 0))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		newsidx_layout__remove(p);
	}
	closedir(d);
}

/* Remove the generations numbered above live's: half-built by a writer
 * that died (a killed compact or rebuild) before its switch.  No reader
 * ever opened one, and only the lock holder, who calls this, builds
 * generations. */
static void remove_unfinished(const char *dir, const char *live)
{
	DIR *d;
	struct dirent *de;
	char p[PATH_MAX];
	unsigned long cur, k;

	if (sscanf(live, "gen-%lu", &cur) != 1 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "gen-%lu", &k) != 1 || k <= cur)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		newsidx_layout__remove(p);
	}
	closedir(d);
}

void newsidx_layout__tidy(const char *dir, double min_age)
{
	char gen[256], stub[PATH_MAX];
	struct stat sb;

	snprintf(stub, sizeof(stub), "%s/%s", dir, STUB);
	if (!newsidx_layout__current(dir, gen, sizeof(gen)))
		return;
	remove_unfinished(dir, gen);
	if (stat(stub, &sb) != 0 || difftime(time(NULL), sb.st_mtime) < min_age)
		return;
	newsidx_layout__remove_older(dir, gen, NULL);
}
