/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `network vswitch standard` and `network ip` commands driven through
 * the engine as a client would: each test has a real store in a temporary
 * directory, the committed model, and the kernel backend in a network
 * namespace of the test's own with veth "NICs" (root only; skipped
 * otherwise). There is no reconciler: model_apply() commits the store only,
 * so this checks the handlers' rules, messages, output and the all-or-
 * nothing commit; the kernel side is the reconciler's tests' business.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "daemon.h"
#include "engine.h"
#include "format.h"
#include "model.h"
#include "net_link.h"
#include "store.h"
#include "strv.h"
#include "transaction.h"

#define SKIP 77

static struct esxd d;
static char dir[64], state_path[96];
static struct engine_reply reply;
static const struct esx_caller admin = { .uid = 0, .role = ROLE_ADMIN, .uid_name = "root" };

/* ---- the namespace's NICs ---- */

static int run_ip(const char *const *args)
{
	static const char *const candidates[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip",
						  "/bin/ip" };
	const char *argv[16];
	size_t argc = 0;
	int status;
	pid_t pid;

	argv[argc++] = "ip";
	for (size_t i = 0; args[i] && argc < 15; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
			execv(candidates[i], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define IP(...) run_ip((const char *const[]){ __VA_ARGS__, NULL })

/* vmnic1..3 (veth; vmnic2 with MTU 9000), vmnic9 a port of bridge br0, and
 * a veth named like a vmk, which esxclid does not own. */
static int make_nics(void)
{
	int ret = 0;

	ret |= IP("link", "add", "vmnic1", "type", "veth", "peer", "name", "peer1");
	ret |= IP("link", "add", "vmnic2", "mtu", "9000", "type", "veth", "peer", "name", "peer2");
	ret |= IP("link", "add", "vmnic3", "type", "veth", "peer", "name", "peer3");
	ret |= IP("link", "add", "br0", "type", "bridge");
	ret |= IP("link", "add", "vmnic9", "type", "veth", "peer", "name", "peer9");
	ret |= IP("link", "set", "vmnic9", "master", "br0");
	ret |= IP("link", "add", "vmk7", "type", "veth", "peer", "name", "peer7");
	return ret;
}

/* ---- the daemon's parts ---- */

static void setup(void)
{
	struct esx_err err = { 0 };

	snprintf(dir, sizeof(dir), "/tmp/esx-netcmds-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(state_path, sizeof(state_path), "%s/esx.conf", dir);
	memset(&d, 0, sizeof(d));
	memset(&reply, 0, sizeof(reply));
	ck_assert_msg(store_open(state_path, &d.store, &err) == 0, "store: %s", err.text);
	ck_assert_msg(model_init(&d, &err) == 0, "model: %s", err.text);
	ck_assert_msg(net_open(&d.net, &err) == 0, "net: %s", err.text);
	ck_assert_msg(engine_new(esx_command_sets, &d.engine, &err) == 0, "engine: %s", err.text);
}

static void teardown(void)
{
	char lock[128];

	engine_reply_free(&reply);
	engine_free(d.engine);
	model_exit(&d);
	net_close(d.net);
	store_close(d.store);
	snprintf(lock, sizeof(lock), "%s.lock", state_path);
	unlink(state_path);
	unlink(lock);
	rmdir(dir);
}

/* Run a command line of space-separated words; '~' stands for a space
 * inside a word. */
static void run(const char *line)
{
	char *copy = strdup(line), *save = NULL;
	const char *argv[48];
	size_t argc = 0;

	for (char *w = strtok_r(copy, " ", &save); w && argc < 48; w = strtok_r(NULL, " ", &save)) {
		for (char *p = w; *p; p++)
			if (*p == '~')
				*p = ' ';
		argv[argc++] = w;
	}
	engine_reply_free(&reply);
	memset(&reply, 0, sizeof(reply));
	engine_execute(d.engine, &d, &admin, argv, argc, 80, &reply);
	free(copy);
}

static void ok(const char *line)
{
	run(line);
	ck_assert_msg(reply.err.code == 0, "%s: %s", line, reply.err.text);
}

static void fails(const char *line, const char *name, const char *text)
{
	run(line);
	ck_assert_msg(reply.err.code != 0, "%s succeeded", line);
	ck_assert_str_eq(reply.err.text, text);
	ck_assert_str_eq(err_name(&reply.err), name);
}

/* The last reply as the shell prints it by default. */
static char *rendered(void)
{
	struct json_object *params = json_object_new_object();
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	json_object_object_add(params, ESX_KEY_SCHEMA_VERSION, json_object_new_int(1));
	json_object_object_add(params, ESX_KEY_RESULT, json_object_get(reply.result));
	if (reply.message)
		json_object_object_add(params, ESX_KEY_MESSAGE, json_object_new_string(reply.message));
	ck_assert_int_eq(format_reply(out, FMT_TEXT, params, NULL), 0);
	fclose(out);
	json_object_put(params);
	return text;
}

static void prints(const char *line, const char *expected)
{
	char *text;

	ok(line);
	text = rendered();
	ck_assert_str_eq(text, expected);
	free(text);
}

/* The committed state file, as JSON text (the caller frees it). */
static char *state_file(void)
{
	struct json_object *root = json_object_from_file(state_path);
	char *text;

	if (!root)
		return strdup("");
	text = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return text;
}

static const struct model *current(void)
{
	return model_current(&d);
}

/* A refused command changes neither the store nor the model. */
static void refused_changes_nothing(const char *line, const char *name, const char *text)
{
	struct json_object *before_model = json_object_new_object(), *after_model;
	char *before = state_file(), *after;
	struct esx_err err = { 0 };

	ck_assert_int_eq(model_save(current(), before_model, &err), 0);
	fails(line, name, text);
	after = state_file();
	ck_assert_str_eq(after, before);
	after_model = json_object_new_object();
	ck_assert_int_eq(model_save(current(), after_model, &err), 0);
	ck_assert(json_object_equal(before_model, after_model));
	json_object_put(before_model);
	json_object_put(after_model);
	free(before);
	free(after);
}

/* A vSwitch with uplinks vmnic1 and vmnic2, portgroup iSCSI1 on it. */
static void standard_setup(void)
{
	ok("network vswitch standard add -v vSwitch1");
	ok("network vswitch standard uplink add -v vSwitch1 -u vmnic1");
	ok("network vswitch standard uplink add --vswitch-name=vSwitch1 --uplink-name=vmnic2");
	ok("network vswitch standard portgroup add -p iSCSI1 -v vSwitch1");
}

/* ---- vSwitches ---- */

START_TEST(vswitch_add_list_set_remove)
{
	char *state;

	prints("network vswitch standard list", "");
	ok("network vswitch standard add -v vSwitch1");
	ck_assert(!reply.message);
	state = state_file();
	ck_assert_msg(strstr(state, "\"vswitches\":[{\"name\":\"vSwitch1\",\"ports\":128,\"mtu\":1500,"
				    "\"cdp_status\":\"listen\",\"uplinks\":[],\"failover\":{\"active\":[],"
				    "\"standby\":[],\"load_balancing\":\"portid\"") != NULL, "%s", state);
	free(state);
	refused_changes_nothing("network vswitch standard add -v vSwitch1", ESX_ERR_ALREADY_EXISTS,
				"A portset with this name already exists");
	fails("network vswitch standard add -v bad,name", ESX_ERR_INVALID_VALUE,
	      "Invalid vSwitch name 'bad,name': 1 to 63 characters, no control characters or commas");
	fails("network vswitch standard add -v vSwitch2 -P 4", ESX_ERR_INVALID_VALUE, "'4' < 8");
	ok("network vswitch standard add -v vSwitch2 -P 64");
	ok("network vswitch standard set -v vSwitch1 -m 9000 -c both");
	prints("network vswitch standard list -v vSwitch1",
	       "vSwitch1\n"
	       "   Name: vSwitch1\n"
	       "   Class: cswitch\n"
	       "   Num Ports: 128\n"
	       "   Used Ports: 0\n"
	       "   Configured Ports: 128\n"
	       "   MTU: 9000\n"
	       "   CDP Status: both\n"
	       "   Beacon Enabled: false\n"
	       "   Beacon Interval: 1\n"
	       "   Beacon Threshold: 3\n"
	       "   Beacon Required By: \n"
	       "   Uplinks: \n"
	       "   Portgroups: \n"
	       "\n");
	ck_assert_uint_eq(model_vswitch(current(), "vSwitch2")->ports, 64);
	fails("network vswitch standard set -v vSwitch1 -m 9001", ESX_ERR_INVALID_VALUE,
	      "'9001' > 9000");
	fails("network vswitch standard set -v vSwitch1 -c sometimes", ESX_ERR_INVALID_VALUE,
	      "'sometimes' must be one of [down|listen|advertise|both]");
	ok("network vswitch standard remove -v vSwitch2");
	fails("network vswitch standard remove -v vSwitch2", ESX_ERR_NOT_FOUND,
	      "Unable to find vSwitch vSwitch2");
	fails("network vswitch standard list -v vSwitch2", ESX_ERR_NOT_FOUND,
	      "Unable to find vSwitch vSwitch2");
	ck_assert_uint_eq(current()->nvswitches, 1);
}
END_TEST

START_TEST(uplinks)
{
	ok("network vswitch standard add -v vSwitch1");
	ok("network vswitch standard add -v vSwitch2");
	ok("network vswitch standard uplink add -v vSwitch1 -u vmnic1");
	ok("network vswitch standard uplink add -v vSwitch1 -u vmnic2");
	refused_changes_nothing("network vswitch standard uplink add -v vSwitch1 -u vmnic1",
				ESX_ERR_ALREADY_EXISTS, "Uplink already exists: vmnic1");
	refused_changes_nothing("network vswitch standard uplink add -v vSwitch2 -u vmnic1",
				ESX_ERR_IN_USE,
				"Uplink vmnic1 is already used by vSwitch vSwitch1: an uplink belongs to one vSwitch");
	fails("network vswitch standard uplink add -v vSwitch2 -u vmnic8", ESX_ERR_NOT_FOUND,
	      "Unable to find NIC vmnic8");
	fails("network vswitch standard uplink add -v vSwitch2 -u vmnic9", ESX_ERR_IN_USE,
	      "Uplink vmnic9 is a port of br0: add br0 as the uplink instead");
	fails("network vswitch standard uplink add -v vSwitch2 -u lo", ESX_ERR_INVALID_VALUE,
	      "lo is not a NIC: it is the loopback interface");
	fails("network vswitch standard uplink add -v vSwitch9 -u vmnic3", ESX_ERR_NOT_FOUND,
	      "Unable to find vSwitch vSwitch9");
	ok("network vswitch standard uplink add -v vSwitch2 -u br0");
	prints("network vswitch standard policy failover get -v vSwitch1",
	       "   Load Balancing: srcport\n"
	       "   Network Failure Detection: link\n"
	       "   Notify Switches: true\n"
	       "   Failback: true\n"
	       "   Active Adapters: vmnic1, vmnic2\n"
	       "   Standby Adapters: \n"
	       "   Unused Adapters: \n");
	fails("network vswitch standard uplink remove -v vSwitch1 -u vmnic3", ESX_ERR_NOT_FOUND,
	      "No such uplink: vmnic3");
	fails("network vswitch standard uplink remove -v vSwitch2 -u vmnic1", ESX_ERR_NOT_FOUND,
	      "No such uplink: vmnic1");
	ok("network vswitch standard uplink remove -v vSwitch1 -u vmnic1");
	ck_assert_uint_eq(model_vswitch(current(), "vSwitch1")->uplinks.len, 1);
	ck_assert_uint_eq(model_vswitch(current(), "vSwitch1")->policy.active.len, 1);
	/* A free NIC can then join the other vSwitch. */
	ok("network vswitch standard uplink add -v vSwitch2 -u vmnic1");
	ck_assert_str_eq(model_uplink_owner(current(), "vmnic1")->name, "vSwitch2");
}
END_TEST

START_TEST(vswitch_failover_policy)
{
	standard_setup();
	ok("network vswitch standard uplink add -v vSwitch1 -u vmnic3");
	ok("network vswitch standard policy failover set -v vSwitch1 -a vmnic2 -s vmnic1 -l explicit -b false -n false");
	ck_assert_ptr_null(reply.message);
	prints("network vswitch standard policy failover get -v vSwitch1",
	       "   Load Balancing: explicit\n"
	       "   Network Failure Detection: link\n"
	       "   Notify Switches: false\n"
	       "   Failback: false\n"
	       "   Active Adapters: vmnic2\n"
	       "   Standby Adapters: vmnic1\n"
	       "   Unused Adapters: vmnic3\n");
	refused_changes_nothing("network vswitch standard policy failover set -v vSwitch1 -a vmnic9",
				ESX_ERR_INVALID_VALUE, "Uplink vmnic9 is not on vSwitch vSwitch1");
	fails("network vswitch standard policy failover set -v vSwitch1 -a vmnic1 -s vmnic1",
	      ESX_ERR_INVALID_VALUE, "Uplink vmnic1 cannot be both active and standby");
	fails("network vswitch standard policy failover set -v vSwitch1 -l srcport",
	      ESX_ERR_INVALID_VALUE, "'srcport' must be one of [explicit|iphash|mac|portid]");
	ok("network vswitch standard policy failover set -v vSwitch1 -l mac -f beacon");
	ck_assert_str_eq(reply.message,
			 "Beacon probing is not implemented by esxcli-linux: the setting is stored, and uplink failure is detected from link state.");
	ok("network vswitch standard policy failover get -v vSwitch1");
	run("network vswitch standard list");
	{
		char *text = rendered();

		ck_assert_msg(strstr(text, "   Beacon Enabled: false\n") &&
			      strstr(text, "   Beacon Required By: vSwitch1, iSCSI1\n") &&
			      strstr(text, "   Uplinks: vmnic1, vmnic2, vmnic3\n") &&
			      strstr(text, "   Portgroups: iSCSI1\n"), "%s", text);
		free(text);
	}
	ck_assert_int_eq(model_vswitch(current(), "vSwitch1")->policy.load_balancing, LB_MAC);
}
END_TEST

/* ---- portgroups ---- */

START_TEST(portgroups)
{
	standard_setup();
	refused_changes_nothing("network vswitch standard portgroup add -p iSCSI1 -v vSwitch1",
				ESX_ERR_ALREADY_EXISTS,
				"A portgroup with the name iSCSI1 already exists");
	fails("network vswitch standard portgroup add -p iSCSI2 -v vSwitch9", ESX_ERR_NOT_FOUND,
	      "Unable to find vSwitch vSwitch9");
	ok("network vswitch standard portgroup add -p VM~Network -v vSwitch1");
	ok("network vswitch standard portgroup set -p VM~Network --vlan-id 100");
	fails("network vswitch standard portgroup set -p VM~Network -v 4096", ESX_ERR_INVALID_VALUE,
	      "'4096' > 4095");
	fails("network vswitch standard portgroup set -p Nowhere -v 5", ESX_ERR_NOT_FOUND,
	      "Unable to find portgroup Nowhere");
	ok("network ip interface add -i vmk1 -p iSCSI1");
	prints("network vswitch standard portgroup list",
	       "Name        Virtual Switch  Active Clients  VLAN ID\n"
	       "----------  --------------  --------------  -------\n"
	       "iSCSI1      vSwitch1                     1        0\n"
	       "VM Network  vSwitch1                     0      100\n");
	refused_changes_nothing("network vswitch standard portgroup remove -p iSCSI1 -v vSwitch1",
				ESX_ERR_IN_USE, "Cannot remove portgroup iSCSI1: it is used by vmk1");
	ok("network vswitch standard add -v vSwitch2");
	fails("network vswitch standard portgroup remove -p iSCSI1 -v vSwitch2", ESX_ERR_NOT_FOUND,
	      "Portgroup iSCSI1 is not on vSwitch vSwitch2 (it is on vSwitch1)");
	refused_changes_nothing("network vswitch standard remove -v vSwitch1", ESX_ERR_IN_USE,
				"Cannot remove vSwitch vSwitch1: it still has the portgroups iSCSI1, VM Network; remove them first");
	ok("network vswitch standard portgroup remove -p VM~Network -v vSwitch1");
	ok("network ip interface remove -i vmk1");
	ok("network vswitch standard portgroup remove -p iSCSI1 -v vSwitch1");
	ok("network vswitch standard remove -v vSwitch1");
	ck_assert_uint_eq(current()->nportgroups, 0);
	ck_assert_uint_eq(current()->nvswitches, 1);
	/* Its uplinks are free again. */
	ok("network vswitch standard uplink add -v vSwitch2 -u vmnic1");
}
END_TEST

START_TEST(portgroup_failover_overrides)
{
	standard_setup();
	ok("network vswitch standard uplink add -v vSwitch1 -u vmnic3");
	prints("network vswitch standard portgroup policy failover get -p iSCSI1",
	       "   Load Balancing: srcport\n"
	       "   Network Failure Detection: link\n"
	       "   Notify Switches: true\n"
	       "   Failback: true\n"
	       "   Active Adapters: vmnic1, vmnic2, vmnic3\n"
	       "   Standby Adapters: \n"
	       "   Unused Adapters: \n"
	       "   Override Vswitch Load Balancing: false\n"
	       "   Override Vswitch Network Failure Detection: false\n"
	       "   Override Vswitch Notify Switches: false\n"
	       "   Override Vswitch Failback: false\n"
	       "   Override Vswitch Uplinks: false\n");
	/* The port-binding shape: one active uplink, the others unused. */
	ok("network vswitch standard portgroup policy failover set -p iSCSI1 -a vmnic2");
	ok("network vswitch standard portgroup policy failover set -p iSCSI1 -b false");
	prints("network vswitch standard portgroup policy failover get -p iSCSI1",
	       "   Load Balancing: srcport\n"
	       "   Network Failure Detection: link\n"
	       "   Notify Switches: true\n"
	       "   Failback: false\n"
	       "   Active Adapters: vmnic2\n"
	       "   Standby Adapters: \n"
	       "   Unused Adapters: vmnic1, vmnic3\n"
	       "   Override Vswitch Load Balancing: false\n"
	       "   Override Vswitch Network Failure Detection: false\n"
	       "   Override Vswitch Notify Switches: false\n"
	       "   Override Vswitch Failback: true\n"
	       "   Override Vswitch Uplinks: true\n");
	/* What is not overridden still follows the vSwitch. */
	ok("network vswitch standard policy failover set -v vSwitch1 -l iphash -b true");
	ok("network vswitch standard portgroup policy failover get -p iSCSI1");
	{
		char *text = rendered();

		ck_assert_msg(strstr(text, "Load Balancing: iphash\n") &&
			      strstr(text, "Failback: false\n"), "%s", text);
		free(text);
	}
	refused_changes_nothing("network vswitch standard portgroup policy failover set -p iSCSI1 -u -a vmnic1",
				ESX_ERR_INVALID_VALUE,
				"--use-vswitch resets every failover setting to the vSwitch's: give it without other policy options");
	fails("network vswitch standard portgroup policy failover set -p iSCSI1 -s vmnic4",
	      ESX_ERR_INVALID_VALUE, "Uplink vmnic4 is not on vSwitch vSwitch1");
	/* -s alone moves a NIC out of the active list. */
	ok("network vswitch standard portgroup policy failover set -p iSCSI1 -a vmnic2,vmnic3 -s vmnic1");
	ok("network vswitch standard portgroup policy failover set -p iSCSI1 -s vmnic3");
	{
		const struct portgroup *pg = model_portgroup(current(), "iSCSI1");

		ck_assert_uint_eq(pg->policy.active.len, 1);
		ck_assert_str_eq(pg->policy.active.items[0], "vmnic2");
		ck_assert_uint_eq(pg->policy.standby.len, 1);
		ck_assert_str_eq(pg->policy.standby.items[0], "vmnic3");
	}
	ok("network vswitch standard portgroup policy failover set -p iSCSI1 -u");
	{
		const struct portgroup *pg = model_portgroup(current(), "iSCSI1");

		ck_assert(!pg->policy.has_uplinks && !pg->policy.has_failback);
		ck_assert_uint_eq(pg->policy.active.len, 0);
	}
	fails("network vswitch standard portgroup policy failover get -p Nowhere", ESX_ERR_NOT_FOUND,
	      "Unable to find portgroup Nowhere");
}
END_TEST

/* ---- vmkernel interfaces ---- */

START_TEST(interfaces)
{
	const struct vmk *v;

	standard_setup();
	ok("network vswitch standard portgroup add -p iSCSI2 -v vSwitch1");
	ok("network vswitch standard portgroup add -p iSCSI3 -v vSwitch1");
	ok("network ip interface add -i vmk1 -p iSCSI1 -M 00:50:56:AA:BB:01");
	prints("network ip interface list",
	       "vmk1\n"
	       "   Name: vmk1\n"
	       "   MAC Address: 00:50:56:aa:bb:01\n"
	       "   Enabled: true\n"
	       "   Portset: vSwitch1\n"
	       "   Portgroup: iSCSI1\n"
	       "   Netstack Instance: defaultTcpipStack\n"
	       "   VDS Name: N/A\n"
	       "   VDS UUID: N/A\n"
	       "   VDS Port: N/A\n"
	       "   VDS Connection: -1\n"
	       "   Opaque Network ID: N/A\n"
	       "   Opaque Network Type: N/A\n"
	       "   External ID: N/A\n"
	       "   MTU: 1500\n"
	       "   TSO MSS: 65535\n"
	       "   RXDispQueue Size: 1\n"
	       "   Port ID: 33554449\n"
	       "\n");
	refused_changes_nothing("network ip interface add -i vmk1 -p iSCSI2", ESX_ERR_ALREADY_EXISTS,
				"A vmknic with the name vmk1 already exists");
	refused_changes_nothing("network ip interface add -i vmk2 -p iSCSI1", ESX_ERR_ALREADY_EXISTS,
				"A vmkernel nic for the connection point already exists");
	fails("network ip interface add -i eth5 -p iSCSI2", ESX_ERR_INVALID_VALUE,
	      "Invalid interface name 'eth5': a VMkernel interface is named vmk followed by a number (vmk1)");
	fails("network ip interface add -i vmk2 -p Nowhere", ESX_ERR_NOT_FOUND,
	      "Unable to find portgroup Nowhere");
	fails("network ip interface add -i vmk2 -p iSCSI2 -M 00:50:56:aa:bb:01",
	      ESX_ERR_ALREADY_EXISTS, "MAC address 00:50:56:aa:bb:01 is already used by vmk1");
	fails("network ip interface add -i vmk2 -p iSCSI2 -M 01:00:5e:00:00:01",
	      ESX_ERR_INVALID_VALUE,
	      "Invalid MAC address '01:00:5e:00:00:01': give a unicast address as xx:xx:xx:xx:xx:xx");
	fails("network ip interface add -i vmk7 -p iSCSI2", ESX_ERR_ALREADY_EXISTS,
	      "vmk7 is the name of a network interface esxclid does not manage; rename or remove it first");
	fails("network ip interface add -i vmk2 -p iSCSI2 -m 9000", ESX_ERR_INVALID_VALUE,
	      "MTU 9000 is larger than the MTU 1500 of vSwitch vSwitch1");

	/* A generated MAC: locally administered, kept; the next table. */
	ok("network ip interface add -i vmk2 -p iSCSI2");
	v = model_vmk(current(), "vmk2");
	ck_assert_msg(strncmp(v->mac, "02:50:56:", 9) == 0, "%s", v->mac);
	ck_assert_uint_eq(v->table, 10001);
	ck_assert_uint_eq(model_vmk(current(), "vmk1")->table, 10000);

	/* MTU: the vSwitch's first, then the uplinks' the vmk may use. */
	ok("network vswitch standard set -v vSwitch1 -m 9000");
	fails("network ip interface set -i vmk2 -m 9000", ESX_ERR_INVALID_VALUE,
	      "MTU 9000 is larger than the MTU 1500 of uplink vmnic1");
	ok("network vswitch standard portgroup policy failover set -p iSCSI2 -a vmnic2");
	ok("network ip interface set -i vmk2 -m 9000 -e false");
	v = model_vmk(current(), "vmk2");
	ck_assert_uint_eq(v->mtu, 9000);
	ck_assert(!v->enabled);
	refused_changes_nothing("network vswitch standard set -v vSwitch1 -m 1500",
				ESX_ERR_INVALID_VALUE,
				"Cannot set the MTU of vSwitch vSwitch1 to 1500: vmk2 has MTU 9000; lower it first");
	/* An interface on a 9000 vSwitch defaults to 1500. */
	ok("network ip interface add -i vmk3 -p iSCSI3");
	ck_assert_uint_eq(model_vmk(current(), "vmk3")->mtu, 1500);

	/* Uplinks the interfaces may use cannot go. */
	refused_changes_nothing("network vswitch standard uplink remove -v vSwitch1 -u vmnic1",
				ESX_ERR_IN_USE,
				"Cannot remove uplink vmnic1 from vSwitch vSwitch1: it is in the failover order of vmk1, vmk3; change their portgroups' failover policy first, or remove it anyway with --force true");
	ok("network ip interface remove -i vmk1");
	ok("network ip interface remove -i vmk3");
	ok("network vswitch standard uplink remove -v vSwitch1 -u vmnic1");
	fails("network ip interface remove -i vmk1", ESX_ERR_NOT_FOUND, "Unable to find vmknic vmk1");
	/* A freed table is reused. */
	ok("network ip interface add -i vmk5 -p iSCSI1");
	ck_assert_uint_eq(model_vmk(current(), "vmk5")->table, 10000);
}
END_TEST

/* Bind vmk to the iSCSI adapter in the committed model, as networkportal
 * add does once open-iscsi has its iface record. */
static void bind(const char *vmk, const char *uplink)
{
	struct esx_err err = { 0 };
	struct iscsi_binding *b;
	struct model next;

	ck_assert_int_eq(model_clone(current(), &next), 0);
	b = model_iscsi_add_binding(&next);
	ck_assert_ptr_nonnull(b);
	snprintf(b->vmk, sizeof(b->vmk), "%s", vmk);
	snprintf(b->uplink, sizeof(b->uplink), "%s", uplink);
	ck_assert_msg(model_apply(&d, &next, &err) == 0, "%s", err.text);
}

/* A bound vmk and its uplink stay unless forced; this host has no iSCSI
 * sessions, hence no storage paths (the lab checks those). */
START_TEST(bound_vmk_removal)
{
	static const char refusal[] =
		"VnicInUse: vmk1 is bound to the iSCSI adapter vmhba64 (port binding). No impact on storage paths. Remedy: unbind it first: esxcli iscsi networkportal remove -A vmhba64 -n vmk1; or remove it anyway (the binding stays, non-compliant: VnicNotFound): esxcli network ip interface remove -i vmk1 --force true";

	standard_setup();
	ok("network vswitch standard portgroup policy failover set -p iSCSI1 -a vmnic1");
	ok("network ip interface add -i vmk1 -p iSCSI1");
	bind("vmk1", "vmnic1");
	refused_changes_nothing("network ip interface remove -i vmk1", "VnicInUse", refusal);
	refused_changes_nothing("network ip interface remove -i vmk1 --force false", "VnicInUse",
				refusal);
	refused_changes_nothing("network vswitch standard uplink remove -v vSwitch1 -u vmnic1",
				"PnicInUse",
				"PnicInUse: vmnic1 is the uplink of vmk1, bound to the iSCSI adapter vmhba64 (port binding). No impact on storage paths. Remedy: unbind vmk1 first: esxcli iscsi networkportal remove -A vmhba64 -n vmk1; or remove it anyway (the binding stays, non-compliant): esxcli network vswitch standard uplink remove -u vmnic1 -v vSwitch1 --force true");
	/* vmnic2 is in no order of a bound vmk (iSCSI1 uses vmnic1 alone). */
	ok("network vswitch standard uplink remove -v vSwitch1 -u vmnic2");
	ok("network vswitch standard uplink remove -v vSwitch1 -u vmnic1 --force true");
	ck_assert_ptr_null(model_uplink_owner(current(), "vmnic1"));
	ck_assert_uint_eq(model_portgroup(current(), "iSCSI1")->policy.active.len, 0);
	ck_assert_ptr_nonnull(model_iscsi_binding(current(), "vmk1"));
	ok("network ip interface remove -f true -i vmk1");
	ck_assert_ptr_null(model_vmk(current(), "vmk1"));
	ck_assert_ptr_nonnull(model_iscsi_binding(current(), "vmk1"));
}
END_TEST

START_TEST(ipv4)
{
	standard_setup();
	ok("network vswitch standard portgroup add -p iSCSI2 -v vSwitch1");
	ok("network ip interface add -i vmk1 -p iSCSI1");
	ok("network ip interface add -i vmk2 -p iSCSI2");
	ok("network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0 -g 10.0.0.1");
	prints("network ip interface ipv4 get",
	       "Name  IPv4 Address  IPv4 Netmask   IPv4 Broadcast  Address Type  Gateway   DHCP DNS\n"
	       "----  ------------  -------------  --------------  ------------  --------  --------\n"
	       "vmk1  10.0.0.11     255.255.255.0  10.0.0.255      STATIC        10.0.0.1     false\n"
	       "vmk2  0.0.0.0       0.0.0.0        0.0.0.0         NONE          0.0.0.0      false\n");
	refused_changes_nothing("network ip interface ipv4 set -i vmk2 -t dhcp", ESX_ERR_NOT_SUPPORTED,
				"DHCP is not supported on vmkernel interfaces by esxcli-linux: a DHCP client would fight the per-interface routing tables; use --type=static");
	fails("network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.12", ESX_ERR_INVALID_VALUE,
	      "--type=static needs --ipv4 and --netmask");
	fails("network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.12 -N 255.0.255.0",
	      ESX_ERR_INVALID_VALUE,
	      "Invalid netmask '255.0.255.0': give a dotted mask with contiguous bits (255.255.255.0)");
	fails("network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.0 -N 255.255.255.0",
	      ESX_ERR_INVALID_VALUE, "10.0.0.0 is the network address of 10.0.0.0/24");
	fails("network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.255 -N 255.255.255.0",
	      ESX_ERR_INVALID_VALUE, "10.0.0.255 is the broadcast address of 10.0.0.0/24");
	fails("network ip interface ipv4 set -i vmk2 -t static -I 224.0.0.5 -N 255.255.255.0",
	      ESX_ERR_INVALID_VALUE, "Invalid IPv4 address '224.0.0.5'");
	refused_changes_nothing("network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.11 -N 255.255.255.0",
				ESX_ERR_ALREADY_EXISTS, "IP address 10.0.0.11 is already used by vmk1");
	fails("network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.12 -N 255.255.255.0 -g 10.0.1.1",
	      ESX_ERR_INVALID_VALUE, "Gateway 10.0.1.1 is not in the subnet 10.0.0.0/24 of vmk2");
	fails("network ip interface ipv4 set -i vmk2 -t none -I 10.0.0.12", ESX_ERR_INVALID_VALUE,
	      "--ipv4, --netmask and --gateway need --type=static");
	fails("network ip interface ipv4 set -i vmk9 -t none", ESX_ERR_NOT_FOUND,
	      "Unable to find vmknic vmk9");
	/* /31: both addresses usable; a gateway of 0.0.0.0 is none. */
	ok("network ip interface ipv4 set -i vmk2 -t static -I 10.0.1.0 -N 255.255.255.254 -g 0.0.0.0");
	ck_assert_uint_eq(model_vmk(current(), "vmk2")->ipv4_prefix, 31);
	ck_assert_str_eq(model_vmk(current(), "vmk2")->ipv4_gateway, "");
	ok("network ip interface ipv4 set -i vmk1 -t none");
	ck_assert_int_eq(model_vmk(current(), "vmk1")->ipv4_type, IPV4_NONE);
	ck_assert_str_eq(model_vmk(current(), "vmk1")->ipv4_address, "");
	ok("network ip interface ipv4 get -i vmk2");
	{
		char *text = rendered();

		ck_assert_msg(strstr(text, "vmk2  10.0.1.0      255.255.255.254  10.0.1.1") != NULL, "%s",
			      text);
		ck_assert_ptr_null(strstr(text, "vmk1"));
		free(text);
	}
}
END_TEST

START_TEST(ipv6)
{
	standard_setup();
	ok("network vswitch standard portgroup add -p iSCSI2 -v vSwitch1");
	ok("network ip interface add -i vmk1 -p iSCSI1");
	ok("network ip interface add -i vmk2 -p iSCSI2");
	ok("network ip interface ipv6 address add -i vmk1 -I FD00:0::11/64");
	ok("network ip interface ipv6 address add -i vmk1 -I 2001:db8::11/128");
	prints("network ip interface ipv6 address list",
	       "Interface  Address       Netmask  Type    Status\n"
	       "---------  ------------  -------  ------  ------\n"
	       "vmk1       fd00::11           64  STATIC  PREFERRED\n"
	       "vmk1       2001:db8::11      128  STATIC  PREFERRED\n");
	refused_changes_nothing("network ip interface ipv6 address add -i vmk2 -I fd00::11/80",
				ESX_ERR_ALREADY_EXISTS, "IPv6 address fd00::11 is already used by vmk1");
	fails("network ip interface ipv6 address add -i vmk2 -I fd00::12", ESX_ERR_INVALID_VALUE,
	      "Invalid IPv6 address 'fd00::12': give a unicast address with its prefix length (fd00::10/64)");
	fails("network ip interface ipv6 address add -i vmk2 -I ff02::1/64", ESX_ERR_INVALID_VALUE,
	      "Invalid IPv6 address 'ff02::1/64': give a unicast address with its prefix length (fd00::10/64)");
	fails("network ip interface ipv6 address remove -i vmk1 -I fd00::11/48", ESX_ERR_NOT_FOUND,
	      "IPv6 address fd00::11/48 is not on vmk1");
	ok("network ip interface ipv6 address remove -i vmk1 -I fd00:0:0::11/64");
	ck_assert_uint_eq(model_vmk(current(), "vmk1")->ipv6.len, 1);
	ck_assert_str_eq(model_vmk(current(), "vmk1")->ipv6.items[0], "2001:db8::11/128");
	prints("network ip interface ipv6 address list -i vmk2",
	       "Interface  Address  Netmask  Type  Status\n"
	       "---------  -------  -------  ----  ------\n");
}
END_TEST

START_TEST(routes)
{
	standard_setup();
	ok("network vswitch standard portgroup add -p iSCSI2 -v vSwitch1");
	ok("network ip interface add -i vmk1 -p iSCSI1");
	ok("network ip interface add -i vmk2 -p iSCSI2");
	ok("network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0");
	ok("network ip interface ipv4 set -i vmk2 -t static -I 10.0.0.12 -N 255.255.255.0");
	ok("network ip route ipv4 add -n 10.1.0.0/16 -g 10.0.0.254");
	ok("network ip route ipv4 add --network=0.0.0.0/0 --gateway=10.0.0.1");
	prints("network ip route ipv4 list",
	       "Network   Netmask        Gateway     Interface  Source\n"
	       "--------  -------------  ----------  ---------  ------\n"
	       "default   0.0.0.0        10.0.0.1    vmk1       MANUAL\n"
	       "10.1.0.0  255.255.0.0    10.0.0.254  vmk1       MANUAL\n"
	       "10.0.0.0  255.255.255.0  0.0.0.0     vmk1       MANUAL\n"
	       "10.0.0.0  255.255.255.0  0.0.0.0     vmk2       MANUAL\n");
	refused_changes_nothing("network ip route ipv4 add -n 10.1.0.0/16 -g 10.0.0.253",
				ESX_ERR_ALREADY_EXISTS, "A route to 10.1.0.0/16 already exists");
	fails("network ip route ipv4 add -n 10.2.0.1/16 -g 10.0.0.254", ESX_ERR_INVALID_VALUE,
	      "Invalid network 10.2.0.1/16: the address has host bits set (the network is 10.2.0.0/16)");
	fails("network ip route ipv4 add -n 10.2.0.0 -g 10.0.0.254", ESX_ERR_INVALID_VALUE,
	      "Invalid network '10.2.0.0': give network/length (10.1.0.0/16) or default");
	fails("network ip route ipv4 add -n 10.2.0.0/16 -g 10.9.9.9", ESX_ERR_INVALID_VALUE,
	      "Gateway 10.9.9.9 is not in the subnet of any vmkernel interface");
	fails("network ip route ipv4 add -n 10.2.0.0/16 -g nowhere", ESX_ERR_INVALID_VALUE,
	      "Invalid gateway 'nowhere'");
	/* vmk2 still reaches the gateways: vmk1 may go. */
	ok("network ip interface remove -i vmk1");
	refused_changes_nothing("network ip interface ipv4 set -i vmk2 -t static -I 10.5.0.12 -N 255.255.255.0",
				ESX_ERR_IN_USE,
				"Cannot change the IPv4 address of vmk2: no other vmkernel interface could reach the gateway of the route(s) 10.1.0.0/16 via 10.0.0.254, default via 10.0.0.1; remove them first");
	refused_changes_nothing("network ip interface remove -i vmk2", ESX_ERR_IN_USE,
				"Cannot remove vmk2: no other vmkernel interface could reach the gateway of the route(s) 10.1.0.0/16 via 10.0.0.254, default via 10.0.0.1; remove them first");
	fails("network ip route ipv4 remove -n 10.1.0.0/16 -g 10.0.0.1", ESX_ERR_NOT_FOUND,
	      "Unable to find a route to 10.1.0.0/16 via 10.0.0.1");
	ok("network ip route ipv4 remove -n 10.1.0.0/16 -g 10.0.0.254");
	ok("network ip route ipv4 remove -n default -g 10.0.0.1");
	ok("network ip interface remove -i vmk2");
	ck_assert_uint_eq(current()->nroutes, 0);
}
END_TEST

/* What was committed loads back as the same model: a restart changes
 * nothing. */
START_TEST(state_survives_a_restart)
{
	struct json_object *before = json_object_new_object(), *after = json_object_new_object();
	struct esx_err err = { 0 };

	standard_setup();
	ok("network vswitch standard portgroup policy failover set -p iSCSI1 -a vmnic2 -f beacon");
	ok("network ip interface add -i vmk1 -p iSCSI1");
	ok("network ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0 -g 10.0.0.1");
	ok("network ip interface ipv6 address add -i vmk1 -I fd00::11/64");
	ok("network ip route ipv4 add -n 10.1.0.0/16 -g 10.0.0.254");
	ck_assert_int_eq(model_save(current(), before, &err), 0);
	model_exit(&d);
	store_close(d.store);
	d.store = NULL;
	ck_assert_msg(store_open(state_path, &d.store, &err) == 0, "%s", err.text);
	ck_assert_msg(model_init(&d, &err) == 0, "%s", err.text);
	ck_assert_int_eq(model_save(current(), after, &err), 0);
	ck_assert(json_object_equal(before, after));
	json_object_put(before);
	json_object_put(after);
}
END_TEST

START_TEST(completion)
{
	const char *uplink_add[] = { "network", "vswitch", "standard", "uplink", "add", "-v",
				     "vSwitch1", "-u" };
	const char *failover_set[] = { "network", "vswitch", "standard", "policy", "failover",
				       "set", "-a" };
	const char *vmk_add[] = { "network", "ip", "interface", "add", "-i" };
	const char *vmk_add_pg[] = { "network", "ip", "interface", "add", "-p" };
	struct esx_strv out = { 0 };
	struct esx_err err = { 0 };

	standard_setup();
	ok("network vswitch standard portgroup add -p iSCSI2 -v vSwitch1");
	ok("network ip interface add -i vmk0 -p iSCSI1");
	/* NICs on no vSwitch yet. */
	ck_assert_int_eq(engine_complete(d.engine, &d, &admin, uplink_add, 8, "vmnic", &out, &err), 0);
	strv_sort_unique(&out);
	ck_assert_uint_eq(out.len, 2);
	ck_assert_str_eq(out.items[0], "vmnic3");
	ck_assert_str_eq(out.items[1], "vmnic9");
	strv_free(&out);
	/* The last name of a comma-separated list. */
	ck_assert_int_eq(engine_complete(d.engine, &d, &admin, failover_set, 7, "vmnic1,vmnic", &out,
					 &err), 0);
	strv_sort_unique(&out);
	ck_assert_uint_eq(out.len, 2);
	ck_assert_str_eq(out.items[0], "vmnic1,vmnic1");
	ck_assert_str_eq(out.items[1], "vmnic1,vmnic2");
	strv_free(&out);
	ck_assert_int_eq(engine_complete(d.engine, &d, &admin, vmk_add, 5, "", &out, &err), 0);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_str_eq(out.items[0], "vmk1");
	strv_free(&out);
	ck_assert_int_eq(engine_complete(d.engine, &d, &admin, vmk_add_pg, 5, "", &out, &err), 0);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_str_eq(out.items[0], "iSCSI2");
	strv_free(&out);
}
END_TEST

START_TEST(every_option_has_help)
{
	static const char *const namespaces[] = { "network vswitch", "network ip " };

	for (const struct esx_command_set *set = esx_command_sets; set->commands; set++) {
		for (const struct esx_command *cmd = set->commands; cmd->path; cmd++) {
			bool mine = false;

			for (size_t i = 0; i < 2; i++)
				mine |= strncmp(cmd->path, namespaces[i], strlen(namespaces[i])) == 0;
			if (!mine)
				continue;
			ck_assert_msg(cmd->description && cmd->description[0], "%s", cmd->path);
			for (const struct esx_option *o = cmd->options; o->long_name; o++)
				ck_assert_msg(o->help && o->help[0], "%s --%s", cmd->path,
					      o->long_name);
		}
	}
}
END_TEST

static Suite *network_cmds_suite(void)
{
	Suite *s = suite_create("network commands");
	TCase *tc = tcase_create("commands");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, vswitch_add_list_set_remove);
	tcase_add_test(tc, uplinks);
	tcase_add_test(tc, vswitch_failover_policy);
	tcase_add_test(tc, portgroups);
	tcase_add_test(tc, portgroup_failover_overrides);
	tcase_add_test(tc, interfaces);
	tcase_add_test(tc, bound_vmk_removal);
	tcase_add_test(tc, ipv4);
	tcase_add_test(tc, ipv6);
	tcase_add_test(tc, routes);
	tcase_add_test(tc, state_survives_a_restart);
	tcase_add_test(tc, completion);
	tcase_add_test(tc, every_option_has_help);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "skipped: needs root to make a network namespace\n");
		return SKIP;
	}
	if (make_nics() != 0) {
		fprintf(stderr, "could not create the test NICs with ip\n");
		return EXIT_FAILURE;
	}
	sr = srunner_create(network_cmds_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
