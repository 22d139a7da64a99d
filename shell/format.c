/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Formatter dispatch: checks an Execute reply against the result schema of
 * protocol.h, renders it into memory with the chosen formatter, and writes it
 * out only when the whole rendering succeeded, so a reply that breaks the
 * schema half-way prints nothing at all.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "format.h"
#include "format_internal.h"

/* Deeper nesting than any esxcli type has is taken as a broken reply, and it
 * bounds the recursion below. */
#define FMT_MAX_DEPTH 8

/* A word of the protocol (or a formatter name) and the enum value it stands for. */
struct name_value {
	const char *name;
	int value;
};

#define LOOKUP(table, name, out) lookup(table, sizeof(table) / sizeof(table[0]), name, out)

static int lookup(const struct name_value *table, size_t n, const char *name, int *out)
{
	for (size_t i = 0; name && i < n; i++) {
		if (strcmp(name, table[i].name) == 0) {
			*out = table[i].value;
			return 0;
		}
	}
	return -1;
}

static const struct name_value formatter_names[] = {
	{ "xml", FMT_XML },
	{ "csv", FMT_CSV },
	{ "keyvalue", FMT_KEYVALUE },
	{ "json", FMT_JSON },
	/* Not an ESXi name: lets a session switch back to the default. */
	{ "text", FMT_TEXT },
};

static const struct name_value type_names[] = {
	{ ESX_TYPE_STRING, FT_STRING },
	{ ESX_TYPE_INT, FT_INT },
	{ ESX_TYPE_BOOL, FT_BOOL },
	{ ESX_TYPE_LIST, FT_LIST },
	{ ESX_TYPE_STRUCT, FT_STRUCT },
	{ ESX_TYPE_STRUCT_LIST, FT_STRUCT_LIST },
};

static const struct name_value shape_names[] = {
	{ ESX_SHAPE_NONE, FS_NONE },
	{ ESX_SHAPE_TABLE, FS_TABLE },
	{ ESX_SHAPE_STRUCTS, FS_STRUCTS },
	{ ESX_SHAPE_STRUCT, FS_STRUCT },
	{ ESX_SHAPE_SCALAR, FS_SCALAR },
};

int format_by_name(const char *name, enum esx_formatter *out)
{
	int v;

	if (LOOKUP(formatter_names, name, &v) < 0)
		return -EINVAL;
	*out = (enum esx_formatter)v;
	return 0;
}

static int parse_type(const char *name, enum fmt_type *out)
{
	int v;

	if (LOOKUP(type_names, name, &v) < 0)
		return -EPROTO;
	*out = (enum fmt_type)v;
	return 0;
}

static int parse_shape(const char *name, enum fmt_shape *out)
{
	int v;

	if (LOOKUP(shape_names, name, &v) < 0)
		return -EPROTO;
	*out = (enum fmt_shape)v;
	return 0;
}

