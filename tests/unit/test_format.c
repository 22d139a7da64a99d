/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the shell's formatters: every result shape in every formatter
 * against hand-written expected output (tests/unit/golden/format_*), error
 * rendering, and replies that break the schema.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../shell/format.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif
#define GOLDEN_DIR TEST_SRCDIR "/tests/unit/golden/"

/* Inputs: the "parameters" of Execute replies, as the daemon sends them. */

#define NIC_TABLE_FIELDS \
	"\"fields\":[" \
	"{\"name\":\"Name\",\"key\":\"Name\",\"type\":\"string\"}," \
	"{\"name\":\"PCI Device\",\"key\":\"PCIDevice\",\"type\":\"string\"}," \
	"{\"name\":\"MTU\",\"key\":\"MTU\",\"type\":\"int\"}," \
	"{\"name\":\"Link Up\",\"key\":\"LinkUp\",\"type\":\"bool\"}," \
	"{\"name\":\"Uplinks\",\"key\":\"Uplinks\",\"type\":\"list\"}," \
	"{\"name\":\"Description\",\"key\":\"Description\",\"type\":\"string\"}]"

static const char table_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":["
	"[\"vmnic0\",\"0000:02:01.0\",1500,true,[\"vmnic0\"],"
	"\"Intel Corporation 82574L Gigabit Network Connection\"],"
	"[\"vmnic11\",\"0000:0b:00.0\",9000,false,[\"vmnic11\",\"vmnic7\"],"
	"\"Acme \\\"Fast, Cheap\\\" <NIC> & co\"],"
	"[\"vmnic2\",\"\",-1,false,[],\"\"]]}}";

static const char table_empty_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[]}}";

#define PORTAL_FIELDS \
	"\"fields\":[" \
	"{\"name\":\"Adapter\",\"key\":\"Adapter\",\"type\":\"string\"}," \
	"{\"name\":\"Vmknic\",\"key\":\"Vmknic\",\"type\":\"string\"}," \
	"{\"name\":\"MTU\",\"key\":\"MTU\",\"type\":\"int\"}," \
	"{\"name\":\"Link Up\",\"key\":\"LinkUp\",\"type\":\"bool\"}," \
	"{\"name\":\"NonCompliant Message\",\"key\":\"NonCompliantMessage\",\"type\":\"string\"}," \
	"{\"name\":\"Uplinks\",\"key\":\"Uplinks\",\"type\":\"list\"}," \
	"{\"name\":\"NIC Info\",\"key\":\"NICInfo\",\"type\":\"struct\",\"typeName\":\"NicInfo\"," \
	"\"fields\":[" \
	"{\"name\":\"Driver\",\"key\":\"Driver\",\"type\":\"string\"}," \
	"{\"name\":\"Speed\",\"key\":\"Speed\",\"type\":\"int\"}," \
	"{\"name\":\"Link Modes\",\"key\":\"LinkModes\",\"type\":\"list\"}]}," \
	"{\"name\":\"Path Status\",\"key\":\"PathStatus\",\"type\":\"string\"}]"

static const char structs_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"structs\",\"typeName\":\"NetworkPortal\","
	PORTAL_FIELDS ",\"records\":["
	"[\"vmhba64\",\"vmk1\",9000,true,\"\",[\"vmnic1\"],"
	"[\"igb\",1000,[\"1000BaseT/Full\",\"100BaseT/Full\"]],\"active\"],"
	"[\"vmhba65\",\"vmk2\",1500,false,\"VMkernel adapter has no active uplink\",[],"
	"[\"ixgbe\",0,[]],\"notUsed\"]],"
	"\"headings\":[\"vmhba64\",\"vmhba65\"]}}";

