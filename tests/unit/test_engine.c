/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the command engine: ESXi's parsing rules and every error
 * text, help layout, authorisation, completion and redaction, against a
 * command table made for the test.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "daemon.h"
#include "engine.h"
#include "strv.h"

/* What the last handler saw. */
static struct {
	int calls;
	char nic[64];
	long long mtu;
	bool enabled, enabled_given, force;
	char level[16];
	size_t nuplinks;
	char uplinks[4][32];
	long long count;
} seen;

static int h_set(struct esx_call *call)
{
	const char *const *uplinks;
	const char *level;

	seen.calls++;
	snprintf(seen.nic, sizeof(seen.nic), "%s", args_str(&call->args, "nic"));
	seen.mtu = args_int(&call->args, "mtu", -1);
	seen.enabled_given = args_has(&call->args, "enabled");
	seen.enabled = args_bool(&call->args, "enabled", false);
	seen.force = args_bool(&call->args, "force", false);
	level = args_str(&call->args, "level");
	snprintf(seen.level, sizeof(seen.level), "%s", level ? level : "");
	seen.nuplinks = args_list(&call->args, "uplinks", &uplinks);
	for (size_t i = 0; i < seen.nuplinks && i < 4; i++)
		snprintf(seen.uplinks[i], sizeof(seen.uplinks[i]), "%s", uplinks[i]);
	seen.count = args_int(&call->args, "count", -1);
	return 0;
}

static int h_fail(struct esx_call *call)
{
	return err_set(&call->err, EEXIST, "The specified key, name, or identifier '%s' already exists.",
		       args_str(&call->args, "nic"));
}

static const struct esx_field_def thing_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "MTU", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema thing_schema = { "Thing", thing_fields };

static int h_list(struct esx_call *call)
{
	struct esx_record *rec = result_record(call->result, NULL);

	rec_str(rec, "Name", "vmnic1");
	rec_int(rec, "MTU", 9000);
	return 0;
}

static int h_incomplete(struct esx_call *call)
{
	rec_str(result_record(call->result, NULL), "Name", "only the name");
	return 0;
}

static int nic_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	(void)d;
	strv_add_if_prefix(out, "vmnic1", prefix);
	strv_add_if_prefix(out, "vmnic2", prefix);
	return strv_add_if_prefix(out, "eth0", prefix);
}

