/*
 * layout.c: the index directory on disk, and the writer's lock.
 *
 *   DIR/XAPIANDB         a Xapian stub file, "glass gen-N": the live
 *                        generation
 *   DIR/gen-N/           the glass database of generation N
 *   DIR/gen-N/readers    flock()ed shared by every reader of gen-N
 *   DIR/lock             flock()ed by the one writer (index, delete,
 *                        compact, rebuild) for as long as it runs
 *
 * Compaction and rebuilds write a new generation beside the live one and
 * switch by renaming a new stub over the old, which is atomic: a reader
 * opening the index sees the old generation or the new one, never
 * neither.  Our own lock sits above the generations, so a writer that
 * waited for it never writes into a generation that was retired
 * meanwhile; the kernel drops it when the process dies, kill -9
 * included.  A plain glass directory (from xapian-compact, say) is still
 * opened as it is.
 *
 * A retired generation goes as soon as no reader holds it.  A reader
 * pins the generation it opens with a shared lock on its readers file,
 * and whoever wants to remove a retired generation must first take that
 * lock exclusively without waiting: the writer right after its switch
 * (and at its next start), and a reader as it lets go of a generation
 * that was retired under it.  Either takes it only when no reader holds
 * it, removes every other file, then the readers file.  So a pin taken
 * on a readers file that is still linked is on a whole generation.  A
 * generation written before readers files existed has none; it goes as
 * it did, once the stub that retired it is a minute old.
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
#define READERS "readers"

/* Seconds a generation without a readers file stays after its stub was
 * replaced: a reader that read the old stub has opened it by then. */
#define UNPINNED_GRACE 60

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
	int fd;

	/* Readers of the new generation will pin it. */
	snprintf(tmp, sizeof(tmp), "%s/%s/%s", dir, gen, READERS);
	fd = open(tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp,
			 strerror(errno));
		return NEWSIDX_IO;
	}
	close(fd);
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
	/* As du(1) counts: files and the directories themselves. */
	if (flag == FTW_F || flag == FTW_D)
		du_total += (unsigned long long)sb->st_blocks * 512;
	return 0;
}

static unsigned long long du(const char *path)
{
	du_total = 0;
	nftw(path, du_one, 16, FTW_PHYS);
	return du_total;
}

void newsidx_layout__disk_bytes(const char *dir, unsigned long long *total,
				unsigned long long *retired)
{
	char live[256], p[PATH_MAX];
	unsigned long cur, k;
	struct dirent *de;
	DIR *d;

	*total = du(dir);
	*retired = 0;
	if (!newsidx_layout__current(dir, live, sizeof(live)) ||
	    sscanf(live, "gen-%lu", &cur) != 1 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "gen-%lu", &k) != 1 || k >= cur)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		*retired += du(p);
	}
	closedir(d);
}

unsigned long long newsidx_layout__live_bytes(const char *dir)
{
	char live[256], p[PATH_MAX];

	if (!newsidx_layout__current(dir, live, sizeof(live)))
		return 0;
	snprintf(p, sizeof(p), "%s/%s", dir, live);
	return du(p);
}

/* The stub's identity: a switch renames a new file over it. */
static int stub_id(const char *dir, unsigned long long *ino, long long *ns)
{
	char p[PATH_MAX];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, STUB);
	if (stat(p, &sb) != 0)
		return -1;
	*ino = (unsigned long long)sb.st_ino;
	*ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	return 0;
}

/* 1 when dir/gen is a generation written before readers files. */
static int unpinnable(const char *dir, const char *gen)
{
	char p[PATH_MAX];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s/iamglass", dir, gen);
	return stat(p, &sb) == 0;
}

int newsidx_layout__pin(const char *dir, struct newsidx_pin *pin)
{
	char p[PATH_MAX];
	struct stat a, b;
	int tries, fd;

	for (tries = 0; tries < 1000; tries++) {
		pin->fd = -1;
		pin->gen[0] = '\0';
		if (stub_id(dir, &pin->stub_ino, &pin->stub_ns) != 0 ||
		    !newsidx_layout__current(dir, pin->gen, sizeof(pin->gen))) {
			pin->gen[0] = '\0'; /* plain glass, or no index */
			return 0;
		}
		snprintf(p, sizeof(p), "%s/%s/%s", dir, pin->gen, READERS);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			/* Removed since we read the stub: read it again.  An
			 * older generation without the file is read unpinned,
			 * as is one we may not open. */
			if (errno == ENOENT && !unpinnable(dir, pin->gen))
				continue;
			return 0;
		}
		if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
			close(fd);
			if (errno != EWOULDBLOCK && errno != EINTR)
				return 0;
			/* Being removed: its stub is gone already. */
			continue;
		}
		if (fstat(fd, &a) == 0 && stat(p, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			pin->fd = fd;
			return 0;
		}
		close(fd); /* removed between our open and our lock */
	}
	return -1;
}

