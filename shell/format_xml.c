/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * --formatter=xml, as ESXi prints it. Confirmed from VMware's esxcli front-end
 * (XmlVisitor) and from captured ESXi 8 output of `network nic list` and
 * `vm process list`:
 *
 *   <?xml version="1.0" encoding="utf-8"?>
 *   <output xmlns="http://www.vmware.com/Products/ESX/5.0/esxcli">
 *   <root>
 *      <list type="structure">
 *         <structure typeName="Nic">
 *            <field name="AdminStatus">
 *               <string>Up</string>
 *            </field>
 *            ...
 *
 * - Every element on its own line, 3 spaces deeper per level; <root>, </root>
 *   and </output> are not indented.
 * - Fields are named by their key (display name without spaces) and come
 *   sorted by key in byte order ("DPUId" before "Description"), not in the
 *   text layout's order; the structure's typeName is the schema's typeName.
 * - Values: <string>, <integer>, <boolean>true|false</boolean>; a list is
 *   <list type="string"> with one <string> per item (an empty list keeps its
 *   open and close tags); a nested structure is a <structure> inside <field>;
 *   a list of nested structures is a <list type="structure"> inside <field>,
 *   one <structure> per element (the front-end's visitor names a list by its
 *   item type, whatever the depth).
 * - A table and a list of structures are both <list type="structure">; the
 *   headings of a list of structures are not printed (ESXi's heading is a
 *   text-formatter hint). A scalar is the bare element inside <root>.
 * - Text escapes &, < and > (pyVmomi's XmlEscape); attributes also escape ".
 *   Control characters XML 1.0 cannot carry (all below 0x20 except tab, LF
 *   and CR) are dropped.
 * Our choices (no ESXi capture seen): a "none" result is an empty <root>;
 * with a message, the message is the result, as <string> (ESXi commands that
 * report a sentence return it as a string). A message next to any other
 * result is left out, so the document stays one value.
 */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "format_internal.h"

#define XML_INDENT 3
#define ESXCLI_XMLNS "http://www.vmware.com/Products/ESX/5.0/esxcli"

static void put_escaped(FILE *out, const char *s, int attribute)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			fputs("&amp;", out);
		else if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '"' && attribute)
			fputs("&quot;", out);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		else
			fputc(c, out);
	}
}

static void put_indent(FILE *out, int level)
{
	fprintf(out, "%*s", level * XML_INDENT, "");
}

static void put_element(FILE *out, int level, const char *tag, const char *text)
{
	put_indent(out, level);
	fprintf(out, "<%s>", tag);
	put_escaped(out, text, 0);
	fprintf(out, "</%s>\n", tag);
}

static void put_structure(FILE *out, int level, const struct fmt_schema *schema,
			  struct json_object *values);

static void put_value(FILE *out, int level, enum fmt_type type, const struct fmt_schema *sub,
		      struct json_object *v)
{
	char num[32];

	switch (type) {
	case FT_STRING:
		put_element(out, level, "string", json_object_get_string(v));
		break;
	case FT_INT:
		fmt_int_text(v, num, sizeof(num));
		put_element(out, level, "integer", num);
		break;
	case FT_BOOL:
		put_element(out, level, "boolean", fmt_bool_text(v));
		break;
	case FT_LIST:
		put_indent(out, level);
		fputs("<list type=\"string\">\n", out);
		for (size_t i = 0; i < json_object_array_length(v); i++)
			put_element(out, level + 1, "string",
				    json_object_get_string(json_object_array_get_idx(v, i)));
		put_indent(out, level);
		fputs("</list>\n", out);
		break;
	case FT_STRUCT:
		put_structure(out, level, sub, v);
		break;
	case FT_STRUCT_LIST:
		put_indent(out, level);
		fputs("<list type=\"structure\">\n", out);
		for (size_t i = 0; i < json_object_array_length(v); i++)
			put_structure(out, level + 1, sub, json_object_array_get_idx(v, i));
		put_indent(out, level);
		fputs("</list>\n", out);
		break;
	}
}

static void put_structure(FILE *out, int level, const struct fmt_schema *schema,
			  struct json_object *values)
{
	put_indent(out, level);
	fputs("<structure typeName=\"", out);
	put_escaped(out, schema->type_name, 1);
	fputs("\">\n", out);
	for (size_t i = 0; i < schema->nfields; i++) {
		const struct fmt_field *field = schema->by_key[i];
		struct json_object *v =
			json_object_array_get_idx(values, fmt_field_index(schema, field));

		put_indent(out, level + 1);
		fputs("<field name=\"", out);
		put_escaped(out, field->key, 1);
		fputs("\">\n", out);
		put_value(out, level + 2, field->type, field->sub, v);
		put_indent(out, level + 1);
		fputs("</field>\n", out);
	}
	put_indent(out, level);
	fputs("</structure>\n", out);
}

int fmt_xml_render(FILE *out, const struct fmt_reply *reply)
{
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	      "<output xmlns=\"" ESXCLI_XMLNS "\">\n"
	      "<root>\n", out);
	switch (reply->shape) {
	case FS_TABLE:
	case FS_STRUCTS:
		put_indent(out, 1);
		fputs("<list type=\"structure\">\n", out);
		for (size_t r = 0; r < json_object_array_length(reply->records); r++)
			put_structure(out, 2, reply->schema,
				      json_object_array_get_idx(reply->records, r));
		put_indent(out, 1);
		fputs("</list>\n", out);
		break;
	case FS_STRUCT:
		put_structure(out, 1, reply->schema, reply->value);
		break;
	case FS_SCALAR:
		put_value(out, 1, reply->value_type, NULL, reply->value);
		break;
	case FS_NONE:
		if (reply->message)
			put_element(out, 1, "string", reply->message);
		break;
	}
	fputs("</root>\n</output>\n", out);
	return 0;
}