static const struct esx_option set_options[] = {
	{ "nic", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The NIC.", nic_completer },
	{ "mtu", 'm', OPT_INT, OPT_HAS_RANGE, NULL, 1280, 9000, NULL, "The MTU.", NULL },
	{ "enabled", 'e', OPT_BOOL, 0, NULL, 0, 0, NULL, "Enable it.", NULL },
	{ "force", 'f', OPT_FLAG, 0, NULL, 0, 0, NULL, "Force it.", NULL },
	{ "level", 'l', OPT_ENUM, 0, "prohibited|required", 0, 0, NULL, "The level.", NULL },
	{ "uplinks", 'u', OPT_STRING_LIST, 0, NULL, 0, 0, NULL, "Uplinks.", NULL },
	{ "count", 'c', OPT_INT, 0, NULL, 0, 0, "5", "A count.", NULL },
	{ "secret", 'S', OPT_STRING, OPT_SECRET, NULL, 0, 0, NULL, "The secret.", NULL },
	{ NULL },
};

static const struct esx_option two_required[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The adapter.", NULL },
	{ "nic", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The NIC.", NULL },
	{ NULL },
};

static const struct esx_option no_options[] = { { NULL } };

static const struct esx_command test_commands[] = {
	{ "test thing set", "Set a thing.", set_options, h_set, SHAPE_NONE, NULL, 0, 0 },
	{ "test thing list", "List the things.", no_options, h_list, SHAPE_TABLE, &thing_schema, 0,
	  CMD_READONLY },
	{ "test thing add", "Add a thing.", two_required, h_fail, SHAPE_NONE, NULL, 0, 0 },
	{ "test thing broken", "Return half a record.", no_options, h_incomplete, SHAPE_TABLE,
	  &thing_schema, 0, CMD_READONLY },
	{ "test a-command-with-a-long-name", "A long name.", no_options, h_list, SHAPE_TABLE,
	  &thing_schema, 0, CMD_READONLY },
	{ "other get", "Get other.", no_options, h_list, SHAPE_TABLE, &thing_schema, 0, CMD_READONLY },
	{ NULL },
};

static const struct esx_namespace test_namespaces[] = {
	{ "test", "Test commands." },
	{ "test thing", "Things to test with." },
	{ "other", "Other commands." },
	{ NULL, NULL },
};

static const struct esx_command_set test_sets[] = {
	{ test_commands, test_namespaces },
	{ NULL, NULL },
};

static struct esx_engine *engine;
static struct esxd daemon_ctx;
static struct esx_caller admin = { .uid = 0, .role = ROLE_ADMIN, .uid_name = "root" };
static struct esx_caller reader = { .uid = 1001, .role = ROLE_READONLY, .uid_name = "reader" };
static struct esx_caller stranger = { .uid = 1002, .role = ROLE_NONE, .uid_name = "stranger" };
static struct engine_reply reply;

static void setup(void)
{
	struct esx_err err = { 0 };

	memset(&seen, 0, sizeof(seen));
	memset(&reply, 0, sizeof(reply));
	ck_assert_int_eq(engine_new(test_sets, &engine, &err), 0);
	daemon_ctx.engine = engine;
}

static void teardown(void)
{
	engine_reply_free(&reply);
	engine_free(engine);
	engine = NULL;
}

/* Run a command line given as one string of space-separated words. */
static void run_as(const struct esx_caller *caller, const char *line)
{
	char *copy = strdup(line), *save = NULL;
	const char *argv[32];
	size_t argc = 0;

	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	engine_reply_free(&reply);
	engine_execute(engine, &daemon_ctx, caller, argv, argc, 80, &reply);
	/* Parsed values point into argv: keep what the test reads. */
	free(copy);
}

static void run(const char *line)
{
	run_as(&admin, line);
}

static void assert_error(const char *name, const char *text)
{
	ck_assert_msg(reply.err.code != 0, "expected an error");
	ck_assert_str_eq(err_name(&reply.err), name);
	ck_assert_str_eq(reply.err.text, text);
	ck_assert_int_eq(seen.calls, 0);
}

START_TEST(unknown_words)
{
	run("foo");
	assert_error(ESX_ERR_UNKNOWN_COMMAND, "Unknown command or namespace foo");
	ck_assert_ptr_null(reply.help);
	run("test foo --nic x");
	assert_error(ESX_ERR_UNKNOWN_COMMAND, "Unknown command or namespace test foo");
	run("test thing frob");
	assert_error(ESX_ERR_UNKNOWN_COMMAND, "Unknown command or namespace test thing frob");
}
END_TEST

START_TEST(namespace_help)
{
	const char *expected =
		"Usage: esxcli test {cmd} [cmd options]\n"
		"\n"
		"Available Namespaces:\n"
		"  thing                 Things to test with.\n"
		"\n"
		"Available Commands:\n"
		"  a-command-with-a-long-name\n"
		"                        A long name.\n";

	run("test");
	ck_assert_int_eq(reply.err.code, 0);
	ck_assert_ptr_nonnull(reply.help);
	ck_assert_str_eq(reply.help, expected);
}
END_TEST

START_TEST(top_level_help)
{
	run("");
	ck_assert_int_eq(reply.err.code, 0);
	ck_assert_str_eq(reply.help,
			 "Usage: esxcli [options] {namespace}+ {cmd} [cmd options]\n"
			 "\n"
			 "Available Namespaces:\n"
			 "  other                 Other commands.\n"
			 "  test                  Test commands.\n");
}
END_TEST

START_TEST(command_help)
{
	const char *expected =
		"Usage: esxcli test thing set [cmd options]\n"
		"\n"
		"Description: \n"
		"  set                   Set a thing.\n"
		"\n"
		"Cmd options:\n"
		"  -c|--count=<long>     A count.\n"
		"  -e|--enabled=<bool>   Enable it.\n"
		"  -f|--force            Force it.\n"
		"  -l|--level=prohibited|required\n"
		"                        The level.\n"
		"  -m|--mtu=<long>       The MTU.\n"
		"  -n|--nic=<str>        The NIC. (required)\n"
		"  -S|--secret=<str>     The secret. (secret)\n"
		"  -u|--uplinks=<str>[]  Uplinks.\n"
		"\n"
		"WARNING: Providing secret values on the command line is insecure because it may\n"
		"be logged or preserved in history files. Instead, specify this option with no\n"
		"value on the command line, and enter the value on the supplied prompt.\n";

	run("test thing set --help");
	ck_assert_int_eq(reply.err.code, 0);
	ck_assert_str_eq(reply.help, expected);
	ck_assert_int_eq(seen.calls, 0);
}
END_TEST

START_TEST(help_wraps_at_width)
{
	const char *argv[] = { "test" };

	engine_reply_free(&reply);
	engine_help(engine, &admin, argv, 1, 40, &reply);
	ck_assert_str_eq(reply.help,
			 "Usage: esxcli test {cmd} [cmd options]\n"
			 "\n"
			 "Available Namespaces:\n"
			 "  thing                 Things to test\n"
			 "                        with.\n"
			 "\n"
			 "Available Commands:\n"
			 "  a-command-with-a-long-name\n"
			 "                        A long name.\n");
}
END_TEST

START_TEST(option_forms)
{
	run("test thing set --nic=vmnic1 -m 9000 -e=yes -l required -u a --uplinks=b -u=c --force");
	ck_assert_int_eq(reply.err.code, 0);
	ck_assert_int_eq(seen.calls, 1);
	ck_assert_str_eq(seen.nic, "vmnic1");
	ck_assert_int_eq(seen.mtu, 9000);
	ck_assert(seen.enabled_given);
	ck_assert(seen.enabled);
	ck_assert(seen.force);
	ck_assert_str_eq(seen.level, "required");
	ck_assert_int_eq(seen.nuplinks, 3);
	ck_assert_str_eq(seen.uplinks[0], "a");
	ck_assert_str_eq(seen.uplinks[1], "b");
	ck_assert_str_eq(seen.uplinks[2], "c");
	ck_assert_int_eq(seen.count, 5);   /* the default */
	ck_assert(reply.changed);
}
END_TEST

START_TEST(short_option_with_equals)
{
	run("test thing set -n=vmnic2 --mtu 1500");
	ck_assert_int_eq(reply.err.code, 0);
	ck_assert_str_eq(seen.nic, "vmnic2");
	ck_assert_int_eq(seen.mtu, 1500);
	ck_assert(!seen.enabled_given);
}
END_TEST

START_TEST(boolean_words)
{
	static const char *const yes[] = { "1", "true", "t", "yes", "y", "on", "TRUE", "On" };
	static const char *const no[] = { "0", "false", "f", "no", "n", "off", "False", "OFF" };
	char line[128];

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(line, sizeof(line), "test thing set -n x -e %s", yes[i]);
		run(line);
		ck_assert_msg(reply.err.code == 0 && seen.enabled, "%s should be true", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(line, sizeof(line), "test thing set -n x --enabled=%s", no[i]);
		run(line);
		ck_assert_msg(reply.err.code == 0 && !seen.enabled, "%s should be false", no[i]);
	}
}
END_TEST

START_TEST(bad_boolean)
{
	run("test thing set -n x --enabled maybe");
	assert_error(ESX_ERR_INVALID_VALUE,
		     "While processing '--enabled'. Argument type mismatch. Expecting one of {0, 1, n[o], y[es], f[alse], t[rue], off, on}. Got 'maybe'");
	ck_assert_ptr_nonnull(reply.help);
	ck_assert(strncmp(reply.help, "Usage: esxcli test thing set [cmd options]\n", 43) == 0);
}
END_TEST

START_TEST(bad_integer)
{
	run("test thing set -n x -m 9k");
	assert_error(ESX_ERR_INVALID_VALUE,
		     "While processing '-m'. Argument type mismatch. Expecting integer value. Got '9k'");
}
END_TEST

START_TEST(integer_range)
{
	run("test thing set -n x --mtu 9001");
	assert_error(ESX_ERR_INVALID_VALUE, "'9001' > 9000");
	run("test thing set -n x --mtu=100");
	assert_error(ESX_ERR_INVALID_VALUE, "'100' < 1280");
}
END_TEST

START_TEST(bad_enum)
{
	run("test thing set -n x -l sometimes");
	assert_error(ESX_ERR_INVALID_VALUE, "'sometimes' must be one of [prohibited|required]");
}
END_TEST

START_TEST(missing_required)
{
	run("test thing set --mtu 1500");
	assert_error(ESX_ERR_MISSING_PARAMETER, "Missing required parameter -n|--nic");
	ck_assert_ptr_nonnull(reply.help);
	run("test thing add");
	assert_error(ESX_ERR_MISSING_PARAMETER,
		     "Missing required parameter -A|--adapter\n       -n|--nic");
}
END_TEST

START_TEST(invalid_option)
{
	run("test thing set -n x --foo=bar");
	assert_error(ESX_ERR_INVALID_OPTION, "Invalid option --foo");
	run("test thing set -n x stray");
	assert_error(ESX_ERR_INVALID_OPTION, "Invalid option stray");
	run("test thing list extra");
	assert_error(ESX_ERR_INVALID_OPTION, "Invalid option extra");
	run("test thing set -x");
	assert_error(ESX_ERR_INVALID_OPTION, "Invalid option -x");
}
END_TEST

START_TEST(duplicated_option)
{
	run("test thing set -n x --nic y");
	assert_error(ESX_ERR_DUPLICATED_OPTION, "Duplicated option --nic");
}
END_TEST

START_TEST(option_without_value)
{
	run("test thing set -n");
	assert_error(ESX_ERR_MISSING_PARAMETER, "-n must have value");
	run("test thing set --nic --mtu 1500");
	assert_error(ESX_ERR_MISSING_PARAMETER, "--nic must have value");
}
END_TEST

START_TEST(flag_with_value)
{
	run("test thing set -n x --force=true");
	assert_error(ESX_ERR_INVALID_VALUE, "'--force' is a flag and cannot accept any values.");
}
END_TEST

START_TEST(handler_error_passes_through)
{
	run("test thing add -A vmhba64 -n vmk1");
	ck_assert_int_eq(reply.err.code, EEXIST);
	ck_assert_str_eq(err_name(&reply.err), ESX_ERR_ALREADY_EXISTS);
	ck_assert_str_eq(reply.err.text,
			 "The specified key, name, or identifier 'vmk1' already exists.");
	ck_assert_ptr_null(reply.help);
	ck_assert(!reply.changed);
}
END_TEST

START_TEST(result_is_sent)
{
	struct json_object *records, *row;

	run("test thing list");
	ck_assert_int_eq(reply.err.code, 0);
	ck_assert_ptr_nonnull(reply.result);
	ck_assert(json_object_object_get_ex(reply.result, ESX_RES_RECORDS, &records));
	row = json_object_array_get_idx(records, 0);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(row, 0)), "vmnic1");
	ck_assert_int_eq(json_object_get_int(json_object_array_get_idx(row, 1)), 9000);
	ck_assert(!reply.changed);
}
END_TEST

