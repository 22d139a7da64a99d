/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * --formatter=csv, as ESXi prints it. Confirmed from VMware's esxcli front-end
 * (CsvVisitor) and from captured ESXi output of `storage filesystem list`:
 *
 *   Free,MountPoint,Mounted,Size,Type,UUID,VolumeName,
 *   1,/vmfs/volumes/aaaaaaaa-...,true,2,VMFS-6,aaaaaaaa-...,Fake Store,
 *
 * - A header of field keys sorted in byte order, then one row per record;
 *   every value, and every header name, is followed by a comma (ESXi's
 *   trailing comma is kept: scripts cut on it). A single structure is a
 *   header and one row. An empty table or list of structures prints nothing
 *   (not even the header), as the front-end does.
 * - RFC 4180 quoting, nested: a value holding a comma or a double quote is
 *   enclosed in quotes and its quotes doubled; a newline inside a value is
 *   written as the two characters \n.
 * - A list is one field: its items, each followed by a comma, enclosed in
 *   quotes ("vmnic1,vmnic2,"); an empty list is an empty field. Inside it
 *   the quoting goes one level deeper (quotes doubled once more), so the
 *   field itself parses as a CSV line.
 * - A nested structure is one quoted field holding its own row: its values,
 *   each followed by a comma, then a line break (the front-end ends every
 *   structure with one, nested or not), in quotes.
 * - A list of nested structures is one quoted field holding a small table:
 *   the element type's header (keys sorted, each followed by a comma) and a
 *   line break, then each element's row as a nested structure's, with its
 *   line break (the front-end's visitor prints a header before the first
 *   structure of every list); an empty list is an empty field.
 * - A scalar is the bare value. The front-end writes it without a line
 *   break; we end it with one, like every other output of the shell.
 * Our choices (no ESXi capture seen): "none" prints nothing; with a message
 * the message is the result, as a scalar. A message next to any other result
 * is left out so the output stays parseable.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#include "format_internal.h"

#define CSV_SEP ','
#define CSV_QUOTE '"'

static void put_quotes(FILE *out, int count)
{
	for (int i = 0; i < count; i++)
		fputc(CSV_QUOTE, out);
}

/* level: how deep in quoted fields the value sits; 1 at the top. */
static void put_primitive(FILE *out, const char *text, int level)
{
	bool quoted = strchr(text, CSV_SEP) || strchr(text, CSV_QUOTE);

	if (quoted)
		put_quotes(out, level);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			fputs("\\n", out);
		else if (*p == CSV_QUOTE)
			put_quotes(out, 2 * level);
		else
			fputc(*p, out);
	}
	if (quoted)
		put_quotes(out, level);
}

static void put_fields(FILE *out, const struct fmt_schema *schema, struct json_object *values,
		       int level);
static void put_header(FILE *out, const struct fmt_schema *schema);

static void put_value(FILE *out, enum fmt_type type, const struct fmt_schema *sub,
		      struct json_object *v, int level)
{
	char num[32];
	size_t n;

	switch (type) {
	case FT_STRING:
		put_primitive(out, json_object_get_string(v), level);
		break;
	case FT_INT:
		fmt_int_text(v, num, sizeof(num));
		put_primitive(out, num, level);
		break;
	case FT_BOOL:
		put_primitive(out, fmt_bool_text(v), level);
		break;
	case FT_LIST:
		n = json_object_array_length(v);
		if (n == 0)
			break;
		put_quotes(out, level);
		for (size_t i = 0; i < n; i++) {
			put_primitive(out, json_object_get_string(json_object_array_get_idx(v, i)),
				      level + 1);
			fputc(CSV_SEP, out);
		}
		put_quotes(out, level);
		break;
	case FT_STRUCT:
		put_quotes(out, level);
		put_fields(out, sub, v, level + 1);
		fputc('\n', out);
		put_quotes(out, level);
		break;
	case FT_STRUCT_LIST:
		n = json_object_array_length(v);
		if (n == 0)
			break;
		put_quotes(out, level);
		put_header(out, sub);
		for (size_t i = 0; i < n; i++) {
			put_fields(out, sub, json_object_array_get_idx(v, i), level + 1);
			fputc('\n', out);
		}
		put_quotes(out, level);
		break;
	}
}

static void put_fields(FILE *out, const struct fmt_schema *schema, struct json_object *values,
		       int level)
{
	for (size_t i = 0; i < schema->nfields; i++) {
		const struct fmt_field *field = schema->by_key[i];

		put_value(out, field->type, field->sub,
			  json_object_array_get_idx(values, fmt_field_index(schema, field)), level);
		fputc(CSV_SEP, out);
	}
}

static void put_header(FILE *out, const struct fmt_schema *schema)
{
	for (size_t i = 0; i < schema->nfields; i++) {
		fputs(schema->by_key[i]->key, out);
		fputc(CSV_SEP, out);
	}
	fputc('\n', out);
}

static void put_row(FILE *out, const struct fmt_schema *schema, struct json_object *values)
{
	put_fields(out, schema, values, 1);
	fputc('\n', out);
}

int fmt_csv_render(FILE *out, const struct fmt_reply *reply)
{
	size_t n;

	switch (reply->shape) {
	case FS_TABLE:
	case FS_STRUCTS:
		n = json_object_array_length(reply->records);
		if (n > 0)
			put_header(out, reply->schema);
		for (size_t r = 0; r < n; r++)
			put_row(out, reply->schema, json_object_array_get_idx(reply->records, r));
		break;
	case FS_STRUCT:
		put_header(out, reply->schema);
		put_row(out, reply->schema, reply->value);
		break;
	case FS_SCALAR:
		put_value(out, reply->value_type, NULL, reply->value, 1);
		fputc('\n', out);
		break;
	case FS_NONE:
		if (reply->message) {
			put_primitive(out, reply->message, 1);
			fputc('\n', out);
		}
		break;
	}
	return 0;
}
