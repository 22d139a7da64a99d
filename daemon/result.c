/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Typed result builder: handlers set fields by name; records are kept as JSON
 * arrays in schema order and checked for completeness before they are sent.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "result.h"

struct esx_record {
	const struct esx_schema *schema;
	struct json_object *values;     /* array, one slot per schema field */
	struct esx_record **children;   /* nested records, owned */
	size_t nchildren;
	struct esx_result *owner;
	struct esx_record *next;        /* the result's list of top-level records */
};

struct esx_result {
	enum esx_shape shape;
	const struct esx_schema *schema;
	enum esx_vtype scalar_type;
	struct esx_record *first, *last;
	struct esx_record sink;         /* absorbs writes after a failure */
	struct json_object *headings;
	struct json_object *scalar;
	char *message;
	size_t nrecords;
	int failed;                     /* negative errno */
	char why[256];
};

static void fail(struct esx_result *r, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct esx_result *r, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = -errnum;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static size_t schema_len(const struct esx_schema *schema)
{
	size_t n = 0;

	while (schema && schema->fields[n].name)
		n++;
	return n;
}

static struct esx_record *record_new(struct esx_result *r, const struct esx_schema *schema)
{
	struct esx_record *rec = calloc(1, sizeof(*rec));

	if (!rec) {
		fail(r, ENOMEM, "out of memory");
		return &r->sink;
	}
	rec->schema = schema;
	rec->owner = r;
	rec->values = json_object_new_array_ext((int)schema_len(schema));
	if (!rec->values) {
		free(rec);
		fail(r, ENOMEM, "out of memory");
		return &r->sink;
	}
	return rec;
}

static void record_free(struct esx_record *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->nchildren; i++)
		record_free(rec->children[i]);
	free(rec->children);
	json_object_put(rec->values);
	free(rec);
}

struct esx_result *result_new(enum esx_shape shape, const struct esx_schema *schema,
			      enum esx_vtype scalar_type)
{
	struct esx_result *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->shape = shape;
	r->schema = schema;
	r->scalar_type = scalar_type;
	r->sink.owner = r;
	if ((shape == SHAPE_TABLE || shape == SHAPE_STRUCTS || shape == SHAPE_STRUCT) && !schema)
		fail(r, EPROTO, "command declares no schema for its records");
	return r;
}

void result_free(struct esx_result *r)
{
	struct esx_record *rec, *next;

	if (!r)
		return;
	for (rec = r->first; rec; rec = next) {
		next = rec->next;
		record_free(rec);
	}
	json_object_put(r->headings);
	json_object_put(r->scalar);
	free(r->message);
	free(r);
}

struct esx_record *result_record(struct esx_result *r, const char *heading)
{
	struct esx_record *rec;

	if (r->failed)
		return &r->sink;
	if (r->shape != SHAPE_TABLE && r->shape != SHAPE_STRUCTS && r->shape != SHAPE_STRUCT) {
		fail(r, EPROTO, "a %s result has no records", result_shape_name(r->shape));
		return &r->sink;
	}
	if (r->shape == SHAPE_STRUCT && r->nrecords > 0) {
		fail(r, EPROTO, "a single structure takes one record");
		return &r->sink;
	}
	if ((r->shape == SHAPE_STRUCTS) != (heading != NULL)) {
		fail(r, EPROTO, "record heading given for the wrong shape");
		return &r->sink;
	}
	if (heading) {
		if (!r->headings)
			r->headings = json_object_new_array();
		if (!r->headings ||
		    json_object_array_add(r->headings, json_object_new_string(heading)) < 0) {
			fail(r, ENOMEM, "out of memory");
			return &r->sink;
		}
	}
	rec = record_new(r, r->schema);
	if (rec == &r->sink)
		return rec;
	if (r->last)
		r->last->next = rec;
	else
		r->first = rec;
	r->last = rec;
	r->nrecords++;
	return rec;
}