START_TEST(incomplete_result_is_an_error)
{
	run("test thing broken");
	ck_assert_str_eq(err_name(&reply.err), ESX_ERR_PROTOCOL);
	ck_assert_ptr_null(reply.result);
}
END_TEST

START_TEST(readonly_may_list_not_change)
{
	run_as(&reader, "test thing list");
	ck_assert_int_eq(reply.err.code, 0);
	run_as(&reader, "test thing set -n x");
	ck_assert_str_eq(err_name(&reply.err), ESX_ERR_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(reply.err.text, "No permission to execute test thing set"));
	ck_assert_ptr_nonnull(strstr(reply.err.text, "uid 1001 (reader)"));
	ck_assert_int_eq(seen.calls, 0);
	run_as(&reader, "test thing set --help");
	ck_assert_int_eq(reply.err.code, 0);
	ck_assert_ptr_nonnull(reply.help);
}
END_TEST

START_TEST(stranger_is_refused)
{
	run_as(&stranger, "test thing list");
	ck_assert_str_eq(err_name(&reply.err), ESX_ERR_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(reply.err.text, "No permission to execute test thing list"));
	ck_assert_ptr_nonnull(strstr(reply.err.text, "uid 1002 (stranger)"));
	ck_assert_ptr_null(reply.help);
	run_as(&stranger, "test");
	ck_assert_str_eq(err_name(&reply.err), ESX_ERR_PERMISSION_DENIED);
	ck_assert_ptr_null(reply.help);
}
END_TEST

