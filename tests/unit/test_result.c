/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the typed result builder and the JSON it produces. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "result.h"

static const struct esx_field_def driver_fields[] = {
	{ "Bus Info", VT_STRING, NULL },
	{ "Driver", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema driver_schema = { "DriverInfo", driver_fields };

static const struct esx_field_def nic_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "MTU", VT_INT, NULL },
	{ "Link Up", VT_BOOL, NULL },
	{ "Uplinks", VT_LIST, NULL },
	{ "Driver Info", VT_STRUCT, &driver_schema },
	{ NULL, 0, NULL },
};
static const struct esx_schema nic_schema = { "NIC", nic_fields };

static const struct esx_field_def hop_fields[] = {
	{ "Host", VT_STRING, NULL },
	{ "ICMP Seq", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema hop_schema = { "PingTrace", hop_fields };

static const struct esx_field_def ping_fields[] = {
	{ "Trace", VT_STRUCT_LIST, &hop_schema },
	{ "Transmitted", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema ping_schema = { "Ping", ping_fields };

static struct json_object *finish_ok(struct esx_result *r)
{
	struct json_object *out = NULL;
	const char *message;
	char why[256];

	ck_assert_msg(result_finish(r, &out, &message, why, sizeof(why)) == 0, "%s", why);
	return out;
}

static int finish_err(struct esx_result *r, char *why, size_t len)
{
	struct json_object *out = NULL;
	const char *message;
	int ret = result_finish(r, &out, &message, why, len);

	ck_assert_ptr_null(out);
	return ret;
}

static void fill(struct esx_record *rec, const char *name)
{
	struct esx_record *drv;

	rec_str(rec, "Name", name);
	rec_int(rec, "MTU", 9000);
	rec_bool(rec, "Link Up", true);
	rec_list_begin(rec, "Uplinks");
	rec_list_add(rec, "Uplinks", "vmnic1");
	rec_list_add(rec, "Uplinks", "vmnic2");
	drv = rec_struct(rec, "Driver Info");
	rec_str(drv, "Bus Info", "0000:09:00.0");
	rec_str(drv, "Driver", "ixgbe");
}

START_TEST(structs_in_schema_order)
{
	struct esx_result *r = result_new(SHAPE_STRUCTS, &nic_schema, VT_STRING);
	struct json_object *out;
	const char *expected =
		"{\"shape\":\"structs\",\"typeName\":\"NIC\",\"fields\":["
		"{\"name\":\"Name\",\"key\":\"Name\",\"type\":\"string\"},"
		"{\"name\":\"MTU\",\"key\":\"MTU\",\"type\":\"int\"},"
		"{\"name\":\"Link Up\",\"key\":\"LinkUp\",\"type\":\"bool\"},"
		"{\"name\":\"Uplinks\",\"key\":\"Uplinks\",\"type\":\"list\"},"
		"{\"name\":\"Driver Info\",\"key\":\"DriverInfo\",\"type\":\"struct\",\"typeName\":\"DriverInfo\",\"fields\":["
		"{\"name\":\"Bus Info\",\"key\":\"BusInfo\",\"type\":\"string\"},"
		"{\"name\":\"Driver\",\"key\":\"Driver\",\"type\":\"string\"}]}],"
		"\"records\":[[\"vmk1\",9000,true,[\"vmnic1\",\"vmnic2\"],[\"0000:09:00.0\",\"ixgbe\"]]],"
		"\"headings\":[\"vmk1\"]}";

	/* Fields set out of order land in schema order. */
	struct esx_record *rec = result_record(r, "vmk1");
	struct esx_record *drv = rec_struct(rec, "Driver Info");

	rec_str(drv, "Driver", "ixgbe");
	rec_str(drv, "Bus Info", "0000:09:00.0");
	rec_bool(rec, "Link Up", true);
	rec_list_begin(rec, "Uplinks");
	rec_list_add(rec, "Uplinks", "vmnic1");
	rec_list_add(rec, "Uplinks", "vmnic2");
	rec_int(rec, "MTU", 9000);
	rec_str(rec, "Name", "vmk1");
	out = finish_ok(r);
	ck_assert_str_eq(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN), expected);
	json_object_put(out);
	result_free(r);
}
END_TEST

START_TEST(table_rows)
{
	struct esx_result *r = result_new(SHAPE_TABLE, &nic_schema, VT_STRING);
	struct json_object *out, *records;

	fill(result_record(r, NULL), "a");
	fill(result_record(r, NULL), "b");
	out = finish_ok(r);
	ck_assert(json_object_object_get_ex(out, ESX_RES_RECORDS, &records));
	ck_assert_int_eq(json_object_array_length(records), 2);
	ck_assert(!json_object_object_get_ex(out, ESX_RES_HEADINGS, NULL));
	json_object_put(out);
	result_free(r);
}
END_TEST

START_TEST(empty_table_is_valid)
{
	struct esx_result *r = result_new(SHAPE_TABLE, &nic_schema, VT_STRING);
	struct json_object *out = finish_ok(r), *records;

	ck_assert(json_object_object_get_ex(out, ESX_RES_RECORDS, &records));
	ck_assert_int_eq(json_object_array_length(records), 0);
	json_object_put(out);
	result_free(r);
}
END_TEST

START_TEST(missing_field_refused)
{
	struct esx_result *r = result_new(SHAPE_TABLE, &nic_schema, VT_STRING);
	struct esx_record *rec = result_record(r, NULL);
	char why[256];

	rec_str(rec, "Name", "x");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'MTU' of NIC was not set");
	result_free(r);
}
END_TEST

START_TEST(nested_missing_field_refused)
{
	struct esx_result *r = result_new(SHAPE_STRUCT, &nic_schema, VT_STRING);
	struct esx_record *rec = result_record(r, NULL);
	char why[256];

	rec_str(rec, "Name", "x");
	rec_int(rec, "MTU", 1500);
	rec_bool(rec, "Link Up", false);
	rec_list_begin(rec, "Uplinks");
	rec_str(rec_struct(rec, "Driver Info"), "Driver", "veth");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'Bus Info' of DriverInfo was not set");
	result_free(r);
}
END_TEST

START_TEST(wrong_type_unknown_field_and_twice_refused)
{
	struct esx_result *r;
	char why[256];

	r = result_new(SHAPE_TABLE, &nic_schema, VT_STRING);
	rec_str(result_record(r, NULL), "MTU", "9000");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'MTU' is a int, set as a string");
	result_free(r);

	r = result_new(SHAPE_TABLE, &nic_schema, VT_STRING);
	rec_str(result_record(r, NULL), "Speed", "1000");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'Speed' is not in the schema of NIC");
	result_free(r);

	r = result_new(SHAPE_TABLE, &nic_schema, VT_STRING);
	struct esx_record *rec = result_record(r, NULL);
	fill(rec, "a");
	rec_str(rec, "Name", "again");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'Name' set twice");
	result_free(r);
}
END_TEST

START_TEST(shape_rules)
{
	struct esx_result *r;
	char why[256];

	/* A structs record needs a heading; a table row must not have one. */
	r = result_new(SHAPE_STRUCTS, &nic_schema, VT_STRING);
	fill(result_record(r, NULL), "a");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	result_free(r);

	/* A single structure takes one record, and must have it. */
	r = result_new(SHAPE_STRUCT, &nic_schema, VT_STRING);
	fill(result_record(r, NULL), "a");
	fill(result_record(r, NULL), "b");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	result_free(r);
	r = result_new(SHAPE_STRUCT, &nic_schema, VT_STRING);
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	result_free(r);

	/* A scalar must be set, with its declared type. */
	r = result_new(SHAPE_SCALAR, NULL, VT_BOOL);
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	result_free(r);
	r = result_new(SHAPE_SCALAR, NULL, VT_BOOL);
	result_scalar_str(r, "true");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	result_free(r);
}
END_TEST

START_TEST(scalar_and_message)
{
	struct esx_result *r = result_new(SHAPE_SCALAR, NULL, VT_BOOL);
	struct json_object *out = NULL;
	const char *message = NULL;
	char why[64];

	result_scalar_bool(r, true);
	result_message(r, "Software iSCSI %s", "Enabled");
	ck_assert_int_eq(result_finish(r, &out, &message, why, sizeof(why)), 0);
	ck_assert_str_eq(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN),
			 "{\"shape\":\"scalar\",\"valueType\":\"bool\",\"value\":true}");
	ck_assert_str_eq(message, "Software iSCSI Enabled");
	json_object_put(out);
	result_free(r);
}
END_TEST

START_TEST(none_shape)
{
	struct esx_result *r = result_new(SHAPE_NONE, NULL, VT_STRING);
	struct json_object *out = finish_ok(r);

	ck_assert_str_eq(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN),
			 "{\"shape\":\"none\"}");
	json_object_put(out);
	result_free(r);
}
END_TEST

START_TEST(struct_list_elements)
{
	struct esx_result *r = result_new(SHAPE_STRUCT, &ping_schema, VT_STRING);
	struct esx_record *rec = result_record(r, NULL), *hop;
	struct json_object *out;
	const char *expected =
		"{\"shape\":\"struct\",\"typeName\":\"Ping\",\"fields\":["
		"{\"name\":\"Trace\",\"key\":\"Trace\",\"type\":\"structlist\",\"typeName\":\"PingTrace\",\"fields\":["
		"{\"name\":\"Host\",\"key\":\"Host\",\"type\":\"string\"},"
		"{\"name\":\"ICMP Seq\",\"key\":\"ICMPSeq\",\"type\":\"int\"}]},"
		"{\"name\":\"Transmitted\",\"key\":\"Transmitted\",\"type\":\"int\"}],"
		"\"value\":[[[\"10.0.0.2\",0],[\"10.0.0.2\",1]],2]}";

	/* Elements keep the order they were added in; their fields land in
	 * schema order whatever order they are set in. */
	hop = rec_struct_list_add(rec, "Trace");
	rec_int(hop, "ICMP Seq", 0);
	rec_str(hop, "Host", "10.0.0.2");
	rec_int(rec, "Transmitted", 2);
	hop = rec_struct_list_add(rec, "Trace");
	rec_str(hop, "Host", "10.0.0.2");
	rec_int(hop, "ICMP Seq", 1);
	out = finish_ok(r);
	ck_assert_str_eq(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN), expected);
	json_object_put(out);
	result_free(r);
}
END_TEST

