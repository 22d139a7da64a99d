/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * --formatter=keyvalue, as ESXi prints it. Confirmed from VMware's esxcli
 * front-end (KeyValueVisitor) and from captured ESXi output of `network nic
 * list`, `network vswitch standard list` and `network vswitch dvs vmware list`:
 *
 *   structure[0].VirtualSwitch.BeaconEnabled.boolean=false
 *   structure[0].VirtualSwitch.BeaconRequiredBy.string[] = 
 *   structure[0].VirtualSwitch.MTU.integer=1500
 *   structure[0].VirtualSwitch.Uplinks.string[0].string=vmnic0
 *
 * - One line per value: the path of keys joined by dots, "=", the value.
 * - A table or a list of structures is "structure[N]." then the structure's
 *   typeName; a single structure starts at its typeName ("VersionGet.Version.
 *   string=7.0.3"); a scalar is just its type ("boolean=true").
 * - Fields are named by their key and sorted by key in byte order.
 * - Types are spelled string, integer, boolean. A list item is
 *   "Key.string[N].string=item"; an empty list is "Key.string[] = " (spaces
 *   around "=", as ESXi prints it); an empty list of structures is
 *   "structure[] = ". A nested structure adds "Key.TypeName." to the path; a
 *   list of nested structures adds "Key.structure[N].TypeName." for its Nth
 *   element, and is "Key.structure[] = " when empty (the front-end's visitor
 *   treats every list alike, naming it by its item type).
 * - A newline inside a value is written as the two characters \n.
 * Our choices (no ESXi capture seen): "none" prints nothing; with a message
 * the message is the result ("string=..."). A message next to any other
 * result is left out, so every line stays a key=value pair.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "format_internal.h"

static void put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

/* "prefix.name", or just "name" at the top level. Allocated. */
static char *join_path(const char *prefix, const char *name)
{
	char *path = NULL;

	if (asprintf(&path, "%s%s%s", prefix, *prefix ? "." : "", name) < 0)
		return NULL;
	return path;
}

static int put_structure(FILE *out, const char *prefix, const struct fmt_schema *schema,
			 struct json_object *values);

static int put_value(FILE *out, const char *path, enum fmt_type type,
		     const struct fmt_schema *sub, struct json_object *v)
{
	const char *dot = *path ? "." : "";
	char num[32];
	size_t n;

	switch (type) {
	case FT_STRING:
		fprintf(out, "%s%sstring=", path, dot);
		put_text(out, json_object_get_string(v));
		fputc('\n', out);
		break;
	case FT_INT:
		fmt_int_text(v, num, sizeof(num));
		fprintf(out, "%s%sinteger=%s\n", path, dot, num);
		break;
	case FT_BOOL:
		fprintf(out, "%s%sboolean=%s\n", path, dot, fmt_bool_text(v));
		break;
	case FT_LIST:
		n = json_object_array_length(v);
		if (n == 0)
			fprintf(out, "%s%sstring[] = \n", path, dot);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%s%sstring[%zu].string=", path, dot, i);
			put_text(out, json_object_get_string(json_object_array_get_idx(v, i)));
			fputc('\n', out);
		}
		break;
	case FT_STRUCT:
		return put_structure(out, path, sub, v);
	case FT_STRUCT_LIST:
		n = json_object_array_length(v);
		if (n == 0)
			fprintf(out, "%s%sstructure[] = \n", path, dot);
		for (size_t i = 0; i < n; i++) {
			char *item = NULL;
			int ret;

			if (asprintf(&item, "%s%sstructure[%zu]", path, dot, i) < 0)
				return -ENOMEM;
			ret = put_structure(out, item, sub, json_object_array_get_idx(v, i));
			free(item);
			if (ret < 0)
				return ret;
		}
		break;
	}
	return 0;
}

static int put_structure(FILE *out, const char *prefix, const struct fmt_schema *schema,
			 struct json_object *values)
{
	char *type_path = join_path(prefix, schema->type_name);
	int ret = -ENOMEM;

	if (!type_path)
		goto out;
	for (size_t i = 0; i < schema->nfields; i++) {
		const struct fmt_field *field = schema->by_key[i];
		char *path = join_path(type_path, field->key);

		if (!path) {
			ret = -ENOMEM;
			goto out;
		}
		ret = put_value(out, path, field->type, field->sub,
				json_object_array_get_idx(values, fmt_field_index(schema, field)));
		free(path);
		if (ret < 0)
			goto out;
	}
	ret = 0;
out:
	free(type_path);
	return ret;
}

static int put_records(FILE *out, const struct fmt_reply *reply)
{
	size_t n = json_object_array_length(reply->records);

	if (n == 0)
		fputs("structure[] = \n", out);
	for (size_t r = 0; r < n; r++) {
		char prefix[48];
		int ret;

		snprintf(prefix, sizeof(prefix), "structure[%zu]", r);
		ret = put_structure(out, prefix, reply->schema,
				    json_object_array_get_idx(reply->records, r));
		if (ret < 0)
			return ret;
	}
	return 0;
}

int fmt_keyvalue_render(FILE *out, const struct fmt_reply *reply)
{
	switch (reply->shape) {
	case FS_TABLE:
	case FS_STRUCTS:
		return put_records(out, reply);
	case FS_STRUCT:
		return put_structure(out, "", reply->schema, reply->value);
	case FS_SCALAR:
		return put_value(out, "", reply->value_type, NULL, reply->value);
	case FS_NONE:
		if (reply->message) {
			fputs("string=", out);
			put_text(out, reply->message);
			fputc('\n', out);
		}
		break;
	}
	return 0;
}