static void complete(const char *line, const char *word, struct esx_strv *out)
{
	char *copy = strdup(line), *save = NULL;
	const char *argv[32];
	size_t argc = 0;
	struct esx_err err = { 0 };

	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	ck_assert_int_eq(engine_complete(engine, &daemon_ctx, &admin, argv, argc, word, out, &err), 0);
	free(copy);
}

static char *joined(const struct esx_strv *v)
{
	static char buf[1024];

	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < v->len && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " " : "",
					 v->items[i]);
	return buf;
}

START_TEST(completion)
{
	struct esx_strv v = { 0 };

	complete("", "", &v);
	ck_assert_str_eq(joined(&v), "other test");
	strv_free(&v);
	complete("test", "", &v);
	ck_assert_str_eq(joined(&v), "a-command-with-a-long-name thing");
	strv_free(&v);
	complete("test thing", "l", &v);
	ck_assert_str_eq(joined(&v), "list");
	strv_free(&v);
	complete("test thing set", "--", &v);
	ck_assert_str_eq(joined(&v),
			 "--count --enabled --force --help --level --mtu --nic --secret --uplinks");
	strv_free(&v);
	complete("test thing set --nic x -u a", "--", &v);
	ck_assert_ptr_null(strstr(joined(&v), "--nic"));
	ck_assert_ptr_nonnull(strstr(joined(&v), "--uplinks"));
	strv_free(&v);
	complete("test thing set --nic", "vm", &v);
	ck_assert_str_eq(joined(&v), "vmnic1 vmnic2");
	strv_free(&v);
	complete("test thing set -l", "", &v);
	ck_assert_str_eq(joined(&v), "prohibited required");
	strv_free(&v);
	complete("test thing set", "--enabled=t", &v);
	ck_assert_str_eq(joined(&v), "--enabled=true");
	strv_free(&v);
	complete("nope", "", &v);
	ck_assert_int_eq(v.len, 0);
	strv_free(&v);
}
END_TEST