#define NIC_GET_FIELDS \
	"\"fields\":[" \
	"{\"name\":\"Auto Negotiation\",\"key\":\"AutoNegotiation\",\"type\":\"bool\"}," \
	"{\"name\":\"Cable Type\",\"key\":\"CableType\",\"type\":\"string\"}," \
	"{\"name\":\"Current Message Level\",\"key\":\"CurrentMessageLevel\",\"type\":\"int\"}," \
	"{\"name\":\"Driver Info\",\"key\":\"DriverInfo\",\"type\":\"struct\"," \
	"\"typeName\":\"NicDriverInfo\",\"fields\":[" \
	"{\"name\":\"Bus Info\",\"key\":\"BusInfo\",\"type\":\"string\"}," \
	"{\"name\":\"Driver\",\"key\":\"Driver\",\"type\":\"string\"}," \
	"{\"name\":\"Firmware Version\",\"key\":\"FirmwareVersion\",\"type\":\"string\"}," \
	"{\"name\":\"Version\",\"key\":\"Version\",\"type\":\"string\"}]}," \
	"{\"name\":\"Link Status\",\"key\":\"LinkStatus\",\"type\":\"string\"}," \
	"{\"name\":\"Name\",\"key\":\"Name\",\"type\":\"string\"}," \
	"{\"name\":\"Supported Ports\",\"key\":\"SupportedPorts\",\"type\":\"list\"}]"

#define NIC_GET_VALUE \
	"[false,\"\",153,[\"0000:02:01:0\",\"nvmxnet3\",\"7\",\"2.0.0.31\"],\"Up\",\"vmnic0\"," \
	"[\"TP\",\"MII\"]]"

static const char struct_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"NicInfo\","
	NIC_GET_FIELDS ",\"value\":" NIC_GET_VALUE "}}";

/* A single structure holding lists of nested structures (`network diag ping`):
 * one with two elements, one empty; an element string needs csv quoting. */
#define PING_FIELDS \
	"\"fields\":[" \
	"{\"name\":\"Trace\",\"key\":\"Trace\",\"type\":\"structlist\",\"typeName\":\"PingTrace\"," \
	"\"fields\":[" \
	"{\"name\":\"Received Bytes\",\"key\":\"ReceivedBytes\",\"type\":\"int\"}," \
	"{\"name\":\"Host\",\"key\":\"Host\",\"type\":\"string\"}," \
	"{\"name\":\"ICMP Seq\",\"key\":\"ICMPSeq\",\"type\":\"int\"}," \
	"{\"name\":\"Round-trip Time\",\"key\":\"RoundtripTime\",\"type\":\"string\"}," \
	"{\"name\":\"Dup\",\"key\":\"Dup\",\"type\":\"bool\"}," \
	"{\"name\":\"Detail\",\"key\":\"Detail\",\"type\":\"string\"}]}," \
	"{\"name\":\"Errors\",\"key\":\"Errors\",\"type\":\"structlist\",\"typeName\":\"PingError\"," \
	"\"fields\":[" \
	"{\"name\":\"Seq\",\"key\":\"Seq\",\"type\":\"int\"}]}," \
	"{\"name\":\"Summary\",\"key\":\"Summary\",\"type\":\"struct\",\"typeName\":\"PingSummary\"," \
	"\"fields\":[" \
	"{\"name\":\"Host Addr\",\"key\":\"HostAddr\",\"type\":\"string\"}," \
	"{\"name\":\"Transmitted\",\"key\":\"Transmitted\",\"type\":\"int\"}," \
	"{\"name\":\"Received\",\"key\":\"Received\",\"type\":\"int\"}]}]"

static const char struct_list_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"Ping\","
	PING_FIELDS ",\"value\":["
	"[[64,\"10.0.0.2\",0,\"182 us\",false,\"\"],"
	"[64,\"10.0.0.2\",0,\"1204 us\",true,\"late, \\\"duplicate\\\"\"]],"
	"[],"
	"[\"10.0.0.2\",3,1]]}}";

static const char scalar_bool_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"bool\",\"value\":true}}";

static const char scalar_string_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"string\","
	"\"value\":\"iqn.1998-01.com.vmware:esx01-4ac2b1f0\"}}";

static const char none_message_json[] =
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"none\"},\"message\":\"Software iSCSI Enabled\"}";

static const struct {
	const char *name;
	const char *input;
} golden_cases[] = {
	{ "table", table_json },
	{ "table_empty", table_empty_json },
	{ "structs", structs_json },
	{ "struct", struct_json },
	{ "struct_list", struct_list_json },
	{ "scalar_bool", scalar_bool_json },
	{ "scalar_string", scalar_string_json },
	{ "none_message", none_message_json },
};
#define NCASES (sizeof(golden_cases) / sizeof(golden_cases[0]))

