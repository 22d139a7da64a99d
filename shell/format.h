/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Rendering the daemon's replies: ESXi's default text layout (tables and
 * "   Key: Value" blocks), and the xml, csv, keyvalue and json formatters.
 * Input is the "parameters" object of an Execute reply (protocol.h).
 */
#ifndef ESXSH_FORMAT_H
#define ESXSH_FORMAT_H

#include <stdio.h>

struct json_object;

enum esx_formatter {
	FMT_TEXT = 0,   /* ESXi's default */
	FMT_XML,
	FMT_CSV,
	FMT_KEYVALUE,
	FMT_JSON,       /* an extension: carries the schema version */
};

struct format_opts {
	int screen_width;   /* columns for wrapping help text; 0 = no wrapping */
};

/* "xml" → FMT_XML... Returns 0, or -EINVAL for an unknown name. */
int format_by_name(const char *name, enum esx_formatter *out);

/* Render a successful Execute reply's parameters: a "result" (any shape), a
 * "help" text, and an optional "message" line. Returns 0, or -EPROTO when the
 * reply does not follow the schema (nothing half-printed is left unflushed). */
int format_reply(FILE *out, enum esx_formatter fmt, struct json_object *params,
		 const struct format_opts *opts);

/* Render an error: text formatters print "Error: MESSAGE", a blank line, and
 * the command's help when there is one; json prints
 * {"schemaVersion":1,"error":{"name":NAME,"message":MESSAGE}}. */
void format_error(FILE *out, enum esx_formatter fmt, const char *name, const char *message,
		  const char *help);

#endif