/* Find the slot of a field, checking its declared type. */
static int field_slot(struct esx_record *rec, const char *field, enum esx_vtype type)
{
	struct esx_result *r = rec->owner;

	if (rec == &r->sink || r->failed)
		return -1;
	for (size_t i = 0; rec->schema->fields[i].name; i++) {
		const struct esx_field_def *def = &rec->schema->fields[i];

		if (strcmp(def->name, field) != 0)
			continue;
		if (def->type != type) {
			fail(r, EPROTO, "field '%s' is a %s, set as a %s", field,
			     result_vtype_name(def->type), result_vtype_name(type));
			return -1;
		}
		return (int)i;
	}
	fail(r, EPROTO, "field '%s' is not in the schema of %s", field, rec->schema->type_name);
	return -1;
}

static void put_value(struct esx_record *rec, int slot, const char *field, struct json_object *v)
{
	struct esx_result *r = rec->owner;

	if (!v) {
		fail(r, ENOMEM, "out of memory");
		return;
	}
	if (json_object_array_get_idx(rec->values, (size_t)slot)) {
		json_object_put(v);
		fail(r, EPROTO, "field '%s' set twice", field);
		return;
	}
	if (json_object_array_put_idx(rec->values, (size_t)slot, v) < 0) {
		json_object_put(v);
		fail(r, ENOMEM, "out of memory");
	}
}

void rec_str(struct esx_record *rec, const char *field, const char *value)
{
	int slot = field_slot(rec, field, VT_STRING);

	if (slot >= 0)
		put_value(rec, slot, field, json_object_new_string(value ? value : ""));
}

void rec_strf(struct esx_record *rec, const char *field, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rec_str(rec, field, buf);
}

void rec_int(struct esx_record *rec, const char *field, long long value)
{
	int slot = field_slot(rec, field, VT_INT);

	if (slot >= 0)
		put_value(rec, slot, field, json_object_new_int64(value));
}

void rec_bool(struct esx_record *rec, const char *field, bool value)
{
	int slot = field_slot(rec, field, VT_BOOL);

	if (slot >= 0)
		put_value(rec, slot, field, json_object_new_boolean(value));
}

void rec_list_begin(struct esx_record *rec, const char *field)
{
	int slot = field_slot(rec, field, VT_LIST);

	if (slot >= 0)
		put_value(rec, slot, field, json_object_new_array());
}

void rec_list_add(struct esx_record *rec, const char *field, const char *item)
{
	int slot = field_slot(rec, field, VT_LIST);
	struct json_object *list;

	if (slot < 0)
		return;
	list = json_object_array_get_idx(rec->values, (size_t)slot);
	if (!list) {
		fail(rec->owner, EPROTO, "list field '%s' used before rec_list_begin", field);
		return;
	}
	if (json_object_array_add(list, json_object_new_string(item ? item : "")) < 0)
		fail(rec->owner, ENOMEM, "out of memory");
}

/* A new record of schema sub, owned by rec (freed and checked with it). */
static struct esx_record *child_record(struct esx_record *rec, const struct esx_schema *sub)
{
	struct esx_result *r = rec->owner;
	struct esx_record *child, **children;

	child = record_new(r, sub);
	if (child == &r->sink)
		return child;
	children = realloc(rec->children, (rec->nchildren + 1) * sizeof(*children));
	if (!children) {
		record_free(child);
		fail(r, ENOMEM, "out of memory");
		return &r->sink;
	}
	rec->children = children;
	rec->children[rec->nchildren++] = child;
	return child;
}

struct esx_record *rec_struct(struct esx_record *rec, const char *field)
{
	struct esx_result *r = rec->owner;
	int slot = field_slot(rec, field, VT_STRUCT);
	struct esx_record *child;

	if (slot < 0)
		return &r->sink;
	if (json_object_array_get_idx(rec->values, (size_t)slot)) {
		fail(r, EPROTO, "field '%s' set twice", field);
		return &r->sink;
	}
	child = child_record(rec, rec->schema->fields[slot].sub);
	if (child == &r->sink)
		return child;
	/* The child's array is shared into the parent's slot; the parent's
	 * reference keeps it alive after the child record is freed. */
	json_object_array_put_idx(rec->values, (size_t)slot, json_object_get(child->values));
	return child;
}