static const struct {
	enum esx_formatter fmt;
	const char *ext;
} formatters[] = {
	{ FMT_TEXT, "txt" },
	{ FMT_XML, "xml" },
	{ FMT_CSV, "csv" },
	{ FMT_KEYVALUE, "kv" },
	{ FMT_JSON, "json" },
};
#define NFORMATTERS (sizeof(formatters) / sizeof(formatters[0]))

struct output {
	char *buf;
	size_t len;
};

static int render(enum esx_formatter fmt, const char *input, struct output *out)
{
	struct json_object *params = json_tokener_parse(input);
	FILE *mem;
	int ret;

	ck_assert_msg(params != NULL, "test input is not JSON: %s", input);
	out->buf = NULL;
	out->len = 0;
	mem = open_memstream(&out->buf, &out->len);
	ck_assert_ptr_nonnull(mem);
	ret = format_reply(mem, fmt, params, NULL);
	ck_assert_int_eq(fclose(mem), 0);
	json_object_put(params);
	return ret;
}

static char *read_golden(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *mem;

	snprintf(path, sizeof(path), GOLDEN_DIR "%s", name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	mem = open_memstream(&buf, &cap);
	ck_assert_ptr_nonnull(mem);
	for (;;) {
		char chunk[4096];

		n = (ssize_t)fread(chunk, 1, sizeof(chunk), f);
		if (n <= 0)
			break;
		fwrite(chunk, 1, (size_t)n, mem);
	}
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	ck_assert_int_eq(fclose(mem), 0);
	*len = cap;
	return buf;
}

/* Compare with a golden file; on a difference, name the first line that differs. */
static void assert_golden(const char *name, const char *actual, size_t actual_len)
{
	size_t expected_len;
	char *expected = read_golden(name, &expected_len);
	size_t i = 0, line = 1, line_start = 0;

	while (i < expected_len && i < actual_len && expected[i] == actual[i]) {
		if (expected[i] == '\n') {
			line++;
			line_start = i + 1;
		}
		i++;
	}
	if (i < expected_len || i < actual_len) {
		int elen = (int)strcspn(expected + line_start, "\n");
		int alen = (int)strcspn(actual + line_start, "\n");

		if (line_start + (size_t)elen > expected_len)
			elen = (int)(expected_len - line_start);
		if (line_start + (size_t)alen > actual_len)
			alen = (int)(actual_len - line_start);
		ck_abort_msg("%s: line %zu differs (expected %zu bytes, got %zu)\n"
			     "expected: [%.*s]\n     got: [%.*s]",
			     name, line, expected_len, actual_len, elen, expected + line_start,
			     alen, actual + line_start);
	}
	free(expected);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

START_TEST(test_golden_output)
{
	size_t c = (size_t)_i / NFORMATTERS, f = (size_t)_i % NFORMATTERS;
	char name[128];
	struct output out;

	snprintf(name, sizeof(name), "format_%s.%s", golden_cases[c].name, formatters[f].ext);
	ck_assert_int_eq(render(formatters[f].fmt, golden_cases[c].input, &out), 0);
	assert_golden(name, out.buf, out.len);
	free(out.buf);
}
END_TEST

START_TEST(test_none_without_message)
{
	static const char none[] = "{\"schemaVersion\":1,\"result\":{\"shape\":\"none\"}}";
	struct output out;

	ck_assert_int_eq(render(FMT_TEXT, none, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	free(out.buf);
	ck_assert_int_eq(render(FMT_CSV, none, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	free(out.buf);
	ck_assert_int_eq(render(FMT_KEYVALUE, none, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	free(out.buf);
	ck_assert_int_eq(render(FMT_XML, none, &out), 0);
	ck_assert_str_eq(out.buf, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			 "<output xmlns=\"http://www.vmware.com/Products/ESX/5.0/esxcli\">\n"
			 "<root>\n</root>\n</output>\n");
	free(out.buf);
	ck_assert_int_eq(render(FMT_JSON, none, &out), 0);
	ck_assert_str_eq(out.buf, "{\"schemaVersion\":1,\"result\":null}\n");
	free(out.buf);
}
END_TEST

/* A message next to a result: a line after it in text, a member in json, and
 * left out of the formats that must stay one parseable value. */
START_TEST(test_message_after_result)
{
	static const char input[] =
		"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"NicInfo\","
		NIC_GET_FIELDS ",\"value\":" NIC_GET_VALUE "},\"message\":\"Link is down\"}";
	size_t golden_len;
	char *golden = read_golden("format_struct.txt", &golden_len);
	struct output out;

	ck_assert_int_eq(render(FMT_TEXT, input, &out), 0);
	ck_assert_uint_eq(out.len, golden_len + strlen("Link is down\n"));
	ck_assert_int_eq(memcmp(out.buf, golden, golden_len), 0);
	ck_assert_str_eq(out.buf + golden_len, "Link is down\n");
	free(out.buf);
	free(golden);

	ck_assert_int_eq(render(FMT_XML, input, &out), 0);
	assert_golden("format_struct.xml", out.buf, out.len);
	free(out.buf);
	ck_assert_int_eq(render(FMT_KEYVALUE, input, &out), 0);
	assert_golden("format_struct.kv", out.buf, out.len);
	free(out.buf);
	ck_assert_int_eq(render(FMT_CSV, input, &out), 0);
	assert_golden("format_struct.csv", out.buf, out.len);
	free(out.buf);

	ck_assert_int_eq(render(FMT_JSON, input, &out), 0);
	ck_assert_msg(ends_with(out.buf, ",\"message\":\"Link is down\"}\n"), "json: %s", out.buf);
	free(out.buf);
}
END_TEST

START_TEST(test_help_reply)
{
	static const char help[] =
		"{\"schemaVersion\":1,\"help\":\"Usage: esxcli network {cmd} [cmd options]\\n\\n"
		"Available Namespaces:\\n  nic                   NIC commands.\\n\"}";
	static const char help_no_newline[] =
		"{\"schemaVersion\":1,\"help\":\"Usage: esxcli network {cmd} [cmd options]\"}";
	static const char expected[] = "Usage: esxcli network {cmd} [cmd options]\n\n"
				       "Available Namespaces:\n  nic                   NIC commands.\n";
	struct output out;

	/* Help is text whatever the text-like formatter. */
	for (size_t f = 0; f < NFORMATTERS; f++) {
		if (formatters[f].fmt == FMT_JSON)
			continue;
		ck_assert_int_eq(render(formatters[f].fmt, help, &out), 0);
		ck_assert_str_eq(out.buf, expected);
		free(out.buf);
	}
	ck_assert_int_eq(render(FMT_TEXT, help_no_newline, &out), 0);
	ck_assert_str_eq(out.buf, "Usage: esxcli network {cmd} [cmd options]\n");
	free(out.buf);
	ck_assert_int_eq(render(FMT_JSON, help, &out), 0);
	ck_assert_str_eq(out.buf, "{\"schemaVersion\":1,\"help\":\"Usage: esxcli network {cmd} "
			 "[cmd options]\\n\\nAvailable Namespaces:\\n  nic                   "
			 "NIC commands.\\n\"}\n");
	free(out.buf);
}
END_TEST

/* Values the golden cases do not cover: big ints, multi-line strings, control
 * characters, wide characters in a table. */
START_TEST(test_value_edges)
{
	static const char big[] =
		"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"int\","
		"\"value\":18446744073709551615}}";
	static const char multiline[] =
		"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"T\",\"fields\":["
		"{\"name\":\"Remedy\",\"key\":\"Remedy\",\"type\":\"string\"},"
		"{\"name\":\"Name\",\"key\":\"Name\",\"type\":\"string\"}],"
		"\"value\":[\"first line\\nsecond line\",\"a\\u0001b\"]}}";
	static const char wide[] =
		"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
		"{\"name\":\"Name\",\"key\":\"Name\",\"type\":\"string\"},"
		"{\"name\":\"Size\",\"key\":\"Size\",\"type\":\"int\"}],"
		"\"records\":[[\"Gr\\u00f6\\u00dfe\",1],[\"x\",22]]}}";
	struct output out;

	ck_assert_int_eq(render(FMT_TEXT, big, &out), 0);
	ck_assert_str_eq(out.buf, "18446744073709551615\n");
	free(out.buf);
	ck_assert_int_eq(render(FMT_KEYVALUE, big, &out), 0);
	ck_assert_str_eq(out.buf, "integer=18446744073709551615\n");
	free(out.buf);

	ck_assert_int_eq(render(FMT_TEXT, multiline, &out), 0);
	ck_assert_str_eq(out.buf, "   Remedy: \n      first line\n      second line\n"
			 "   Name: a\001b\n");
	free(out.buf);
	ck_assert_int_eq(render(FMT_KEYVALUE, multiline, &out), 0);
	ck_assert_str_eq(out.buf, "T.Name.string=a\001b\nT.Remedy.string=first line\\nsecond line\n");
	free(out.buf);
	ck_assert_int_eq(render(FMT_CSV, multiline, &out), 0);
	ck_assert_str_eq(out.buf, "Name,Remedy,\na\001b,first line\\nsecond line,\n");
	free(out.buf);
	ck_assert_int_eq(render(FMT_XML, multiline, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.buf, "<string>ab</string>"));
	ck_assert_ptr_nonnull(strstr(out.buf, "<string>first line\nsecond line</string>"));
	free(out.buf);

	/* Widths count characters, not bytes: "Größe" is 5 wide. */
	ck_assert_int_eq(render(FMT_TEXT, wide, &out), 0);
	ck_assert_str_eq(out.buf, "Name   Size\n"
			 "-----  ----\n"
			 "Gr\xc3\xb6\xc3\x9f" "e     1\n"
			 "x        22\n");
	free(out.buf);
}
END_TEST

/* Replies that break the schema: -EPROTO and nothing written, in every formatter. */
static const char *const malformed[] = {
	/* not an object, no or wrong schema version */
	"[]",
	"{\"result\":{\"shape\":\"none\"}}",
	"{\"schemaVersion\":2,\"result\":{\"shape\":\"none\"}}",
	"{\"schemaVersion\":\"1\",\"result\":{\"shape\":\"none\"}}",
	/* neither or both of result and help; wrong types */
	"{\"schemaVersion\":1}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"none\"},\"help\":\"x\"}",
	"{\"schemaVersion\":1,\"help\":7}",
	"{\"schemaVersion\":1,\"result\":[]}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"none\"},\"message\":1}",
	/* shapes */
	"{\"schemaVersion\":1,\"result\":{}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"grid\"}}",
	/* scalars */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"bool\","
	"\"value\":\"true\"}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"int\",\"value\":1.5}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"int\"}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"value\":1}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"list\",\"value\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"string\",\"value\":null}}",
	/* schemas */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":[],"
	"\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"string\"}],\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"type\":\"string\"}],\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"float\"}],\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"struct\",\"typeName\":\"S\"}],\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"struct\",\"fields\":["
	"{\"name\":\"B\",\"key\":\"B\",\"type\":\"int\"}]}],\"value\":[[1]]}}",
	/* keys and type names must be identifiers */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A B\",\"key\":\"A B\",\"type\":\"string\"}],\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"\",\"type\":\"string\"}],\"records\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"vim.T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"string\"}],\"records\":[]}}",
	/* a table cannot hold a nested structure */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"struct\",\"typeName\":\"S\",\"fields\":["
	"{\"name\":\"B\",\"key\":\"B\",\"type\":\"int\"}]}],\"records\":[[[1]]]}}",
	/* records: missing, too short, too long, wrong value types; the bad record
	 * comes last so a streaming formatter would already have printed some */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS "}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[[\"vmnic0\",\"p\",1,true,[],\"d\"],"
	"[\"vmnic1\",\"p\",1,true,[]]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[[\"vmnic0\",\"p\",1,true,[],\"d\"],"
	"[\"vmnic1\",\"p\",1,true,[],\"d\",\"extra\"]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[[\"vmnic0\",\"p\",1,true,[],\"d\"],"
	"[\"vmnic1\",\"p\",\"1\",true,[],\"d\"]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[[\"vmnic0\",\"p\",1,true,[],\"d\"],"
	"[\"vmnic1\",\"p\",1,1,[],\"d\"]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[[\"vmnic0\",\"p\",1,true,[],\"d\"],"
	"[\"vmnic1\",\"p\",1,true,[2],\"d\"]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[[\"vmnic0\",\"p\",1,true,[],\"d\"],"
	"[\"vmnic1\",null,1,true,[],\"d\"]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"Nic\","
	NIC_TABLE_FIELDS ",\"records\":[[\"vmnic0\",\"p\",1,true,[],\"d\"],{}]}}",
	/* structs: headings missing or not one per record; nested record wrong */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"structs\",\"typeName\":\"NetworkPortal\","
	PORTAL_FIELDS ",\"records\":[[\"vmhba64\",\"vmk1\",9000,true,\"\",[],"
	"[\"igb\",1000,[]],\"active\"]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"structs\",\"typeName\":\"NetworkPortal\","
	PORTAL_FIELDS ",\"records\":[[\"vmhba64\",\"vmk1\",9000,true,\"\",[],"
	"[\"igb\",1000,[]],\"active\"]],\"headings\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"structs\",\"typeName\":\"NetworkPortal\","
	PORTAL_FIELDS ",\"records\":[[\"vmhba64\",\"vmk1\",9000,true,\"\",[],"
	"[\"igb\",1000],\"active\"]],\"headings\":[\"vmhba64\"]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"structs\",\"typeName\":\"NetworkPortal\","
	PORTAL_FIELDS ",\"records\":[[\"vmhba64\",\"vmk1\",9000,true,\"\",[],"
	"{\"Driver\":\"igb\"},\"active\"]],\"headings\":[\"vmhba64\"]}}",
	/* lists of structures: not in a table, not a scalar, need their schema,
	 * every element must match it */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"table\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"structlist\",\"typeName\":\"S\",\"fields\":["
	"{\"name\":\"B\",\"key\":\"B\",\"type\":\"int\"}]}],\"records\":[[[[1]]]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"scalar\",\"valueType\":\"structlist\","
	"\"value\":[]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"T\",\"fields\":["
	"{\"name\":\"A\",\"key\":\"A\",\"type\":\"structlist\",\"typeName\":\"S\"}],"
	"\"value\":[[]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"Ping\","
	PING_FIELDS ",\"value\":[[[64,\"h\",0,\"1 us\",false,\"\"],[64,\"h\",1,\"1 us\",false]],"
	"[],[\"h\",2,2]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"Ping\","
	PING_FIELDS ",\"value\":[[],[[\"1\"]],[\"h\",0,0]]}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"Ping\","
	PING_FIELDS ",\"value\":[{},[],[\"h\",0,0]]}}",
	/* struct: value missing or of the wrong length */
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"NicInfo\","
	NIC_GET_FIELDS "}}",
	"{\"schemaVersion\":1,\"result\":{\"shape\":\"struct\",\"typeName\":\"NicInfo\","
	NIC_GET_FIELDS ",\"value\":[false]}}",
};
#define NMALFORMED (sizeof(malformed) / sizeof(malformed[0]))

START_TEST(test_malformed_reply)
{
	size_t m = (size_t)_i / NFORMATTERS, f = (size_t)_i % NFORMATTERS;
	struct output out;
	int ret = render(formatters[f].fmt, malformed[m], &out);

	ck_assert_msg(ret == -EPROTO, "malformed[%zu] in %s: got %d", m, formatters[f].ext, ret);
	ck_assert_msg(out.len == 0, "malformed[%zu] in %s printed: %s", m, formatters[f].ext,
		      out.buf);
	free(out.buf);
}
END_TEST

START_TEST(test_null_params)
{
	FILE *mem;
	char *buf = NULL;
	size_t len = 0;

	mem = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(format_reply(mem, FMT_TEXT, NULL, NULL), -EPROTO);
	fclose(mem);
	ck_assert_uint_eq(len, 0);
	free(buf);
}
END_TEST

START_TEST(test_write_failure)
{
	struct json_object *params = json_tokener_parse(scalar_bool_json);
	FILE *ro = fopen("/dev/null", "r");

	ck_assert_ptr_nonnull(params);
	ck_assert_ptr_nonnull(ro);
	ck_assert_int_eq(format_reply(ro, FMT_TEXT, params, NULL), -EIO);
	fclose(ro);
	json_object_put(params);
}
END_TEST

static const char error_help[] =
	"Usage: esxcli iscsi networkportal add [cmd options]\n"
	"\n"
	"Description: \n"
	"  add                   Add a network adapter to the iSCSI adapter.\n"
	"\n"
	"Cmd options:\n"
	"  -A|--adapter=<str>    The iSCSI adapter name. (required)\n"
	"  -f|--force=<bool>     Bypass the compliance checks.\n"
	"  -n|--nic=<str>        The VMkernel network adapter name. (required)\n";
static const char error_message[] =
	"Missing required parameter -A|--adapter\n       Missing required parameter -n|--nic";

static struct output render_error(enum esx_formatter fmt, const char *name, const char *message,
				  const char *help)
{
	struct output out = { NULL, 0 };
	FILE *mem = open_memstream(&out.buf, &out.len);

	ck_assert_ptr_nonnull(mem);
	format_error(mem, fmt, name, message, help);
	ck_assert_int_eq(fclose(mem), 0);
	return out;
}

START_TEST(test_error_text)
{
	struct output out;

	out = render_error(FMT_TEXT, "MissingParameter", error_message, error_help);
	assert_golden("format_error_help.txt", out.buf, out.len);
	free(out.buf);
	/* The same for every formatter but json. */
	out = render_error(FMT_XML, "MissingParameter", error_message, error_help);
	assert_golden("format_error_help.txt", out.buf, out.len);
	free(out.buf);
	out = render_error(FMT_KEYVALUE, "MissingParameter", error_message, error_help);
	assert_golden("format_error_help.txt", out.buf, out.len);
	free(out.buf);
	out = render_error(FMT_CSV, "UnknownCommand", "Unknown command or namespace network foo",
			   NULL);
	assert_golden("format_error_unknown.txt", out.buf, out.len);
	free(out.buf);
	out = render_error(FMT_TEXT, "UnknownCommand", "Unknown command or namespace network foo",
			   "");
	assert_golden("format_error_unknown.txt", out.buf, out.len);
	free(out.buf);
}
END_TEST

START_TEST(test_error_json)
{
	struct output out;

	out = render_error(FMT_JSON, "MissingParameter", error_message, error_help);
	assert_golden("format_error.json", out.buf, out.len);
	free(out.buf);
	out = render_error(FMT_JSON, NULL, "a/b \"c\"", NULL);
	ck_assert_str_eq(out.buf,
			 "{\"schemaVersion\":1,\"error\":{\"name\":null,\"message\":\"a/b \\\"c\\\"\"}}\n");
	free(out.buf);
}
END_TEST

START_TEST(test_format_by_name)
{
	enum esx_formatter fmt = FMT_TEXT;

	ck_assert_int_eq(format_by_name("xml", &fmt), 0);
	ck_assert_int_eq(fmt, FMT_XML);
	ck_assert_int_eq(format_by_name("csv", &fmt), 0);
	ck_assert_int_eq(fmt, FMT_CSV);
	ck_assert_int_eq(format_by_name("keyvalue", &fmt), 0);
	ck_assert_int_eq(fmt, FMT_KEYVALUE);
	ck_assert_int_eq(format_by_name("json", &fmt), 0);
	ck_assert_int_eq(fmt, FMT_JSON);
	ck_assert_int_eq(format_by_name("text", &fmt), 0);
	ck_assert_int_eq(fmt, FMT_TEXT);
	ck_assert_int_eq(format_by_name("XML", &fmt), -EINVAL);
	ck_assert_int_eq(format_by_name("table", &fmt), -EINVAL);
	ck_assert_int_eq(format_by_name("", &fmt), -EINVAL);
	ck_assert_int_eq(format_by_name(NULL, &fmt), -EINVAL);
	ck_assert_int_eq(fmt, FMT_TEXT);
}
END_TEST

static Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_golden_output, 0, (int)(NCASES * NFORMATTERS));
	tcase_add_test(tc, test_none_without_message);
	tcase_add_test(tc, test_message_after_result);
	tcase_add_test(tc, test_help_reply);
	tcase_add_test(tc, test_value_edges);
	tcase_add_loop_test(tc, test_malformed_reply, 0, (int)(NMALFORMED * NFORMATTERS));
	tcase_add_test(tc, test_null_params);
	tcase_add_test(tc, test_write_failure);
	tcase_add_test(tc, test_error_text);
	tcase_add_test(tc, test_error_json);
	tcase_add_test(tc, test_format_by_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(format_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