START_TEST(struct_list_empty)
{
	struct esx_result *r = result_new(SHAPE_STRUCT, &ping_schema, VT_STRING);
	struct esx_record *rec = result_record(r, NULL);
	struct json_object *out, *value;
	char why[256];

	rec_struct_list_begin(rec, "Trace");
	rec_int(rec, "Transmitted", 3);
	out = finish_ok(r);
	ck_assert(json_object_object_get_ex(out, ESX_RES_VALUE, &value));
	ck_assert_str_eq(json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN), "[[],3]");
	json_object_put(out);
	result_free(r);

	/* Never begun and never added to: the field is unset. */
	r = result_new(SHAPE_STRUCT, &ping_schema, VT_STRING);
	rec_int(result_record(r, NULL), "Transmitted", 3);
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'Trace' of Ping was not set");
	result_free(r);
}
END_TEST

START_TEST(struct_list_refusals)
{
	struct esx_result *r;
	struct esx_record *rec;
	char why[256];

	/* An incomplete element makes the whole result invalid. */
	r = result_new(SHAPE_STRUCT, &ping_schema, VT_STRING);
	rec = result_record(r, NULL);
	rec_str(rec_struct_list_add(rec, "Trace"), "Host", "a");
	rec_int(rec, "Transmitted", 1);
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'ICMP Seq' of PingTrace was not set");
	result_free(r);

	/* Beginning after an element, or twice, sets the field twice. */
	for (int begun = 0; begun < 2; begun++) {
		r = result_new(SHAPE_STRUCT, &ping_schema, VT_STRING);
		rec = result_record(r, NULL);
		if (begun)
			rec_struct_list_begin(rec, "Trace");
		else
			rec_struct_list_add(rec, "Trace");
		rec_struct_list_begin(rec, "Trace");
		ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
		ck_assert_str_eq(why, "field 'Trace' set twice");
		result_free(r);
	}

	/* Types are checked both ways. */
	r = result_new(SHAPE_STRUCT, &nic_schema, VT_STRING);
	rec_struct_list_add(result_record(r, NULL), "Driver Info");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'Driver Info' is a struct, set as a structlist");
	result_free(r);
	r = result_new(SHAPE_STRUCT, &ping_schema, VT_STRING);
	rec_struct(result_record(r, NULL), "Trace");
	ck_assert_int_eq(finish_err(r, why, sizeof(why)), -EPROTO);
	ck_assert_str_eq(why, "field 'Trace' is a structlist, set as a struct");
	result_free(r);
}
END_TEST

START_TEST(field_keys)
{
	char key[32];

	result_field_key("PCI Device", key, sizeof(key));
	ck_assert_str_eq(key, "PCIDevice");
	result_field_key("Size (MB)", key, sizeof(key));
	ck_assert_str_eq(key, "SizeMB");
	result_field_key("No of outstanding IOs with competing worlds", key, 8);
	ck_assert_str_eq(key, "Noofout");
}
END_TEST

static Suite *result_suite(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("builder");

	tcase_add_test(tc, structs_in_schema_order);
	tcase_add_test(tc, table_rows);
	tcase_add_test(tc, empty_table_is_valid);
	tcase_add_test(tc, missing_field_refused);
	tcase_add_test(tc, nested_missing_field_refused);
	tcase_add_test(tc, wrong_type_unknown_field_and_twice_refused);
	tcase_add_test(tc, shape_rules);
	tcase_add_test(tc, scalar_and_message);
	tcase_add_test(tc, none_shape);
	tcase_add_test(tc, struct_list_elements);
	tcase_add_test(tc, struct_list_empty);
	tcase_add_test(tc, struct_list_refusals);
	tcase_add_test(tc, field_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(result_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