void newsidx_layout__pin_path(const char *dir, const struct newsidx_pin *pin,
			      char *path, size_t size)
{
	if (pin->gen[0])
		snprintf(path, size, "%s/%s", dir, pin->gen);
	else
		snprintf(path, size, "%s", dir);
}

int newsidx_layout__moved(const char *dir, const struct newsidx_pin *pin)
{
	unsigned long long ino;
	long long ns;

	if (!pin->gen[0])
		return 0;
	if (stub_id(dir, &ino, &ns) != 0)
		return 1;
	return ino != pin->stub_ino || ns != pin->stub_ns;
}

/* Remove the retired generation dir/name if no reader holds it: take its
 * readers lock exclusively, remove every other file, then the readers
 * file and the directory.  One without a readers file goes once the
 * stub is min_age seconds old (min_age < 0: never).  1 if removed. */
static int remove_retired(const char *dir, const char *name, double min_age)
{
	char p[PATH_MAX], f[PATH_MAX + 300];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int fd;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, name, READERS);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT || min_age < 0)
			return 0;
		snprintf(f, sizeof(f), "%s/%s", dir, STUB);
		if (stat(f, &sb) != 0 ||
		    difftime(time(NULL), sb.st_mtime) < min_age)
			return 0;
		snprintf(p, sizeof(p), "%s/%s", dir, name);
		newsidx_layout__remove(p);
		return 1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return 0; /* a reader holds it */
	}
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	d = opendir(p);
	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, READERS) == 0)
			continue;
		snprintf(f, sizeof(f), "%s/%s", p, de->d_name);
		newsidx_layout__remove(f);
	}
	if (d)
		closedir(d);
	snprintf(f, sizeof(f), "%s/%s", p, READERS);
	unlink(f);
	rmdir(p);
	close(fd);
	return 1;
}

/* Remove every retired generation (numbered below the live one) that no
 * reader holds; see remove_retired for min_age. */
static void remove_all_retired(const char *dir, double min_age)
{
	char live[256];
	unsigned long cur, k;
	struct dirent *de;
	DIR *d;

	if (!newsidx_layout__current(dir, live, sizeof(live)) ||
	    sscanf(live, "gen-%lu", &cur) != 1 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)) != NULL)
		if (sscanf(de->d_name, "gen-%lu", &k) == 1 && k < cur)
			remove_retired(dir, de->d_name, min_age);
	closedir(d);
}

void newsidx_layout__unpin(const char *dir, struct newsidx_pin *pin)
{
	char live[256];
	unsigned long held, cur;

	if (pin->fd < 0)
		return;
	close(pin->fd);
	pin->fd = -1;
	/* The last reader of a retired generation gives its space back
	 * (when it may write the directory; else the next writer does). */
	if (newsidx_layout__current(dir, live, sizeof(live)) &&
	    sscanf(live, "gen-%lu", &cur) == 1 &&
	    sscanf(pin->gen, "gen-%lu", &held) == 1 && held < cur)
		remove_retired(dir, pin->gen, -1);
}

void newsidx_layout__retire(const char *dir)
{
	remove_all_retired(dir, UNPINNED_GRACE);
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

void newsidx_layout__tidy(const char *dir)
{
	char gen[256], p[PATH_MAX];
	int fd;

	if (!newsidx_layout__current(dir, gen, sizeof(gen)))
		return;
	remove_unfinished(dir, gen);
	/* A live generation from before readers files gets one, so that
	 * its readers pin it from now on. */
	snprintf(p, sizeof(p), "%s/%s/%s", dir, gen, READERS);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd >= 0)
		close(fd);
	remove_all_retired(dir, UNPINNED_GRACE);
}