void rec_struct_list_begin(struct esx_record *rec, const char *field)
{
	int slot = field_slot(rec, field, VT_STRUCT_LIST);

	if (slot >= 0)
		put_value(rec, slot, field, json_object_new_array());
}

struct esx_record *rec_struct_list_add(struct esx_record *rec, const char *field)
{
	struct esx_result *r = rec->owner;
	int slot = field_slot(rec, field, VT_STRUCT_LIST);
	struct esx_record *child;
	struct json_object *list;

	if (slot < 0)
		return &r->sink;
	list = json_object_array_get_idx(rec->values, (size_t)slot);
	if (!list) {
		rec_struct_list_begin(rec, field);
		list = json_object_array_get_idx(rec->values, (size_t)slot);
		if (!list)
			return &r->sink;
	}
	child = child_record(rec, rec->schema->fields[slot].sub);
	if (child == &r->sink)
		return child;
	/* Shared as in rec_struct: the list keeps the element's values. */
	if (json_object_array_add(list, json_object_get(child->values)) < 0) {
		json_object_put(child->values);
		fail(r, ENOMEM, "out of memory");
		return &r->sink;
	}
	return child;
}

static void set_scalar(struct esx_result *r, enum esx_vtype type, struct json_object *v)
{
	if (r->failed) {
		json_object_put(v);
		return;
	}
	if (!v) {
		fail(r, ENOMEM, "out of memory");
		return;
	}
	if (r->shape != SHAPE_SCALAR || r->scalar_type != type || r->scalar) {
		json_object_put(v);
		fail(r, EPROTO, "scalar set on the wrong kind of result");
		return;
	}
	r->scalar = v;
}

void result_scalar_str(struct esx_result *r, const char *value)
{
	set_scalar(r, VT_STRING, json_object_new_string(value ? value : ""));
}

void result_scalar_int(struct esx_result *r, long long value)
{
	set_scalar(r, VT_INT, json_object_new_int64(value));
}

void result_scalar_bool(struct esx_result *r, bool value)
{
	set_scalar(r, VT_BOOL, json_object_new_boolean(value));
}

void result_message(struct esx_result *r, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg) {
		fail(r, ENOMEM, "out of memory");
		return;
	}
	free(r->message);
	r->message = msg;
}

void result_field_key(const char *name, char *out, size_t out_len)
{
	size_t n = 0;

	if (out_len == 0)
		return;
	for (const char *p = name; *p && n + 1 < out_len; p++) {
		if (isalnum((unsigned char)*p))
			out[n++] = *p;
	}
	out[n] = '\0';
}

const char *result_shape_name(enum esx_shape shape)
{
	switch (shape) {
	case SHAPE_TABLE: return ESX_SHAPE_TABLE;
	case SHAPE_STRUCTS: return ESX_SHAPE_STRUCTS;
	case SHAPE_STRUCT: return ESX_SHAPE_STRUCT;
	case SHAPE_SCALAR: return ESX_SHAPE_SCALAR;
	case SHAPE_NONE: break;
	}
	return ESX_SHAPE_NONE;
}

const char *result_vtype_name(enum esx_vtype type)
{
	switch (type) {
	case VT_INT: return ESX_TYPE_INT;
	case VT_BOOL: return ESX_TYPE_BOOL;
	case VT_LIST: return ESX_TYPE_LIST;
	case VT_STRUCT: return ESX_TYPE_STRUCT;
	case VT_STRUCT_LIST: return ESX_TYPE_STRUCT_LIST;
	case VT_STRING: break;
	}
	return ESX_TYPE_STRING;
}

static struct json_object *schema_json(const struct esx_schema *schema)
{
	struct json_object *fields = json_object_new_array();