START_TEST(redaction)
{
	const char *argv1[] = { "test", "thing", "set", "-n", "x", "--secret", "hunter2" };
	const char *argv2[] = { "test", "thing", "set", "-S=hunter2", "-n", "x" };
	const struct esx_command *cmd = &test_commands[0];
	char *line;

	line = engine_redacted_line(cmd, argv1, 7);
	ck_assert_str_eq(line, "test thing set -n x --secret ***");
	free(line);
	line = engine_redacted_line(cmd, argv2, 6);
	ck_assert_str_eq(line, "test thing set -S=*** -n x");
	free(line);
}
END_TEST

START_TEST(inconsistent_tables_refused)
{
	static const struct esx_option clash[] = {
		{ "nic", 'n', OPT_STRING, 0, NULL, 0, 0, NULL, "", NULL },
		{ "name", 'n', OPT_STRING, 0, NULL, 0, 0, NULL, "", NULL },
		{ NULL },
	};
	static const struct esx_command bad[] = {
		{ "x y", "", clash, h_list, SHAPE_NONE, NULL, 0, 0 },
		{ NULL },
	};
	static const struct esx_command twice[] = {
		{ "x y", "", no_options, h_list, SHAPE_NONE, NULL, 0, 0 },
		{ "x y", "", no_options, h_list, SHAPE_NONE, NULL, 0, 0 },
		{ NULL },
	};
	const struct esx_command_set s1[] = { { bad, NULL }, { NULL, NULL } };
	const struct esx_command_set s2[] = { { twice, NULL }, { NULL, NULL } };
	struct esx_engine *e = NULL;
	struct esx_err err = { 0 };

	ck_assert_int_eq(engine_new(s1, &e, &err), -EINVAL);
	ck_assert_ptr_null(e);
	err_reset(&err);
	ck_assert_int_eq(engine_new(s2, &e, &err), -EINVAL);
	ck_assert_ptr_null(e);
}
END_TEST

/* The real tables of the daemon must build. */
START_TEST(real_tables_build)
{
	struct esx_engine *e = NULL;
	struct esx_err err = { 0 };

	ck_assert_msg(engine_new(esx_command_sets, &e, &err) == 0, "%s", err.text);
	engine_free(e);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("grammar");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unknown_words);
	tcase_add_test(tc, namespace_help);
	tcase_add_test(tc, top_level_help);
	tcase_add_test(tc, command_help);
	tcase_add_test(tc, help_wraps_at_width);
	tcase_add_test(tc, option_forms);
	tcase_add_test(tc, short_option_with_equals);
	tcase_add_test(tc, boolean_words);
	tcase_add_test(tc, bad_boolean);
	tcase_add_test(tc, bad_integer);
	tcase_add_test(tc, integer_range);
	tcase_add_test(tc, bad_enum);
	tcase_add_test(tc, missing_required);
	tcase_add_test(tc, invalid_option);
	tcase_add_test(tc, duplicated_option);
	tcase_add_test(tc, option_without_value);
	tcase_add_test(tc, flag_with_value);
	tcase_add_test(tc, handler_error_passes_through);
	tcase_add_test(tc, result_is_sent);
	tcase_add_test(tc, incomplete_result_is_an_error);
	tcase_add_test(tc, readonly_may_list_not_change);
	tcase_add_test(tc, stranger_is_refused);
	tcase_add_test(tc, completion);
	tcase_add_test(tc, redaction);
	tcase_add_test(tc, inconsistent_tables_refused);
	tcase_add_test(tc, real_tables_build);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
