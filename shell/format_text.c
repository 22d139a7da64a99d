/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's default text layout (ESXCLI.md §1.4), following VMware's esxcli
 * front-end (TextOutputFormatter in its formatter module) and captured ESXi
 * 6.x-9.0 sessions:
 *
 * - Table: a header of display names, a line of dashes per column, two spaces
 *   between columns. int and bool columns are right-aligned (Python's bool is an
 *   int, so ESXi right-aligns both: "DHCP DNS" in `ip interface ipv4 get`),
 *   strings left-aligned; width = max(header, longest value). The last column
 *   is not padded and every line loses its trailing blanks. When the last
 *   column is left-aligned its dashes are only as wide as its header (the
 *   front-end does this on purpose, and the ESXi 9 capture of `network nic
 *   list` shows "-----------" under a long "Description"). Widths count UTF-8
 *   code points. Lists are joined with ", ".
 *   An empty table prints its header and dashes (the project's choice; the
 *   Python front-end prints nothing for an empty list).
 * - List of structures: the heading unindented, then "   Key: Value" lines,
 *   and a blank line after every record, the last one included. That last
 *   blank line is a choice: the Python front-end drops it, while ESXi shell
 *   sessions as remembered by the project end the list with it; no capture
 *   seen here settles it. An empty list prints nothing.
 * - Single structure: only the "   Key: Value" lines.
 * - A nested structure: "   Key: " and then its fields 6 columns further in
 *   (9 spaces at the first level, as in `network nic get`'s Driver Info).
 * - A list of nested structures (`network diag ping`'s Trace): "   Key: ",
 *   then each element's fields as a nested structure's, the elements parted
 *   by a line holding only the blanks that indent the list (6 at the first
 *   level): the front-end prints its list of structures one level in, with a
 *   blank line between items, and indents every line of it, blank ones too.
 *   No line follows the last element; an empty list is just "   Key: ".
 * - An empty value prints "Key: " with the trailing space.
 * - A string value spanning several lines starts on the line after "Key: ",
 *   each of its lines indented 3 more than the key (the front-end indents
 *   only the first; we indent them all so the block stays readable).
 * - Scalar: the bare value (nothing at all for an empty string, like the
 *   front-end's Print). none: nothing. The optional message is printed on its
 *   own line after the result.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "format_internal.h"

#define FIELD_INDENT 3          /* "   Key: Value" */
#define NESTED_INDENT 6         /* a nested structure's fields, relative to its key */
#define COLUMN_GAP "  "

/* One table line being built, so its trailing blanks can be cut off. */
struct line {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void line_add(struct line *l, const char *s, size_t n)
{
	if (l->failed)
		return;
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 128;
		char *buf;

		while (l->len + n + 1 > cap)
			cap *= 2;
		buf = realloc(l->buf, cap);
		if (!buf) {
			l->failed = true;
			return;
		}
		l->buf = buf;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void line_pad(struct line *l, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		line_add(l, spaces, chunk);
		n -= chunk;
	}
}

static int line_emit(FILE *out, struct line *l)
{
	if (l->failed)
		return -ENOMEM;
	while (l->len > 0 && (l->buf[l->len - 1] == ' ' || l->buf[l->len - 1] == '\t'))
		l->len--;
	if (l->len > 0)
		fwrite(l->buf, 1, l->len, out);
	fputc('\n', out);
	l->len = 0;
	return 0;
}

/* Columns a string takes: its UTF-8 code points. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	}
	return n;
}

static char *join_list(struct json_object *list)
{
	size_t n = json_object_array_length(list), len = 1;
	char *text, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(json_object_get_string(json_object_array_get_idx(list, i))) + 2;
	text = malloc(len);
	if (!text)
		return NULL;
	p = text;
	for (size_t i = 0; i < n; i++) {
		const char *item = json_object_get_string(json_object_array_get_idx(list, i));
		size_t item_len = strlen(item);

		if (i > 0) {
			memcpy(p, ", ", 2);
			p += 2;
		}
		memcpy(p, item, item_len);
		p += item_len;
	}
	*p = '\0';
	return text;
}

/* The text of a non-struct value, allocated. */
static char *value_text(enum fmt_type type, struct json_object *v)
{
	char num[32];

	switch (type) {
	case FT_STRING:
		return strdup(json_object_get_string(v));
	case FT_INT:
		fmt_int_text(v, num, sizeof(num));
		return strdup(num);
	case FT_BOOL:
		return strdup(fmt_bool_text(v));
	case FT_LIST:
		return join_list(v);
	case FT_STRUCT:
	case FT_STRUCT_LIST:
		break;
	}
	return NULL;
}

static bool right_aligned(enum fmt_type type)
{
	return type == FT_INT || type == FT_BOOL;
}

static int print_row(FILE *out, struct line *l, const struct fmt_schema *schema,
		     char *const *cells, const size_t *width)
{
	for (size_t c = 0; c < schema->nfields; c++) {
		size_t w = text_width(cells[c]);
		size_t pad = width[c] > w ? width[c] - w : 0;

		if (c > 0)
			line_add(l, COLUMN_GAP, strlen(COLUMN_GAP));
		if (right_aligned(schema->fields[c].type)) {
			line_pad(l, pad);
			line_add(l, cells[c], strlen(cells[c]));
		} else {
			line_add(l, cells[c], strlen(cells[c]));
			if (c + 1 < schema->nfields)
				line_pad(l, pad);
		}
	}
	return line_emit(out, l);
}

static int render_table(FILE *out, const struct fmt_reply *reply)
{
	const struct fmt_schema *schema = reply->schema;
	size_t ncols = schema->nfields;
	size_t nrows = json_object_array_length(reply->records);
	char **cells = calloc(nrows * ncols, sizeof(*cells));
	char **header = calloc(ncols, sizeof(*header));
	char **dashes = calloc(ncols, sizeof(*dashes));
	size_t *width = calloc(ncols, sizeof(*width));
	struct line l = { 0 };
	int ret = -ENOMEM;

	if ((nrows > 0 && !cells) || !header || !dashes || !width)
		goto out;
	for (size_t c = 0; c < ncols; c++) {
		header[c] = (char *)schema->fields[c].name;
		width[c] = text_width(header[c]);
	}
	for (size_t r = 0; r < nrows; r++) {
		struct json_object *rec = json_object_array_get_idx(reply->records, r);

		for (size_t c = 0; c < ncols; c++) {
			char *text = value_text(schema->fields[c].type,
						json_object_array_get_idx(rec, c));
			size_t w;

			if (!text)
				goto out;
			cells[r * ncols + c] = text;
			w = text_width(text);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t c = 0; c < ncols; c++) {
		size_t n = width[c];

		if (c + 1 == ncols && !right_aligned(schema->fields[c].type))
			n = text_width(header[c]);
		dashes[c] = malloc(n + 1);
		if (!dashes[c])
			goto out;
		memset(dashes[c], '-', n);
		dashes[c][n] = '\0';
	}

	ret = print_row(out, &l, schema, header, width);
	if (ret == 0)
		ret = print_row(out, &l, schema, dashes, width);
	for (size_t r = 0; r < nrows && ret == 0; r++)
		ret = print_row(out, &l, schema, &cells[r * ncols], width);
out:
	for (size_t i = 0; cells && i < nrows * ncols; i++)
		free(cells[i]);
	for (size_t c = 0; dashes && c < ncols; c++)
		free(dashes[c]);
	free(cells);
	free(header);
	free(dashes);
	free(width);
	free(l.buf);
	return ret;
}

static void print_multiline(FILE *out, const char *text, int indent)
{
	const char *p = text;

	fputc('\n', out);
	while (*p) {
		size_t n = strcspn(p, "\n");

		fprintf(out, "%*s%.*s\n", indent, "", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static int print_fields(FILE *out, const struct fmt_schema *schema, struct json_object *values,
			int indent);

/* The elements of a list field whose key is at indent. */
static int print_struct_list(FILE *out, const struct fmt_schema *schema, struct json_object *list,
			     int indent)
{
	int list_indent = indent + NESTED_INDENT - FIELD_INDENT;

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		int ret;

		if (i > 0)
			fprintf(out, "%*s\n", list_indent, "");
		ret = print_fields(out, schema, json_object_array_get_idx(list, i),
				   indent + NESTED_INDENT);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int print_fields(FILE *out, const struct fmt_schema *schema, struct json_object *values,
			int indent)
{
	for (size_t i = 0; i < schema->nfields; i++) {
		const struct fmt_field *field = &schema->fields[i];
		struct json_object *v = json_object_array_get_idx(values, i);
		char *text;
		int ret;

		fprintf(out, "%*s%s: ", indent, "", field->name);
		if (field->type == FT_STRUCT) {
			fputc('\n', out);
			ret = print_fields(out, field->sub, v, indent + NESTED_INDENT);
			if (ret < 0)
				return ret;
			continue;
		}
		if (field->type == FT_STRUCT_LIST) {
			fputc('\n', out);
			ret = print_struct_list(out, field->sub, v, indent);
			if (ret < 0)
				return ret;
			continue;
		}
		if (field->type == FT_STRING && strchr(json_object_get_string(v), '\n')) {
			print_multiline(out, json_object_get_string(v), indent + FIELD_INDENT);
			continue;
		}
		text = value_text(field->type, v);
		if (!text)
			return -ENOMEM;
		fprintf(out, "%s\n", text);
		free(text);
	}
	return 0;
}

static int render_structs(FILE *out, const struct fmt_reply *reply)
{
	for (size_t r = 0; r < json_object_array_length(reply->records); r++) {
		int ret;

		fprintf(out, "%s\n",
			json_object_get_string(json_object_array_get_idx(reply->headings, r)));
		ret = print_fields(out, reply->schema, json_object_array_get_idx(reply->records, r),
				   FIELD_INDENT);
		if (ret < 0)
			return ret;
		fputc('\n', out);
	}
	return 0;
}

static int render_scalar(FILE *out, const struct fmt_reply *reply)
{
	char *text = value_text(reply->value_type, reply->value);

	if (!text)
		return -ENOMEM;
	if (*text)
		fprintf(out, "%s\n", text);
	free(text);
	return 0;
}

int fmt_text_render(FILE *out, const struct fmt_reply *reply)
{
	int ret = 0;

	switch (reply->shape) {
	case FS_TABLE:
		ret = render_table(out, reply);
		break;
	case FS_STRUCTS:
		ret = render_structs(out, reply);
		break;
	case FS_STRUCT:
		ret = print_fields(out, reply->schema, reply->value, FIELD_INDENT);
		break;
	case FS_SCALAR:
		ret = render_scalar(out, reply);
		break;
	case FS_NONE:
		break;
	}
	if (ret == 0 && reply->message && *reply->message)
		fprintf(out, "%s\n", reply->message);
	return ret;
}
