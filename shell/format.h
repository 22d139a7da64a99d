/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Rendering the daemon's replies: ESXi's default text layout (tables and
 * "   Key: Value" blocks), and the xml, csv, keyvalue and json formatters.
 * Input is the "parameters" object of an Execute reply (protocol.h).
 * Each format_*.c file says which details were confirmed from ESXi and which
 * were chosen here.
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
	/* Columns for wrapping help text; 0 = no wrapping. The daemon wraps help
	 * to the width sent with the request, so the formatters print help as
	 * received and do not read this today. opts may be NULL. */
	int screen_width;
};

/* "xml", "csv", "keyvalue", "json", and "text" for the default (not an ESXi
 * name). Case-sensitive, as ESXi. Returns 0, or -EINVAL for an unknown name
 * (ESXi then says "Unable to find requested formatter: NAME"). */
int format_by_name(const char *name, enum esx_formatter *out);

/* Render a successful Execute reply's parameters: a "result" (any shape), a
 * "help" text, and an optional "message" line. Help is printed as is whatever
 * the formatter, except json which wraps it as {"schemaVersion":1,"help":...}.
 * The text formatter prints the message on its own line after the result;
 * xml, csv and keyvalue print it as the result when the result is "none" and
 * leave it out otherwise (their output must stay one parseable value); json
 * carries it as "message".
 * Returns 0; -EPROTO when the reply does not follow the schema (schemaVersion
 * other than 1, both or neither of result and help, a record that does not
 * match its fields, ...); -ENOMEM; -EIO when out cannot be written. The
 * reply is rendered in memory first, so on any error nothing is written. */
int format_reply(FILE *out, enum esx_formatter fmt, struct json_object *params,
		 const struct format_opts *opts);

/* Render an error: text formatters print "Error: MESSAGE", a blank line, and
 * the command's help when there is one; json prints
 * {"schemaVersion":1,"error":{"name":NAME,"message":MESSAGE}}. */
void format_error(FILE *out, enum esx_formatter fmt, const char *name, const char *message,
		  const char *help);

#endif
