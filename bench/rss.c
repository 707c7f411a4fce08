/*
 * rss.c: run a command and report its wall-clock time and peak resident
 * set size, for bench/run (no dependency on GNU time).
 *
 * usage: rss [-o FILE] COMMAND [ARG...]
 *
 * Runs COMMAND, waits for it, and writes one line
 *   elapsed SECONDS cpu SECONDS maxrss_kb KB status CODE
 * to FILE (appended) or to standard error: the wall-clock time, the user
 * and system CPU time of the command's processes, and maxrss_kb, the largest
 * resident set of any process of the command that was waited for
 * (getrusage(RUSAGE_CHILDREN)), so a wrapper script that runs the real
 * program is covered.  The exit status is COMMAND's (128 + N when a
 * signal N killed it, 127 when it could not be run).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int a = 1, st, code;
	pid_t pid;
	FILE *f;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		a = 3;
	}
	if (a < argc && strcmp(argv[a], "--") == 0)
		a++;
	if (a >= argc) {
		fprintf(stderr, "usage: rss [-o FILE] COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rss: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[a], argv + a);
		fprintf(stderr, "rss: %s: %s\n", argv[a], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "rss: waitpid: %s\n", strerror(errno));
			return 127;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &ru);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	f = out ? fopen(out, "a") : stderr;
	if (!f) {
		fprintf(stderr, "rss: %s: %s\n", out, strerror(errno));
		return 127;
	}
	fprintf(f, "elapsed %.6f cpu %.6f maxrss_kb %ld status %d\n",
		(double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		ru.ru_maxrss, code);
	if (out)
		fclose(f);
	return code;
}