/* The string member key of obj, or NULL when it is missing or not a string. */
static const char *get_string(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Keys and type names become xml attributes, csv headers and keyvalue paths:
 * a dot, comma or quote there would break those formats, so only letters,
 * digits and underscores are accepted (the daemon's keys are alphanumeric). */
static bool is_identifier(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	}
	return true;
}

static void schema_free(struct fmt_schema *schema)
{
	if (!schema)
		return;
	for (size_t i = 0; i < schema->nfields; i++)
		schema_free(schema->fields[i].sub);
	free(schema->fields);
	free(schema->by_key);
	free(schema);
}

/* Ties (two names that lose their spaces to the same key) keep schema order. */
static int compare_keys(const void *a, const void *b)
{
	const struct fmt_field *fa = *(const struct fmt_field *const *)a;
	const struct fmt_field *fb = *(const struct fmt_field *const *)b;
	int c = strcmp(fa->key, fb->key);

	if (c)
		return c;
	return (fa > fb) - (fa < fb);
}

static int parse_schema(struct json_object *fields, const char *type_name, int depth,
			struct fmt_schema **out)
{
	struct fmt_schema *schema = NULL;
	size_t n;
	int ret = -EPROTO;

	*out = NULL;
	if (depth > FMT_MAX_DEPTH || !is_identifier(type_name) || !fields ||
	    !json_object_is_type(fields, json_type_array))
		goto out;
	n = json_object_array_length(fields);
	if (n == 0)
		goto out;
	ret = -ENOMEM;
	schema = calloc(1, sizeof(*schema));
	if (!schema)
		goto out;
	schema->type_name = type_name;
	schema->fields = calloc(n, sizeof(*schema->fields));
	schema->by_key = calloc(n, sizeof(*schema->by_key));
	if (!schema->fields || !schema->by_key)
		goto out;
	schema->nfields = n;
	for (size_t i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(fields, i);
		struct fmt_field *field = &schema->fields[i];
		struct json_object *sub_fields = NULL;

		ret = -EPROTO;
		if (!json_object_is_type(f, json_type_object))
			goto out;
		field->name = get_string(f, ESX_FIELD_NAME);
		field->key = get_string(f, ESX_FIELD_KEY);
		if (!field->name || !is_identifier(field->key) ||
		    parse_type(get_string(f, ESX_FIELD_TYPE), &field->type) < 0)
			goto out;
		if (field->type == FT_STRUCT || field->type == FT_STRUCT_LIST) {
			json_object_object_get_ex(f, ESX_RES_FIELDS, &sub_fields);
			ret = parse_schema(sub_fields, get_string(f, ESX_RES_TYPENAME), depth + 1,
					   &field->sub);
			if (ret < 0)
				goto out;
		}
		schema->by_key[i] = field;
	}
	qsort(schema->by_key, n, sizeof(*schema->by_key), compare_keys);
	*out = schema;
	schema = NULL;
	ret = 0;
out:
	schema_free(schema);
	return ret;
}

static bool is_string_array(struct json_object *v)
{
	if (!json_object_is_type(v, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
			return false;
	}
	return true;
}

static bool record_ok(const struct fmt_schema *schema, struct json_object *values);
static bool records_ok(const struct fmt_schema *schema, struct json_object *records);

static bool value_ok(const struct fmt_field *field, struct json_object *v)
{
	switch (field->type) {
	case FT_STRING:
		return json_object_is_type(v, json_type_string);
	case FT_INT:
		return json_object_is_type(v, json_type_int);
	case FT_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case FT_LIST:
		return is_string_array(v);
	case FT_STRUCT:
		return record_ok(field->sub, v);
	case FT_STRUCT_LIST:
		return records_ok(field->sub, v);
	}
	return false;
}

static bool record_ok(const struct fmt_schema *schema, struct json_object *values)
{
	if (!json_object_is_type(values, json_type_array) ||
	    json_object_array_length(values) != schema->nfields)
		return false;
	for (size_t i = 0; i < schema->nfields; i++) {
		if (!value_ok(&schema->fields[i], json_object_array_get_idx(values, i)))
			return false;
	}
	return true;
}

static bool records_ok(const struct fmt_schema *schema, struct json_object *records)
{
	if (!json_object_is_type(records, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(records); i++) {
		if (!record_ok(schema, json_object_array_get_idx(records, i)))
			return false;
	}
	return true;
}

/* A table is flat: its cells are printed on one line. */
static bool table_schema_ok(const struct fmt_schema *schema)
{
	for (size_t i = 0; i < schema->nfields; i++) {
		if (schema->fields[i].type == FT_STRUCT || schema->fields[i].type == FT_STRUCT_LIST)
			return false;
	}
	return true;
}

static int parse_result(struct json_object *result, struct fmt_reply *reply)
{
	struct json_object *fields = NULL;
	int ret;

	if (!json_object_is_type(result, json_type_object))
		return -EPROTO;
	if (parse_shape(get_string(result, ESX_RES_SHAPE), &reply->shape) < 0)
		return -EPROTO;

	switch (reply->shape) {
	case FS_NONE:
		return 0;
	case FS_SCALAR: {
		struct fmt_field field = { .name = "", .key = "" };

		if (parse_type(get_string(result, ESX_RES_VALUE_TYPE), &reply->value_type) < 0 ||
		    reply->value_type == FT_LIST || reply->value_type == FT_STRUCT ||
		    reply->value_type == FT_STRUCT_LIST)
			return -EPROTO;
		field.type = reply->value_type;
		if (!json_object_object_get_ex(result, ESX_RES_VALUE, &reply->value) ||
		    !value_ok(&field, reply->value))
			return -EPROTO;
		return 0;
	}
	case FS_TABLE:
	case FS_STRUCTS:
	case FS_STRUCT:
		break;
	}

	json_object_object_get_ex(result, ESX_RES_FIELDS, &fields);
	ret = parse_schema(fields, get_string(result, ESX_RES_TYPENAME), 0, &reply->schema);
	if (ret < 0)
		return ret;

	if (reply->shape == FS_STRUCT) {
		if (!json_object_object_get_ex(result, ESX_RES_VALUE, &reply->value) ||
		    !record_ok(reply->schema, reply->value))
			return -EPROTO;
		return 0;
	}
	if (reply->shape == FS_TABLE && !table_schema_ok(reply->schema))
		return -EPROTO;
	if (!json_object_object_get_ex(result, ESX_RES_RECORDS, &reply->records) ||
	    !records_ok(reply->schema, reply->records))
		return -EPROTO;
	if (reply->shape == FS_STRUCTS) {
		if (!json_object_object_get_ex(result, ESX_RES_HEADINGS, &reply->headings) ||
		    !is_string_array(reply->headings) ||
		    json_object_array_length(reply->headings) !=
			    json_object_array_length(reply->records))
			return -EPROTO;
	}
	return 0;
}

int fmt_reply_parse(struct json_object *params, struct fmt_reply *reply)
{
	struct json_object *v, *result = NULL, *help = NULL;
	int ret;

	memset(reply, 0, sizeof(*reply));
	if (!json_object_is_type(params, json_type_object))
		return -EPROTO;
	if (!json_object_object_get_ex(params, ESX_KEY_SCHEMA_VERSION, &v) ||
	    !json_object_is_type(v, json_type_int) || json_object_get_int64(v) != ESX_SCHEMA_VERSION)
		return -EPROTO;
	if (json_object_object_get_ex(params, ESX_KEY_MESSAGE, &v)) {
		if (!json_object_is_type(v, json_type_string))
			return -EPROTO;
		reply->message = json_object_get_string(v);
	}
	json_object_object_get_ex(params, ESX_KEY_RESULT, &result);
	json_object_object_get_ex(params, ESX_KEY_HELP, &help);
	/* Exactly one of the two. */
	if (!result == !help)
		return -EPROTO;
	if (help) {
		if (!json_object_is_type(help, json_type_string))
			return -EPROTO;
		reply->help = json_object_get_string(help);
		return 0;
	}
	ret = parse_result(result, reply);
	if (ret < 0)
		fmt_reply_release(reply);
	return ret;
}

void fmt_reply_release(struct fmt_reply *reply)
{
	schema_free(reply->schema);
	reply->schema = NULL;
}

size_t fmt_field_index(const struct fmt_schema *schema, const struct fmt_field *field)
{
	return (size_t)(field - schema->fields);
}

void fmt_int_text(struct json_object *value, char *buf, size_t len)
{
	int64_t v = json_object_get_int64(value);

	if (v == INT64_MAX)
		snprintf(buf, len, "%" PRIu64, json_object_get_uint64(value));
	else
		snprintf(buf, len, "%" PRId64, v);
}

const char *fmt_bool_text(struct json_object *value)
{
	return json_object_get_boolean(value) ? "true" : "false";
}

static int render(FILE *mem, enum esx_formatter fmt, const struct fmt_reply *reply)
{
	if (fmt == FMT_JSON)
		return fmt_json_render(mem, reply);
	if (reply->help) {
		/* Help is text whatever the formatter, as on ESXi. */
		size_t len = strlen(reply->help);

		fputs(reply->help, mem);
		if (len > 0 && reply->help[len - 1] != '\n')
			fputc('\n', mem);
		if (reply->message && *reply->message)
			fprintf(mem, "%s\n", reply->message);
		return 0;
	}
	switch (fmt) {
	case FMT_TEXT:
		return fmt_text_render(mem, reply);
	case FMT_XML:
		return fmt_xml_render(mem, reply);
	case FMT_CSV:
		return fmt_csv_render(mem, reply);
	case FMT_KEYVALUE:
		return fmt_keyvalue_render(mem, reply);
	case FMT_JSON:
		break;
	}
	return -EINVAL;
}

int format_reply(FILE *out, enum esx_formatter fmt, struct json_object *params,
		 const struct format_opts *opts)
{
	struct fmt_reply reply;
	FILE *mem = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	(void)opts;
	ret = fmt_reply_parse(params, &reply);
	if (ret < 0)
		return ret;
	mem = open_memstream(&buf, &len);
	if (!mem) {
		ret = -ENOMEM;
		goto out;
	}
	ret = render(mem, fmt, &reply);
	if (ferror(mem) && ret == 0)
		ret = -ENOMEM;
	if (fclose(mem) != 0 && ret == 0)
		ret = -ENOMEM;
	mem = NULL;
	if (ret < 0)
		goto out;
	if ((len > 0 && fwrite(buf, 1, len, out) != len) || fflush(out) != 0)
		ret = -EIO;
out:
	if (mem)
		fclose(mem);
	free(buf);
	fmt_reply_release(&reply);
	return ret;
}

/* Add val to obj under key, taking val's reference even when adding fails. */
static int add_member(struct json_object *obj, const char *key, struct json_object *val,
		      bool null_ok)
{
	if ((!val && !null_ok) || json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static void error_json(FILE *out, const char *name, const char *message)
{
	struct json_object *root = json_object_new_object();
	struct json_object *error = json_object_new_object();
	const char *text;

	if (!root || !error)
		goto out;
	/* A missing name is a JSON null rather than a made-up one. */
	if (add_member(error, ESX_KEY_NAME, name ? json_object_new_string(name) : NULL,
		       !name) < 0 ||
	    add_member(error, ESX_KEY_MESSAGE, json_object_new_string(message ? message : ""),
		       false) < 0 ||
	    add_member(root, ESX_KEY_SCHEMA_VERSION, json_object_new_int(ESX_SCHEMA_VERSION),
		       false) < 0)
		goto out;
	if (add_member(root, ESX_KEY_ERROR, json_object_get(error), false) < 0)
		goto out;
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text)
		fprintf(out, "%s\n", text);
out:
	json_object_put(error);
	json_object_put(root);
}

void format_error(FILE *out, enum esx_formatter fmt, const char *name, const char *message,
		  const char *help)
{
	if (fmt == FMT_JSON) {
		error_json(out, name, message);
	} else {
		/* esxcli's own layout: the error, a blank line, then the command's help. */
		fprintf(out, "Error: %s\n\n", message ? message : "");
		if (help && *help) {
			size_t len = strlen(help);

			fputs(help, out);
			if (help[len - 1] != '\n')
				fputc('\n', out);
		}
	}
	fflush(out);
}
