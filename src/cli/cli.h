/*
 * cli.h: what the files of the newsidx command share.  The command uses
 * only the public header newsidx.h; this is its own small toolbox.
 */
#ifndef NEWSIDX_CLI_H
#define NEWSIDX_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "newsidx.h"

#define EXIT_USAGE 2
#define EXIT_REJECTED 65
#define EXIT_NOINPUT 66
/* check cannot open the index's tables as Xapian's check must (EX_IOERR) */
#define EXIT_CANNOT_CHECK 74
#define EXIT_LOCKED 75

/* --index DIR, as given before or after the command. */
extern const char *cli_index_dir;

extern const char cli_usage_main[], cli_usage_index[], cli_usage_search[],
	cli_usage_stats[], cli_usage_check[], cli_usage_compact[],
	cli_usage_rebuild[], cli_usage_delete[], cli_usage_similar[],
	cli_usage_show[];

/* The one place where statuses become exit codes. */
int cli_exit_code(newsidx_status_t st);

/* Print "newsidx: MESSAGE" and a hint; returns the usage exit code. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the handle's message (or the status text); returns the exit code. */
int cli_fail(newsidx_status_t st, newsidx_db_t *db);

/* Write len bytes of text that did not come from the command itself
 * (articles, file names, arguments, library messages) with control
 * characters shown as \xHH or \u00HH escapes; lines: keep newlines. */
void cli_write(FILE *f, const char *s, size_t len, int lines);

/* cli_write() of a one-line string. */
void cli_puts(FILE *f, const char *s);

/* The index directory: --index, else $NEWSIDX_INDEX, else ./index. */
const char *cli_index_path(void);

int cli_parse_size(const char *s, size_t *out);
int cli_parse_seconds(const char *s, double *out);

int cmd_index(int argc, char **argv);
int cmd_rebuild(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_similar(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_compact(int argc, char **argv);
int cmd_delete(int argc, char **argv);

#endif
