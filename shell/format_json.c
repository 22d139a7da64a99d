/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * --formatter=json: the project's own extension (ESXi 7+ has a json formatter
 * of a different shape; this one carries the schema version so scripts can
 * tell). One compact document per invocation, ended by a newline:
 *
 *   {"schemaVersion":1,"result":X}            plus "message":M when present
 *   {"schemaVersion":1,"help":TEXT}           for a help reply
 *
 * X is an array of objects for a table or a list of structures (headings are
 * not repeated: they are a field of the record), an object for a single
 * structure, the value for a scalar, null for none. Objects are keyed by the
 * field's key ("PCIDevice", not "PCI Device": script-friendly, and the name
 * xml, csv and keyvalue use), in the command's field order. Ints are numbers,
 * bools booleans, lists arrays of strings, nested structures objects, lists
 * of nested structures arrays of objects.
 */
#include "config.h"

#include <errno.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "format_internal.h"

static struct json_object *record_object(const struct fmt_schema *schema,
					 struct json_object *values);

static struct json_object *record_array(const struct fmt_schema *schema,
					struct json_object *records)
{
	struct json_object *list = json_object_new_array();
	struct json_object *obj = NULL, *ret = NULL;

	if (!list)
		goto out;
	for (size_t r = 0; r < json_object_array_length(records); r++) {
		obj = record_object(schema, json_object_array_get_idx(records, r));
		if (!obj || json_object_array_add(list, obj) < 0)
			goto out;
		obj = NULL;
	}
	ret = list;
	list = NULL;
out:
	json_object_put(obj);
	json_object_put(list);
	return ret;
}

static struct json_object *record_object(const struct fmt_schema *schema,
					 struct json_object *values)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *copy = NULL, *ret = NULL;

	if (!obj)
		goto out;
	for (size_t i = 0; i < schema->nfields; i++) {
		const struct fmt_field *field = &schema->fields[i];
		struct json_object *v = json_object_array_get_idx(values, i);

		/* Leaves are shared with the reply, by reference. */
		if (field->type == FT_STRUCT)
			copy = record_object(field->sub, v);
		else if (field->type == FT_STRUCT_LIST)
			copy = record_array(field->sub, v);
		else
			copy = json_object_get(v);
		if (!copy || json_object_object_add(obj, field->key, copy) < 0)
			goto out;
		copy = NULL;
	}
	ret = obj;
	obj = NULL;
out:
	json_object_put(copy);
	json_object_put(obj);
	return ret;
}

static int result_json(const struct fmt_reply *reply, struct json_object **out)
{
	*out = NULL;
	switch (reply->shape) {
	case FS_NONE:
		return 0;
	case FS_SCALAR:
		*out = json_object_get(reply->value);
		return 0;
	case FS_STRUCT:
		*out = record_object(reply->schema, reply->value);
		return *out ? 0 : -ENOMEM;
	case FS_TABLE:
	case FS_STRUCTS:
		break;
	}
	*out = record_array(reply->schema, reply->records);
	return *out ? 0 : -ENOMEM;
}

int fmt_json_render(FILE *out, const struct fmt_reply *reply)
{
	struct json_object *root = json_object_new_object();
	struct json_object *version = NULL, *body = NULL, *message = NULL;
	const char *text;
	int ret = -ENOMEM;

	if (!root)
		goto out;
	version = json_object_new_int(ESX_SCHEMA_VERSION);
	if (!version || json_object_object_add(root, ESX_KEY_SCHEMA_VERSION, version) < 0)
		goto out;
	version = NULL;
	if (reply->help) {
		body = json_object_new_string(reply->help);
		if (!body || json_object_object_add(root, ESX_KEY_HELP, body) < 0)
			goto out;
	} else {
		ret = result_json(reply, &body);
		if (ret < 0)
			goto out;
		ret = -ENOMEM;
		/* A none result is a JSON null: body stays NULL. */
		if (json_object_object_add(root, ESX_KEY_RESULT, body) < 0)
			goto out;
	}
	body = NULL;
	if (reply->message) {
		message = json_object_new_string(reply->message);
		if (!message || json_object_object_add(root, ESX_KEY_MESSAGE, message) < 0)
			goto out;
		message = NULL;
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		goto out;
	fprintf(out, "%s\n", text);
	ret = 0;
out:
	json_object_put(message);
	json_object_put(body);
	json_object_put(version);
	json_object_put(root);
	return ret;
}
