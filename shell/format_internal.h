/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the formatters share: an Execute reply checked against its schema
 * (format.c) and the per-formatter renderers. A renderer only ever sees a reply
 * that passed the checks, so it never has to stop half-way on bad input.
 */
#ifndef ESXSH_FORMAT_INTERNAL_H
#define ESXSH_FORMAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

enum fmt_type {
	FT_STRING = 0,
	FT_INT,
	FT_BOOL,
	FT_LIST,        /* array of strings */
	FT_STRUCT,      /* array of values, in the nested schema's order */
	FT_STRUCT_LIST, /* array of FT_STRUCT values, all of the nested schema */
};

enum fmt_shape {
	FS_NONE = 0,
	FS_TABLE,
	FS_STRUCTS,
	FS_STRUCT,
	FS_SCALAR,
};

struct fmt_schema;

struct fmt_field {
	const char *name;               /* display name, "PCI Device" */
	const char *key;                /* "PCIDevice": xml, csv, keyvalue, json */
	enum fmt_type type;
	struct fmt_schema *sub;         /* FT_STRUCT, FT_STRUCT_LIST: the nested schema */
};

struct fmt_schema {
	const char *type_name;          /* "Nic": xml typeName, keyvalue prefix */
	size_t nfields;
	struct fmt_field *fields;       /* in the command's (text) order */
	const struct fmt_field **by_key; /* sorted by key, the order ESXi's script formatters use */
};

/* A checked reply. Strings and json objects are borrowed from the parameters
 * object, which must outlive it. */
struct fmt_reply {
	const char *help;               /* a help reply: nothing else is set */
	const char *message;            /* optional line printed after the result */
	enum fmt_shape shape;
	struct fmt_schema *schema;      /* table, structs, struct */
	struct json_object *records;    /* table, structs: array of value arrays */
	struct json_object *headings;   /* structs: one string per record */
	struct json_object *value;      /* struct: value array; scalar: the value */
	enum fmt_type value_type;       /* scalar */
};

/* Check params against protocol.h's schema. 0, -EPROTO or -ENOMEM. */
int fmt_reply_parse(struct json_object *params, struct fmt_reply *reply);
void fmt_reply_release(struct fmt_reply *reply);

/* Position of a field in its schema, i.e. of its value in a record. */
size_t fmt_field_index(const struct fmt_schema *schema, const struct fmt_field *field);

/* Decimal text of an int value (json-c keeps values above INT64_MAX as uint64). */
void fmt_int_text(struct json_object *value, char *buf, size_t len);

const char *fmt_bool_text(struct json_object *value);

/* Each renderer writes one checked reply (never a help reply) to out, which is
 * a memory stream: write errors are collected by the caller. 0 or -ENOMEM. */
int fmt_text_render(FILE *out, const struct fmt_reply *reply);
int fmt_xml_render(FILE *out, const struct fmt_reply *reply);
int fmt_csv_render(FILE *out, const struct fmt_reply *reply);
int fmt_keyvalue_render(FILE *out, const struct fmt_reply *reply);
int fmt_json_render(FILE *out, const struct fmt_reply *reply);

#endif
