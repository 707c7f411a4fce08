/*
 * xml.c: libxml2's errors caught instead of printed.
 *
 * libxml2 reports errors through process-wide (per-thread) handlers,
 * which print to stderr unless replaced.  The feed and HTML parsers
 * bracket each parse with newsidx_xml__begin() and newsidx_xml__end():
 * in between, errors are counted and the first one is kept with its line
 * and column for the reject message, and nothing is printed; afterwards
 * the caller's handlers are back.  The first begin also initialises
 * libxml2, once per process.
 *
 * Not responsible for parsing anything: feed.c and html.c own their
 * parsers and decide what an error means for their input.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "ingest/parsers.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

#if LIBXML_VERSION >= 21200
static void on_xml_error(void *ctx, const xmlError *err)
#else
static void on_xml_error(void *ctx, xmlErrorPtr err)
#endif
{
	struct newsidx_xml_errors *e = ctx;
	size_t n;

	if (!e || !err || err->level < XML_ERR_ERROR)
		return;
	if (e->count++ > 0)
		return;
	e->line = err->line;
	e->column = err->int2;
	snprintf(e->msg, sizeof(e->msg), "%s",
		 err->message ? err->message : "malformed markup");
	n = strlen(e->msg);
	while (n > 0 && (e->msg[n - 1] == '\n' || e->msg[n - 1] == ' '))
		e->msg[--n] = '\0';
}

static void on_generic_error(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void newsidx_xml__begin(struct newsidx_xml_errors *e)
{
	pthread_once(&xml_once, xml_init);
	memset(e, 0, sizeof(*e));
	e->saved_serror = (void (*)(void))xmlStructuredError;
	e->saved_sctx = xmlStructuredErrorContext;
	e->saved_generic = (void (*)(void))xmlGenericError;
	e->saved_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(e, (xmlStructuredErrorFunc)on_xml_error);
	xmlSetGenericErrorFunc(e, on_generic_error);
}

void newsidx_xml__end(struct newsidx_xml_errors *e)
{
	xmlSetStructuredErrorFunc(e->saved_sctx,
				  (xmlStructuredErrorFunc)e->saved_serror);
	xmlSetGenericErrorFunc(e->saved_gctx,
			       (xmlGenericErrorFunc)e->saved_generic);
}