	if (!fields)
		return NULL;
	for (size_t i = 0; schema->fields[i].name; i++) {
		const struct esx_field_def *def = &schema->fields[i];
		struct json_object *f = json_object_new_object();
		char key[128];

		if (!f || json_object_array_add(fields, f) < 0) {
			json_object_put(f);
			goto fail;
		}
		result_field_key(def->name, key, sizeof(key));
		json_object_object_add(f, ESX_FIELD_NAME, json_object_new_string(def->name));
		json_object_object_add(f, ESX_FIELD_KEY, json_object_new_string(key));
		json_object_object_add(f, ESX_FIELD_TYPE,
				       json_object_new_string(result_vtype_name(def->type)));
		if (def->type == VT_STRUCT || def->type == VT_STRUCT_LIST) {
			struct json_object *sub = def->sub ? schema_json(def->sub) : NULL;

			if (!sub)
				goto fail;
			json_object_object_add(f, ESX_RES_TYPENAME,
					       json_object_new_string(def->sub->type_name));
			json_object_object_add(f, ESX_RES_FIELDS, sub);
		}
	}
	return fields;
fail:
	json_object_put(fields);
	return NULL;
}

/* Every slot of a record and of its nested records must be set. */
static int record_complete(struct esx_result *r, const struct esx_record *rec)
{
	size_t n = schema_len(rec->schema);

	for (size_t i = 0; i < n; i++) {
		if (!json_object_array_get_idx(rec->values, i)) {
			fail(r, EPROTO, "field '%s' of %s was not set", rec->schema->fields[i].name,
			     rec->schema->type_name);
			return -1;
		}
	}
	for (size_t i = 0; i < rec->nchildren; i++) {
		if (record_complete(r, rec->children[i]) < 0)
			return -1;
	}
	return 0;
}

int result_finish(struct esx_result *r, struct json_object **out, const char **message,
		  char *why, size_t why_len)
{
	struct json_object *obj = NULL, *records = NULL;
	const struct esx_record *rec;
	int ret = -ENOMEM;

	*out = NULL;
	*message = r->message;
	for (rec = r->first; rec && !r->failed; rec = rec->next)
		record_complete(r, rec);
	if (!r->failed && r->shape == SHAPE_STRUCT && r->nrecords != 1)
		fail(r, EPROTO, "a single structure was not filled");
	if (!r->failed && r->shape == SHAPE_SCALAR && !r->scalar)
		fail(r, EPROTO, "no value was set");
	if (r->failed) {
		snprintf(why, why_len, "%s", r->why);
		return r->failed;
	}

	obj = json_object_new_object();
	if (!obj)
		goto out;
	json_object_object_add(obj, ESX_RES_SHAPE, json_object_new_string(result_shape_name(r->shape)));
	if (r->schema) {
		struct json_object *fields = schema_json(r->schema);

		if (!fields)
			goto out;
		json_object_object_add(obj, ESX_RES_TYPENAME, json_object_new_string(r->schema->type_name));
		json_object_object_add(obj, ESX_RES_FIELDS, fields);
	}
	switch (r->shape) {
	case SHAPE_TABLE:
	case SHAPE_STRUCTS:
		records = json_object_new_array();
		if (!records)
			goto out;
		json_object_object_add(obj, ESX_RES_RECORDS, records);
		for (rec = r->first; rec; rec = rec->next)
			json_object_array_add(records, json_object_get(rec->values));
		if (r->shape == SHAPE_STRUCTS)
			json_object_object_add(obj, ESX_RES_HEADINGS,
					       r->headings ? json_object_get(r->headings)
							   : json_object_new_array());
		break;
	case SHAPE_STRUCT:
		json_object_object_add(obj, ESX_RES_VALUE, json_object_get(r->first->values));
		break;
	case SHAPE_SCALAR:
		json_object_object_add(obj, ESX_RES_VALUE_TYPE,
				       json_object_new_string(result_vtype_name(r->scalar_type)));
		json_object_object_add(obj, ESX_RES_VALUE, json_object_get(r->scalar));
		break;
	case SHAPE_NONE:
		break;
	}
	*out = obj;
	obj = NULL;
	ret = 0;
out:
	json_object_put(obj);
	if (ret < 0)
		snprintf(why, why_len, "out of memory");
	return ret;
}
