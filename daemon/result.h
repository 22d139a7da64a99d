/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Typed, ordered command results. A command declares a schema (its record's
 * fields, in ESXi's order); its handler fills records through this builder by
 * field name; the engine sends the result as JSON (protocol.h, RESULT) and the
 * shell renders it. A field left unset or set twice, or a name not in the
 * schema, makes the result invalid: the call fails instead of sending a
 * half-filled record.
 */
#ifndef ESXD_RESULT_H
#define ESXD_RESULT_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum esx_shape {
	SHAPE_NONE = 0, /* no output on success (ESXi prints nothing) */
	SHAPE_TABLE,    /* rows with a header line */
	SHAPE_STRUCTS,  /* list of structures, each with a heading */
	SHAPE_STRUCT,   /* one structure, no heading */
	SHAPE_SCALAR,   /* a bare value */
};

enum esx_vtype {
	VT_STRING = 0,
	VT_INT,
	VT_BOOL,
	VT_LIST,    /* list of strings, printed comma-separated */
	VT_STRUCT,  /* nested structure */
	VT_STRUCT_LIST, /* list of nested structures, all of one schema */
};

struct esx_schema;

struct esx_field_def {
	const char *name;                /* display name, "PCI Device" */
	enum esx_vtype type;
	const struct esx_schema *sub;    /* VT_STRUCT and VT_STRUCT_LIST: the nested schema */
};

struct esx_schema {
	const char *type_name;                 /* "NIC": struct type for xml/keyvalue */
	const struct esx_field_def *fields;    /* terminated by an entry with name NULL */
};

struct esx_result;
struct esx_record;

struct esx_result *result_new(enum esx_shape shape, const struct esx_schema *schema,
			      enum esx_vtype scalar_type);
void result_free(struct esx_result *r);

/* Start a record. heading: required for SHAPE_STRUCTS, NULL otherwise.
 * SHAPE_STRUCT takes exactly one record. Never NULL: on failure the result is
 * marked invalid and a dummy record absorbs the writes. */
struct esx_record *result_record(struct esx_result *r, const char *heading);

void rec_str(struct esx_record *rec, const char *field, const char *value); /* NULL → "" */
void rec_strf(struct esx_record *rec, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rec_int(struct esx_record *rec, const char *field, long long value);
void rec_bool(struct esx_record *rec, const char *field, bool value);
/* A list field: call rec_list_begin once (an empty list is valid), then append. */
void rec_list_begin(struct esx_record *rec, const char *field);
void rec_list_add(struct esx_record *rec, const char *field, const char *item);
/* A nested structure: returns its record, filled the same way. */
struct esx_record *rec_struct(struct esx_record *rec, const char *field);
/* A list of nested structures: each call appends an element and returns its
 * record, filled the same way (every element is checked for completeness).
 * The first call starts the list; rec_struct_list_begin starts it without an
 * element, which is how a list that stays empty is set. Beginning a list
 * twice, or after an element was added, marks the field as set twice. */
void rec_struct_list_begin(struct esx_record *rec, const char *field);
struct esx_record *rec_struct_list_add(struct esx_record *rec, const char *field);

void result_scalar_str(struct esx_result *r, const char *value);
void result_scalar_int(struct esx_result *r, long long value);
void result_scalar_bool(struct esx_result *r, bool value);

/* A line printed after the result ("Software iSCSI Enabled"). */
void result_message(struct esx_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Check that every record is complete and build the JSON RESULT object.
 * Returns 0 and *out (caller owns), or -EPROTO/-ENOMEM with a reason in why. */
int result_finish(struct esx_result *r, struct json_object **out, const char **message,
		  char *why, size_t why_len);

/* "PCI Device" → "PCIDevice": the key xml, csv and keyvalue use. */
void result_field_key(const char *name, char *out, size_t out_len);

const char *result_shape_name(enum esx_shape shape);
const char *result_vtype_name(enum esx_vtype type);

#endif
