/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kernel primitives (net_iface, net_addr, net_route, net_sysctl,
 * net_announce) against the real kernel. Root only (skipped otherwise):
 * every test runs in a network namespace of its own, on veth pairs made for
 * it, and reads what the primitive did back by other means — `ip -j` run as
 * a child process, /proc/sys files, frames captured on the far end of the
 * veth.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <json-c/json.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "net_addr.h"
#include "net_announce.h"
#include "net_iface.h"
#include "net_nl.h"
#include "net_route.h"
#include "net_sysctl.h"

#define SKIP 77
#define IP_OUTPUT_MAX (256 * 1024)
#define CAPTURE_MS 2000
#define MAC1 "00:50:56:01:02:03"
#define MAC2 "00:50:56:01:02:04"

/* An argv for ip, NULL-terminated. */
#define IP(...) ((const char *const[]){ __VA_ARGS__, NULL })

static struct net_nl *nl;
static struct esx_err err;

/* ---- running ip ---------------------------------------------------------- */

static const char *ip_binary(void)
{
	static const char *const candidates[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip",
						  "/bin/ip" };

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return NULL;
}

/* Run ip with args; its standard output goes to *out (may be NULL; free()
 * it). Returns its exit status, or -1 when it did not exit. */
static int run_ip(const char *const *args, char **out)
{
	const char *argv[32];
	int pipefd[2] = { -1, -1 };
	char *buf = NULL;
	size_t len = 0, argc = 0;
	int status = -1;
	pid_t pid;

	argv[argc++] = ip_binary();
	ck_assert_ptr_nonnull(argv[0]);
	for (; *args; args++) {
		ck_assert_uint_lt(argc, sizeof(argv) / sizeof(argv[0]) - 1);
		argv[argc++] = *args;
	}
	argv[argc] = NULL;
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(pipefd[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	buf = malloc(IP_OUTPUT_MAX);
	ck_assert_ptr_nonnull(buf);
	for (;;) {
		ssize_t got = read(pipefd[0], buf + len, IP_OUTPUT_MAX - 1 - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	buf[len] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void ip_ok(const char *const *args)
{
	ck_assert_msg(run_ip(args, NULL) == 0, "ip %s %s %s ... failed", args[0], args[1],
		      args[2] ? args[2] : "");
}

/* ip -j ...: the parsed array (json_object_put() it). */
static struct json_object *ip_json(const char *const *args)
{
	struct json_object *json;
	char *out = NULL;
	int status = run_ip(args, &out);

	ck_assert_msg(status == 0, "ip %s %s %s ... failed", args[0], args[1], args[2]);
	json = json_tokener_parse(out);
	free(out);
	ck_assert_ptr_nonnull(json);
	ck_assert(json_object_is_type(json, json_type_array));
	return json;
}

static const char *jstr(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static int64_t jint(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return -1;
	return json_object_get_int64(v);
}

static struct json_object *jget(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

static bool jarray_has_string(struct json_object *arr, const char *s)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s) == 0)
			return true;
	return false;
}

/* The first element of arr whose key is value; NULL when none. */
static struct json_object *jfind(struct json_object *arr, const char *key, const char *value)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *item = json_object_array_get_idx(arr, i);
		const char *v = jstr(item, key);

		if (v && strcmp(v, value) == 0)
			return item;
	}
	return NULL;
}

static int64_t route_quickack(struct json_object *route)
{
	struct json_object *metrics = jget(route, "metrics");

	for (size_t i = 0; metrics && i < json_object_array_length(metrics); i++) {
		int64_t v = jint(json_object_array_get_idx(metrics, i), "quickack");

		if (v >= 0)
			return v;
	}
	return -1;
}

static bool link_exists(const char *name)
{
	return run_ip(IP("link", "show", "dev", name), NULL) == 0;
}

static size_t link_count(void)
{
	struct json_object *links = ip_json(IP("-j", "link", "show"));
	size_t n = json_object_array_length(links);

	json_object_put(links);
	return n;
}

/* The addr_info entry of local on the link name (a fresh ip -j call); the
 * caller puts *all. */
static struct json_object *addr_info(const char *name, const char *local,
				     struct json_object **all)
{
	*all = ip_json(IP("-j", "addr", "show", "dev", name));
	ck_assert_uint_eq(json_object_array_length(*all), 1);
	return jfind(jget(json_object_array_get_idx(*all, 0), "addr_info"), "local", local);
}

static size_t count_family_addrs(const char *name, const char *family, bool global_only)
{
	struct json_object *all = ip_json(IP("-j", "addr", "show", "dev", name));
	struct json_object *info = jget(json_object_array_get_idx(all, 0), "addr_info");
	size_t n = 0;

	for (size_t i = 0; info && i < json_object_array_length(info); i++) {
		struct json_object *a = json_object_array_get_idx(info, i);

		if (strcmp(jstr(a, "family"), family) != 0)
			continue;
		if (global_only && strcmp(jstr(a, "scope"), "global") != 0)
			continue;
		n++;
	}
	json_object_put(all);
	return n;
}

/* ---- files and links ----------------------------------------------------- */

static int read_int_file(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	return atoi(buf);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static int ifindex_of(const char *name)
{
	int index = (int)if_nametoindex(name);

	ck_assert_msg(index > 0, "no interface %s", name);
	return index;
}

/* A veth pair, both ends up: made with libnl here, the primitives having
 * no business making veths. */
static void make_veth(const char *name, const char *peer)
{
	struct nl_sock *sock = nl_socket_alloc();

	ck_assert_ptr_nonnull(sock);
	ck_assert_int_eq(nl_connect(sock, NETLINK_ROUTE), 0);
	ck_assert_int_eq(rtnl_link_veth_add(sock, name, peer, getpid()), 0);
	nl_socket_free(sock);
	ip_ok(IP("link", "set", "dev", name, "up"));
	ip_ok(IP("link", "set", "dev", peer, "up"));
}

static int make_vmk(const char *name, const char *lower, const char *mac, bool up)
{
	struct net_macvlan_spec spec = {
		.name = name, .lower_name = lower, .mac = mac, .up = up,
	};
	int ifindex = 0;

	err_reset(&err);
	ck_assert_msg(net_iface_create_macvlan(nl, &spec, &ifindex, &err) == 0, "%s", err.text);
	ck_assert_int_gt(ifindex, 0);
	return ifindex;
}

static void add_addr(int ifindex, const char *cidr)
{
	err_reset(&err);
	ck_assert_msg(net_addr_add(nl, ifindex, cidr, &err) == 0, "%s", err.text);
}

/* Each test gets a namespace of its own, so that none sees another's
 * leftovers (rules outlive the links they were made for). */
static void setup(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ip_ok(IP("link", "set", "dev", "lo", "up"));
	err_reset(&err);
	ck_assert_int_eq(net_nl_open(&nl, &err), 0);
	make_veth("upA", "peerA");
	make_veth("upB", "peerB");
}

static void teardown(void)
{
	net_nl_close(nl);
	nl = NULL;
}

/* ---- links ---------------------------------------------------------------- */

START_TEST(macvlan_created_as_asked)
{
	struct net_macvlan_spec spec = {
		.name = "vmk1", .lower_name = "upA", .mac = MAC1, .mtu = 1400, .up = true,
	};
	struct json_object *links, *link, *info, *data;
	struct net_iface facts;
	int ifindex = 0;

	ck_assert_msg(net_iface_create_macvlan(nl, &spec, &ifindex, &err) == 0, "%s", err.text);

	links = ip_json(IP("-j", "-d", "link", "show", "dev", "vmk1"));
	link = json_object_array_get_idx(links, 0);
	ck_assert_int_eq(jint(link, "ifindex"), ifindex);
	ck_assert_str_eq(jstr(link, "link"), "upA");
	ck_assert_str_eq(jstr(link, "address"), MAC1);
	ck_assert_int_eq(jint(link, "mtu"), 1400);
	ck_assert_str_eq(jstr(link, "ifalias"), "esxclid:vmk");
	ck_assert(jarray_has_string(jget(link, "flags"), "UP"));
	info = jget(link, "linkinfo");
	ck_assert_str_eq(jstr(info, "info_kind"), "macvlan");
	data = jget(info, "info_data");
	ck_assert_str_eq(jstr(data, "mode"), "bridge");
	json_object_put(links);

	ck_assert_int_eq(net_iface_get(nl, "vmk1", &facts, &err), 0);
	ck_assert_int_eq(facts.ifindex, ifindex);
	ck_assert_str_eq(facts.kind, "macvlan");
	ck_assert_int_eq(facts.lower_ifindex, ifindex_of("upA"));
	ck_assert_str_eq(facts.mac, MAC1);
	ck_assert_uint_eq(facts.mtu, 1400);
	ck_assert(facts.admin_up);
	ck_assert(facts.ours);
	ck_assert_str_eq(facts.alias, NET_ALIAS_VMK);
	memset(&facts, 0, sizeof(facts));
	ck_assert_int_eq(net_iface_get_by_index(nl, ifindex, &facts, &err), 0);
	ck_assert_str_eq(facts.name, "vmk1");

	/* By lower index, the kernel's MAC, the lower's MTU, another alias. */
	spec = (struct net_macvlan_spec){ .name = "vmk2", .lower_ifindex = ifindex_of("upB"),
					  .alias = "esxclid:test" };
	ck_assert_int_eq(net_iface_create_macvlan(nl, &spec, NULL, &err), 0);
	ck_assert_int_eq(net_iface_get(nl, "vmk2", &facts, &err), 0);
	ck_assert_int_eq(facts.lower_ifindex, ifindex_of("upB"));
	ck_assert_uint_eq(facts.mtu, 1500);
	ck_assert_str_eq(facts.alias, "esxclid:test");
	ck_assert(!facts.admin_up);
}
END_TEST

START_TEST(macvlan_refusals)
{
	struct net_macvlan_spec spec = { .name = "vmk1", .lower_name = "upA", .mac = MAC1 };
	size_t before;

	make_vmk("vmk1", "upA", MAC1, true);
	before = link_count();

	ck_assert_int_eq(net_iface_create_macvlan(nl, &spec, NULL, &err), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err.text, "already exists"));

	err_reset(&err);
	spec = (struct net_macvlan_spec){ .name = "vmk2", .lower_name = "upA", .mtu = 9000 };
	ck_assert_int_eq(net_iface_create_macvlan(nl, &spec, NULL, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "larger than the MTU of upA"));

	err_reset(&err);
	spec = (struct net_macvlan_spec){ .name = "vmk2", .lower_name = "upA",
					  .mac = "01:00:5e:00:00:01" };
	ck_assert_int_eq(net_iface_create_macvlan(nl, &spec, NULL, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "Invalid MAC address"));

	err_reset(&err);
	spec = (struct net_macvlan_spec){ .name = "vmk2", .lower_name = "upA",
					  .alias = "mine" };
	ck_assert_int_eq(net_iface_create_macvlan(nl, &spec, NULL, &err), -EINVAL);

	err_reset(&err);
	spec = (struct net_macvlan_spec){ .name = "vmk2", .lower_name = "nosuch" };
	ck_assert_int_eq(net_iface_create_macvlan(nl, &spec, NULL, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.text, "nosuch"));

	/* The same MAC twice on one lower link: the kernel checks it when the
	 * second comes up. */
	err_reset(&err);
	spec = (struct net_macvlan_spec){ .name = "vmk2", .lower_name = "upA", .mac = MAC1,
					  .up = true };
	ck_assert_int_eq(net_iface_create_macvlan(nl, &spec, NULL, &err), -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err.text, "already in use on upA"));

	ck_assert_uint_eq(link_count(), before);
	ck_assert(!link_exists("vmk2"));
}
END_TEST

START_TEST(delete_only_what_is_tagged)
{
	make_vmk("vmk1", "upA", MAC1, true);
	ip_ok(IP("link", "add", "link", "upA", "name", "vmk9", "type", "macvlan", "mode",
		 "bridge"));

	ck_assert_int_eq(net_iface_delete(nl, "vmk9", &err), -EPERM);
	ck_assert_ptr_nonnull(strstr(err.text, "did not create"));
	ck_assert(link_exists("vmk9"));
	err_reset(&err);
	ck_assert_int_eq(net_iface_delete(nl, "upA", &err), -EPERM);
	ck_assert(link_exists("upA"));
	err_reset(&err);
	ck_assert_int_eq(net_iface_delete(nl, "nosuch", &err), -ENOENT);
	err_reset(&err);
	ck_assert_int_eq(net_iface_delete(nl, "../upA", &err), -EINVAL);

	err_reset(&err);
	ck_assert_msg(net_iface_delete(nl, "vmk1", &err) == 0, "%s", err.text);
	ck_assert(!link_exists("vmk1"));
	ck_assert(link_exists("upA"));
}
END_TEST

START_TEST(vlan_needs_8021q)
{
	size_t before = link_count();
	int ifindex = 0;
	int ret = net_iface_create_vlan(nl, ifindex_of("upA"), 5, NULL, &ifindex, &err);

	if (ret == -EOPNOTSUPP) {
		ck_assert_str_eq(err.text,
				 "VLAN ID 5 needs 802.1Q support (the 8021q kernel module), which this kernel lacks");
		ck_assert(!link_exists("upA.5"));
		ck_assert_uint_eq(link_count(), before);
	} else {
		/* A kernel with 802.1Q: the sub-interface as specified. */
		struct json_object *links, *link, *data;

		ck_assert_msg(ret == 0, "%s", err.text);
		links = ip_json(IP("-j", "-d", "link", "show", "dev", "upA.5"));
		link = json_object_array_get_idx(links, 0);
		ck_assert_int_eq(jint(link, "ifindex"), ifindex);
		ck_assert_str_eq(jstr(link, "link"), "upA");
		ck_assert_str_eq(jstr(link, "ifalias"), "esxclid:vlan");
		ck_assert_str_eq(jstr(jget(link, "linkinfo"), "info_kind"), "vlan");
		data = jget(jget(link, "linkinfo"), "info_data");
		ck_assert_int_eq(jint(data, "id"), 5);
		json_object_put(links);
		ck_assert_int_eq(net_iface_delete(nl, "upA.5", &err), 0);
		ck_assert_uint_eq(link_count(), before);
	}
	err_reset(&err);
	ck_assert_int_eq(net_iface_create_vlan(nl, ifindex_of("upA"), 0, NULL, NULL, &err), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(net_iface_create_vlan(nl, ifindex_of("upA"), 4095, NULL, NULL, &err),
			 -EINVAL);
}
END_TEST

START_TEST(vlan_names_fit)
{
	char name[NET_NAME_MAX];

	ck_assert_int_eq(net_iface_vlan_name("upA", 3, 5, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "upA.5");
	ck_assert_int_eq(net_iface_vlan_name("enp129s0f1np1", 7, 4094, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "esxv7.4094");
	ck_assert_int_eq(net_iface_vlan_name("eth0", 2, 4094, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "eth0.4094");
	ck_assert_int_eq(net_iface_vlan_name("eth0", 2, 0, name, sizeof(name)), -EINVAL);
	ck_assert_int_eq(net_iface_vlan_name("eth0", 2, 4095, name, sizeof(name)), -EINVAL);
}
END_TEST

START_TEST(link_settings_change)
{
	struct json_object *links, *link;
	struct net_iface *ours = NULL;
	size_t count = 0;

	make_vmk("vmk1", "upA", MAC1, false);
	ck_assert_int_eq(net_iface_set_up(nl, "vmk1", true, &err), 0);
	ck_assert_int_eq(net_iface_set_mtu(nl, "vmk1", 1300, &err), 0);
	ck_assert_int_eq(net_iface_set_mac(nl, "vmk1", "00:50:56:0A:0B:0C", &err), 0);
	links = ip_json(IP("-j", "link", "show", "dev", "vmk1"));
	link = json_object_array_get_idx(links, 0);
	ck_assert(jarray_has_string(jget(link, "flags"), "UP"));
	ck_assert_int_eq(jint(link, "mtu"), 1300);
	ck_assert_str_eq(jstr(link, "address"), "00:50:56:0a:0b:0c");
	json_object_put(links);

	ck_assert_int_eq(net_iface_set_up(nl, "vmk1", false, &err), 0);
	links = ip_json(IP("-j", "link", "show", "dev", "vmk1"));
	ck_assert(!jarray_has_string(jget(json_object_array_get_idx(links, 0), "flags"), "UP"));
	json_object_put(links);

	/* Any link: the vSwitch MTU goes on uplinks. */
	ck_assert_int_eq(net_iface_set_mtu(nl, "upB", 9000, &err), 0);
	links = ip_json(IP("-j", "link", "show", "dev", "upB"));
	ck_assert_int_eq(jint(json_object_array_get_idx(links, 0), "mtu"), 9000);
	json_object_put(links);

	ck_assert_int_eq(net_iface_set_mtu(nl, "nosuch", 1500, &err), -ENOENT);
	err_reset(&err);
	ck_assert_int_eq(net_iface_set_mac(nl, "vmk1", "00:00:00:00:00:00", &err), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(net_iface_set_mtu(nl, "vmk1", 20, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "vmk1"));

	err_reset(&err);
	ck_assert_int_eq(net_iface_list(nl, true, &ours, &count, &err), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_str_eq(ours[0].name, "vmk1");
	free(ours);
	ck_assert_int_eq(net_iface_list(nl, false, &ours, &count, &err), 0);
	ck_assert_uint_eq(count, link_count());
	for (size_t i = 1; i < count; i++)
		ck_assert_int_lt(ours[i - 1].ifindex, ours[i].ifindex);
	free(ours);
}
END_TEST

/* ---- addresses ------------------------------------------------------------ */

START_TEST(addresses_added_and_removed)
{
	struct json_object *all, *a;
	struct net_ipaddr *list = NULL;
	size_t count = 0;
	bool seen4 = false, seen6 = false;
	int vmk = make_vmk("vmk1", "upA", MAC1, true);

	add_addr(vmk, "192.0.2.10/24");
	a = addr_info("vmk1", "192.0.2.10", &all);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(jint(a, "prefixlen"), 24);
	ck_assert_str_eq(jstr(a, "broadcast"), "192.0.2.255");
	json_object_put(all);
	ck_assert_int_eq(net_addr_add(nl, vmk, "192.0.2.10/24", &err), -EEXIST);

	/* NODAD: usable at once, never "tentative". */
	add_addr(vmk, "2001:db8::10/64");
	a = addr_info("vmk1", "2001:db8::10", &all);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(jint(a, "prefixlen"), 64);
	ck_assert_ptr_null(jget(a, "tentative"));
	ck_assert_ptr_nonnull(jget(a, "nodad"));
	json_object_put(all);

	err_reset(&err);
	ck_assert_int_eq(net_addr_list(nl, vmk, AF_UNSPEC, &list, &count, &err), 0);
	for (size_t i = 0; i < count; i++) {
		ck_assert_int_eq(list[i].ifindex, vmk);
		if (strcmp(list[i].addr, "192.0.2.10") == 0) {
			seen4 = true;
			ck_assert_int_eq(list[i].family, AF_INET);
			ck_assert_uint_eq(list[i].prefix, 24);
			ck_assert_str_eq(list[i].broadcast, "192.0.2.255");
		}
		if (strcmp(list[i].addr, "2001:db8::10") == 0) {
			seen6 = true;
			ck_assert(list[i].flags & IFA_F_NODAD);
			ck_assert(!(list[i].flags & IFA_F_TENTATIVE));
		}
	}
	ck_assert(seen4 && seen6);
	free(list);

	ck_assert_int_eq(net_addr_delete(nl, vmk, "192.0.2.10/24", &err), 0);
	ck_assert_ptr_null(addr_info("vmk1", "192.0.2.10", &all));
	json_object_put(all);
	ck_assert_int_eq(net_addr_delete(nl, vmk, "192.0.2.10/24", &err), -ENOENT);
	err_reset(&err);
	ck_assert_int_eq(net_addr_add(nl, vmk, "192.0.2.10", &err), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(net_addr_add(nl, vmk, "192.0.2.300/24", &err), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(net_addr_add(nl, vmk, "2001:db8::1/129", &err), -EINVAL);
}
END_TEST

START_TEST(addresses_synced)
{
	const char *want[] = { "192.0.2.11/24", "2001:db8::11/64" };
	const char *only4[] = { "192.0.2.11/25" };
	const char *owned[] = { "2001:db8::11", "192.0.2.11" };
	struct json_object *all;
	int vmk = make_vmk("vmk1", "upA", MAC1, true);

	add_addr(vmk, "192.0.2.10/24");
	add_addr(vmk, "2001:db8::10/64");
	ck_assert_msg(net_addr_sync(nl, vmk, want, 2, NULL, 0, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(count_family_addrs("vmk1", "inet", false), 1);
	ck_assert_uint_eq(count_family_addrs("vmk1", "inet6", true), 1);
	ck_assert_ptr_nonnull(addr_info("vmk1", "192.0.2.11", &all));
	json_object_put(all);
	ck_assert_ptr_nonnull(addr_info("vmk1", "2001:db8::11", &all));
	json_object_put(all);
	/* The kernel's link-local address stays. */
	ck_assert_uint_eq(count_family_addrs("vmk1", "inet6", false), 2);

	/* Again: nothing to do. */
	ck_assert_int_eq(net_addr_sync(nl, vmk, want, 2, NULL, 0, &err), 0);
	ck_assert_uint_eq(count_family_addrs("vmk1", "inet", false), 1);

	/* Owned only: an address someone else put there stays; a new prefix
	 * length replaces the old. */
	ip_ok(IP("addr", "add", "198.51.100.1/24", "dev", "vmk1"));
	ck_assert_int_eq(net_addr_sync(nl, vmk, only4, 1, owned, 2, &err), 0);
	ck_assert_ptr_nonnull(addr_info("vmk1", "198.51.100.1", &all));
	json_object_put(all);
	ck_assert_int_eq(jint(addr_info("vmk1", "192.0.2.11", &all), "prefixlen"), 25);
	json_object_put(all);
	ck_assert_ptr_null(addr_info("vmk1", "2001:db8::11", &all));
	json_object_put(all);

	err_reset(&err);
	ck_assert_int_eq(net_addr_sync(nl, vmk, (const char *[]){ "bad" }, 1, NULL, 0, &err),
			 -EINVAL);
	ck_assert_ptr_nonnull(addr_info("vmk1", "192.0.2.11", &all));
	json_object_put(all);
}
END_TEST

START_TEST(cidr_networks)
{
	char net[NET_CIDR_MAX];

	ck_assert_int_eq(net_cidr_network("192.0.2.10/24", net, sizeof(net)), 0);
	ck_assert_str_eq(net, "192.0.2.0/24");
	ck_assert_int_eq(net_cidr_network("10.1.2.3/9", net, sizeof(net)), 0);
	ck_assert_str_eq(net, "10.0.0.0/9");
	ck_assert_int_eq(net_cidr_network("2001:db8::10/64", net, sizeof(net)), 0);
	ck_assert_str_eq(net, "2001:db8::/64");
	ck_assert_int_eq(net_cidr_network("2001:db8:1:2:3::1/52", net, sizeof(net)), 0);
	ck_assert_str_eq(net, "2001:db8:1::/52");
	ck_assert_int_eq(net_cidr_network("192.0.2.10", net, sizeof(net)), -EINVAL);
	ck_assert_int_eq(net_cidr_network("192.0.2.10/33", net, sizeof(net)), -EINVAL);
	ck_assert_int_eq(net_cidr_network("192.0.2.10/024", net, sizeof(net)), -EINVAL);
}
END_TEST

/* ---- routes and rules ----------------------------------------------------- */

static int vmk_with_addresses(const char *name, const char *lower, const char *mac,
			      const char *v4, const char *v6)
{
	int vmk = make_vmk(name, lower, mac, true);

	add_addr(vmk, v4);
	if (v6)
		add_addr(vmk, v6);
	return vmk;
}

static struct net_route route_of(int family, unsigned table, const char *dst,
				 const char *gateway, const char *src, int ifindex, bool quickack)
{
	struct net_route r = { .family = family, .table = table, .ifindex = ifindex,
			       .quickack = quickack };

	snprintf(r.dst, sizeof(r.dst), "%s", dst);
	snprintf(r.gateway, sizeof(r.gateway), "%s", gateway);
	snprintf(r.src, sizeof(r.src), "%s", src);
	return r;
}

static void route_ok(const struct net_route *r)
{
	err_reset(&err);
	ck_assert_msg(net_route_add(nl, r, &err) == 0, "%s", err.text);
}

START_TEST(routes_in_a_vmk_table)
{
	int vmk = vmk_with_addresses("vmk1", "upA", MAC1, "192.0.2.10/24", "2001:db8::10/64");
	struct net_route subnet4 = route_of(AF_INET, 1001, "192.0.2.0/24", "", "192.0.2.10",
					    vmk, true);
	struct net_route gw4 = route_of(AF_INET, 1001, "default", "192.0.2.1", "", vmk, true);
	struct net_route subnet6 = route_of(AF_INET6, 1001, "2001:db8::/64", "", "2001:db8::10",
					    vmk, false);
	struct net_route gw6 = route_of(AF_INET6, 1001, "default", "2001:db8::1", "", vmk, true);
	struct json_object *routes, *r;

	route_ok(&subnet4);
	route_ok(&gw4);
	route_ok(&subnet6);
	route_ok(&gw6);

	routes = ip_json(IP("-j", "-d", "route", "show", "table", "1001"));
	ck_assert_uint_eq(json_object_array_length(routes), 2);
	r = jfind(routes, "dst", "192.0.2.0/24");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(jstr(r, "dev"), "vmk1");
	ck_assert_str_eq(jstr(r, "protocol"), "222");
	ck_assert_str_eq(jstr(r, "scope"), "link");
	ck_assert_str_eq(jstr(r, "prefsrc"), "192.0.2.10");
	ck_assert_int_eq(route_quickack(r), 1);
	r = jfind(routes, "dst", "default");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(jstr(r, "gateway"), "192.0.2.1");
	ck_assert_str_eq(jstr(r, "dev"), "vmk1");
	ck_assert_str_eq(jstr(r, "protocol"), "222");
	ck_assert_str_eq(jstr(r, "scope"), "global");
	ck_assert_int_eq(route_quickack(r), 1);
	json_object_put(routes);

	routes = ip_json(IP("-j", "-6", "route", "show", "table", "1001"));
	ck_assert_uint_eq(json_object_array_length(routes), 2);
	r = jfind(routes, "dst", "2001:db8::/64");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(jstr(r, "protocol"), "222");
	ck_assert_str_eq(jstr(r, "prefsrc"), "2001:db8::10");
	ck_assert_int_eq(route_quickack(r), -1);
	r = jfind(routes, "dst", "default");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(jstr(r, "gateway"), "2001:db8::1");
	ck_assert_str_eq(jstr(r, "protocol"), "222");
	ck_assert_int_eq(route_quickack(r), 1);
	json_object_put(routes);

	/* Twice: EEXIST; replace: idempotent, and it changes the route. */
	err_reset(&err);
	ck_assert_int_eq(net_route_add(nl, &subnet4, &err), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err.text, "already exists"));
	subnet4.quickack = false;
	err_reset(&err);
	ck_assert_msg(net_route_replace(nl, &subnet4, &err) == 0, "%s", err.text);
	ck_assert_int_eq(net_route_replace(nl, &subnet4, &err), 0);
	routes = ip_json(IP("-j", "route", "show", "table", "1001"));
	ck_assert_uint_eq(json_object_array_length(routes), 2);
	ck_assert_int_eq(route_quickack(jfind(routes, "dst", "192.0.2.0/24")), -1);
	json_object_put(routes);

	err_reset(&err);
	ck_assert_msg(net_route_delete(nl, &gw4, &err) == 0, "%s", err.text);
	routes = ip_json(IP("-j", "route", "show", "table", "1001"));
	ck_assert_ptr_null(jfind(routes, "dst", "default"));
	json_object_put(routes);
	ck_assert_int_eq(net_route_delete(nl, &gw4, &err), -ENOENT);
	err_reset(&err);
	ck_assert_int_eq(net_route_delete(nl, &gw6, &err), 0);
	ck_assert_int_eq(net_route_delete(nl, &gw6, &err), -ENOENT);
}
END_TEST

START_TEST(routes_listed_and_refused)
{
	int vmk1 = vmk_with_addresses("vmk1", "upA", MAC1, "192.0.2.10/24", NULL);
	int vmk2 = vmk_with_addresses("vmk2", "upB", MAC2, "192.0.2.20/24", NULL);
	struct net_route r1 = route_of(AF_INET, 1001, "192.0.2.0/24", "", "192.0.2.10", vmk1,
				       true);
	struct net_route r2 = route_of(AF_INET, 1002, "192.0.2.0/24", "", "192.0.2.20", vmk2,
				       true);
	struct net_route gw = route_of(AF_INET, 1001, "default", "192.0.2.1", "", vmk1, false);
	struct net_route foreign = route_of(AF_INET, 1001, "198.51.100.0/24", "", "", vmk1,
					    false);
	struct net_route bad = route_of(AF_INET, 1001, "192.0.2.10/24", "", "", vmk1, false);
	struct net_route *list = NULL;
	struct json_object *routes;
	size_t count = 0;
	bool seen1 = false, seen2 = false;

	route_ok(&r1);
	route_ok(&r2);
	route_ok(&gw);
	ip_ok(IP("route", "add", "198.51.100.0/24", "dev", "vmk1", "table", "1001"));

	/* Same prefix in two tables on two links: two routes, not one. */
	ck_assert_int_eq(net_route_list_ours(nl, AF_UNSPEC, &list, &count, &err), 0);
	ck_assert_uint_eq(count, 3);
	for (size_t i = 0; i < count; i++) {
		ck_assert_int_eq(list[i].protocol, NET_RTPROT_ESXCLID);
		ck_assert_int_eq(list[i].family, AF_INET);
		ck_assert_str_ne(list[i].dst, "198.51.100.0/24");
		if (strcmp(list[i].dst, "192.0.2.0/24") == 0 && list[i].ifindex == vmk1) {
			seen1 = true;
			ck_assert_uint_eq(list[i].table, 1001);
			ck_assert_str_eq(list[i].src, "192.0.2.10");
			ck_assert(list[i].quickack);
			ck_assert_str_eq(list[i].gateway, "");
		}
		if (strcmp(list[i].dst, "192.0.2.0/24") == 0 && list[i].ifindex == vmk2) {
			seen2 = true;
			ck_assert_uint_eq(list[i].table, 1002);
		}
		if (strcmp(list[i].dst, "default") == 0) {
			ck_assert_str_eq(list[i].gateway, "192.0.2.1");
			ck_assert(!list[i].quickack);
		}
	}
	ck_assert(seen1 && seen2);
	free(list);
	ck_assert_int_eq(net_route_list_ours(nl, AF_INET6, &list, &count, &err), 0);
	ck_assert_uint_eq(count, 0);
	free(list);

	/* Someone else's route is neither listed nor deleted. */
	ck_assert_int_eq(net_route_delete(nl, &foreign, &err), -ENOENT);
	routes = ip_json(IP("-j", "route", "show", "table", "1001"));
	ck_assert_ptr_nonnull(jfind(routes, "dst", "198.51.100.0/24"));
	json_object_put(routes);

	err_reset(&err);
	ck_assert_int_eq(net_route_add(nl, &bad, &err), -EINVAL);
	err_reset(&err);
	bad = route_of(AF_INET, 1001, "2001:db8::/64", "", "", vmk1, false);
	ck_assert_int_eq(net_route_add(nl, &bad, &err), -EINVAL);
	err_reset(&err);
	bad = route_of(AF_INET, 1001, "10.0.0.0/8", "", "", 0, false);
	ck_assert_int_eq(net_route_add(nl, &bad, &err), -EINVAL);

	/* A link that is down takes no route. */
	err_reset(&err);
	ck_assert_int_eq(net_iface_set_up(nl, "vmk2", false, &err), 0);
	bad = route_of(AF_INET, 1002, "203.0.113.0/24", "", "", vmk2, false);
	ck_assert_int_eq(net_route_add(nl, &bad, &err), -ENETDOWN);
	ck_assert_ptr_nonnull(strstr(err.text, "down"));
}
END_TEST

static struct net_rule rule_of(int family, const char *from, unsigned table, unsigned prio)
{
	struct net_rule r = { .family = family, .table = table, .priority = prio };

	snprintf(r.from, sizeof(r.from), "%s", from);
	return r;
}

static size_t count_rules(const char *family, const char *src, unsigned priority)
{
	struct json_object *rules = ip_json(IP("-j", family, "rule", "show"));
	size_t n = 0;

	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		struct json_object *r = json_object_array_get_idx(rules, i);

		if (jint(r, "priority") == priority && strcmp(jstr(r, "src"), src) == 0)
			n++;
	}
	json_object_put(rules);
	return n;
}

START_TEST(rules_added_once)
{
	struct net_rule r4 = rule_of(AF_INET, "192.0.2.10", 1001, 1001);
	struct net_rule r6 = rule_of(AF_INET6, "2001:db8::10/128", 1001, 1001);
	struct net_rule *list = NULL;
	struct json_object *rules, *r;
	size_t count = 0;

	ck_assert_msg(net_rule_add(nl, &r4, &err) == 0, "%s", err.text);
	rules = ip_json(IP("-j", "-4", "rule", "show"));
	r = jfind(rules, "src", "192.0.2.10");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(jint(r, "priority"), 1001);
	ck_assert_str_eq(jstr(r, "table"), "1001");
	ck_assert_str_eq(jstr(r, "protocol"), "222");
	ck_assert_ptr_null(jget(r, "action"));    /* a lookup, not "unspec"/blackhole */
	json_object_put(rules);

	ck_assert_int_eq(net_rule_add(nl, &r4, &err), -EEXIST);
	err_reset(&err);
	ck_assert_int_eq(net_rule_ensure(nl, &r4, &err), 0);
	ck_assert_uint_eq(count_rules("-4", "192.0.2.10", 1001), 1);

	ck_assert_msg(net_rule_ensure(nl, &r6, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(count_rules("-6", "2001:db8::10", 1001), 1);
	ck_assert_int_eq(net_rule_ensure(nl, &r6, &err), 0);
	ck_assert_uint_eq(count_rules("-6", "2001:db8::10", 1001), 1);

	ck_assert_int_eq(net_rule_list_ours(nl, AF_UNSPEC, &list, &count, &err), 0);
	ck_assert_uint_eq(count, 2);
	for (size_t i = 0; i < count; i++) {
		ck_assert_uint_eq(list[i].table, 1001);
		ck_assert_uint_eq(list[i].priority, 1001);
		ck_assert_int_eq(list[i].protocol, NET_RTPROT_ESXCLID);
		ck_assert_str_eq(list[i].from, list[i].family == AF_INET ? "192.0.2.10/32" :
					       "2001:db8::10/128");
	}
	free(list);

	/* The same rule made by someone else survives the deletion of ours. */
	ip_ok(IP("rule", "add", "from", "192.0.2.10", "lookup", "1001", "priority", "1001",
		 "protocol", "static"));
	ck_assert_uint_eq(count_rules("-4", "192.0.2.10", 1001), 2);
	ck_assert_msg(net_rule_delete(nl, &r4, &err) == 0, "%s", err.text);
	rules = ip_json(IP("-j", "-4", "rule", "show"));
	r = jfind(rules, "src", "192.0.2.10");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(jstr(r, "protocol"), "static");
	json_object_put(rules);
	ck_assert_int_eq(net_rule_delete(nl, &r4, &err), -ENOENT);
	ck_assert_uint_eq(count_rules("-4", "192.0.2.10", 1001), 1);

	err_reset(&err);
	r4.priority = 0;
	ck_assert_int_eq(net_rule_add(nl, &r4, &err), -EINVAL);
	err_reset(&err);
	r4 = rule_of(AF_INET, "2001:db8::10", 1001, 1001);
	ck_assert_int_eq(net_rule_add(nl, &r4, &err), -EINVAL);
}
END_TEST

/* ---- sysctls -------------------------------------------------------------- */

START_TEST(sysctls_written_and_effective)
{
	int old = -1, value = -1, all = -1;

	make_vmk("vmk1", "upA", MAC1, true);
	write_file("/proc/sys/net/ipv4/conf/all/arp_ignore", "0\n");
	write_file("/proc/sys/net/ipv4/conf/all/rp_filter", "1\n");
	write_file("/proc/sys/net/ipv4/conf/vmk1/arp_ignore", "0\n");

	ck_assert_int_eq(net_sysctl_set("vmk1", NET_SYSCTL_ARP_IGNORE, 1, &old, &err), 0);
	ck_assert_int_eq(old, 0);
	ck_assert_int_eq(read_int_file("/proc/sys/net/ipv4/conf/vmk1/arp_ignore"), 1);
	ck_assert_int_eq(net_sysctl_set("upA", NET_SYSCTL_ARP_ANNOUNCE, 2, NULL, &err), 0);
	ck_assert_int_eq(read_int_file("/proc/sys/net/ipv4/conf/upA/arp_announce"), 2);
	ck_assert_int_eq(net_sysctl_set("vmk1", NET_SYSCTL_RP_FILTER, 2, NULL, &err), 0);
	ck_assert_int_eq(read_int_file("/proc/sys/net/ipv4/conf/vmk1/rp_filter"), 2);
	ck_assert_int_eq(net_sysctl_get("vmk1", NET_SYSCTL_ARP_IGNORE, &value, &err), 0);
	ck_assert_int_eq(value, 1);
	/* Same value: old reported, nothing else. */
	ck_assert_int_eq(net_sysctl_set("vmk1", NET_SYSCTL_ARP_IGNORE, 1, &old, &err), 0);
	ck_assert_int_eq(old, 1);

	ck_assert_int_eq(net_sysctl_effective("vmk1", NET_SYSCTL_ARP_IGNORE, &value, &err), 0);
	ck_assert_int_eq(value, 1);
	ck_assert_int_eq(net_sysctl_all_defeats(NET_SYSCTL_ARP_IGNORE, 1, &all, &err), 0);
	ck_assert_int_eq(all, 0);
	write_file("/proc/sys/net/ipv4/conf/all/arp_ignore", "2\n");
	ck_assert_int_eq(net_sysctl_effective("vmk1", NET_SYSCTL_ARP_IGNORE, &value, &err), 0);
	ck_assert_int_eq(value, 2);
	ck_assert_int_eq(net_sysctl_all_defeats(NET_SYSCTL_ARP_IGNORE, 1, &all, &err), 1);
	ck_assert_int_eq(all, 2);
	write_file("/proc/sys/net/ipv4/conf/all/arp_ignore", "0\n");

	/* rp_filter all=1 with the interface at 2: 2 wins. */
	ck_assert_int_eq(net_sysctl_effective("vmk1", NET_SYSCTL_RP_FILTER, &value, &err), 0);
	ck_assert_int_eq(value, 2);
	ck_assert_int_eq(net_sysctl_all_defeats(NET_SYSCTL_RP_FILTER, 2, &all, &err), 0);
	ck_assert_int_eq(all, 1);
	ck_assert_int_eq(net_sysctl_effective("upB", NET_SYSCTL_RP_FILTER, &value, &err), 0);
	ck_assert_int_eq(value, 1);

	ck_assert_int_eq(net_sysctl_set("vmk1", NET_SYSCTL_DISABLE_IPV6, 1, NULL, &err), 0);
	ck_assert_int_eq(read_int_file("/proc/sys/net/ipv6/conf/vmk1/disable_ipv6"), 1);
	ck_assert_int_eq(net_sysctl_effective("vmk1", NET_SYSCTL_DISABLE_IPV6, &value, &err), 0);
	ck_assert_int_eq(value, 1);
	ck_assert_str_eq(net_sysctl_name(NET_SYSCTL_RP_FILTER), "rp_filter");

	ck_assert_int_eq(net_sysctl_set("vmk1", NET_SYSCTL_ARP_ANNOUNCE, 3, NULL, &err), -EINVAL);
	ck_assert_int_eq(read_int_file("/proc/sys/net/ipv4/conf/vmk1/arp_announce"), 0);
	err_reset(&err);
	ck_assert_int_eq(net_sysctl_set("../all", NET_SYSCTL_ARP_IGNORE, 1, NULL, &err), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(net_sysctl_get("nosuch0", NET_SYSCTL_ARP_IGNORE, &value, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.text, "nosuch0"));
	err_reset(&err);
	ck_assert_int_eq(net_sysctl_get("vmk1", (enum net_sysctl)42, &value, &err), -EINVAL);
}
END_TEST

/* ---- announcements -------------------------------------------------------- */

static int capture_on(const char *ifname)
{
	struct sockaddr_ll where = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex_of(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&where, sizeof(where)), 0);
	return fd;
}

typedef bool (*frame_match_fn)(const unsigned char *frame, size_t len, const void *want);

/* How many frames matching arrive on fd within CAPTURE_MS. */
static int count_frames(int fd, frame_match_fn match, const void *want)
{
	struct timespec start, now;
	unsigned char frame[2048];
	int found = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long elapsed;
		ssize_t got;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= CAPTURE_MS || (found && elapsed >= 200))
			break;
		if (poll(&pfd, 1, (int)(CAPTURE_MS - elapsed)) <= 0)
			continue;
		while ((got = recv(fd, frame, sizeof(frame), 0)) > 0)
			if (match(frame, (size_t)got, want))
				found++;
	}
	return found;
}

struct announced {
	unsigned char mac[6];
	unsigned char ip[16];
};

static bool is_gratuitous_arp(const unsigned char *f, size_t len, const void *arg)
{
	const struct announced *want = arg;
	const unsigned char *arp = f + 14;
	static const unsigned char broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (len < 14 + 28 || f[12] != 0x08 || f[13] != 0x06)
		return false;
	return memcmp(f, broadcast, 6) == 0 && memcmp(f + 6, want->mac, 6) == 0 &&
	       arp[0] == 0 && arp[1] == 1 && arp[2] == 0x08 && arp[3] == 0x00 &&   /* Ethernet, IPv4 */
	       arp[6] == 0 && arp[7] == 1 &&                                        /* request */
	       memcmp(arp + 8, want->mac, 6) == 0 && memcmp(arp + 14, want->ip, 4) == 0 &&
	       memcmp(arp + 24, want->ip, 4) == 0;
}

static bool is_unsolicited_na(const unsigned char *f, size_t len, const void *arg)
{
	const struct announced *want = arg;
	const unsigned char *ip6 = f + 14;
	const unsigned char *icmp = ip6 + 40;
	unsigned char all_nodes[16] = { 0xff, 0x02 };

	all_nodes[15] = 1;
	if (len < 14 + 40 + 32 || f[12] != 0x86 || f[13] != 0xdd)
		return false;
	return memcmp(f + 6, want->mac, 6) == 0 &&
	       ip6[6] == 58 && ip6[7] == 255 &&                    /* ICMPv6, hop limit 255 */
	       memcmp(ip6 + 8, want->ip, 16) == 0 &&               /* from the address */
	       memcmp(ip6 + 24, all_nodes, 16) == 0 &&
	       icmp[0] == 136 && icmp[1] == 0 &&                   /* neighbour advertisement */
	       icmp[4] == 0x20 &&                                  /* override, not solicited */
	       memcmp(icmp + 8, want->ip, 16) == 0 &&
	       icmp[24] == 2 && icmp[25] == 1 &&                   /* target link-layer address */
	       memcmp(icmp + 26, want->mac, 6) == 0;
}

START_TEST(announcements_sent)
{
	struct announced want = { .mac = { 0x00, 0x50, 0x56, 0x01, 0x02, 0x03 } };
	int fd;

	vmk_with_addresses("vmk1", "upA", MAC1, "192.0.2.10/24", "2001:db8::10/64");
	make_vmk("vmk2", "upB", MAC2, false);
	fd = capture_on("peerA");

	inet_pton(AF_INET, "192.0.2.10", want.ip);
	ck_assert_msg(net_announce_ipv4("vmk1", "192.0.2.10", &err) == 0, "%s", err.text);
	ck_assert_int_eq(count_frames(fd, is_gratuitous_arp, &want), 1);

	inet_pton(AF_INET6, "2001:db8::10", want.ip);
	ck_assert_msg(net_announce_ipv6("vmk1", "2001:db8::10", &err) == 0, "%s", err.text);
	ck_assert_int_eq(count_frames(fd, is_unsolicited_na, &want), 1);
	close(fd);

	ck_assert_int_eq(net_announce_ipv4("nosuch", "192.0.2.10", &err), -ENOENT);
	err_reset(&err);
	ck_assert_int_eq(net_announce_ipv4("vmk1", "2001:db8::10", &err), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(net_announce_ipv6("vmk1", "192.0.2.10", &err), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(net_announce_ipv4("vmk2", "192.0.2.20", &err), -ENETDOWN);
	ck_assert_ptr_nonnull(strstr(err.text, "down"));
}
END_TEST

/* ---- a failover, as the reconciler will do it ---------------------------- */

START_TEST(failover_recreates_on_the_next_uplink)
{
	const char *addrs[] = { "192.0.2.10/24", "2001:db8::10/64" };
	struct net_route subnet = route_of(AF_INET, 1001, "192.0.2.0/24", "", "192.0.2.10", 0,
					   true);
	struct net_rule rule = rule_of(AF_INET, "192.0.2.10", 1001, 1001);
	struct json_object *links, *routes, *all, *a;
	int vmk = make_vmk("vmk1", "upA", MAC1, true);

	ck_assert_int_eq(net_addr_sync(nl, vmk, addrs, 2, NULL, 0, &err), 0);
	subnet.ifindex = vmk;
	route_ok(&subnet);
	ck_assert_int_eq(net_rule_ensure(nl, &rule, &err), 0);

	/* upA fails: the vmk moves to upB with its MAC, addresses, routes. */
	ck_assert_int_eq(net_iface_delete(nl, "vmk1", &err), 0);
	vmk = make_vmk("vmk1", "upB", MAC1, true);
	ck_assert_int_eq(net_addr_sync(nl, vmk, addrs, 2, NULL, 0, &err), 0);
	subnet.ifindex = vmk;
	ck_assert_int_eq(net_route_replace(nl, &subnet, &err), 0);
	ck_assert_int_eq(net_rule_ensure(nl, &rule, &err), 0);
	ck_assert_int_eq(net_announce_ipv4("vmk1", "192.0.2.10", &err), 0);
	ck_assert_int_eq(net_announce_ipv6("vmk1", "2001:db8::10", &err), 0);

	links = ip_json(IP("-j", "link", "show", "dev", "vmk1"));
	ck_assert_str_eq(jstr(json_object_array_get_idx(links, 0), "link"), "upB");
	ck_assert_str_eq(jstr(json_object_array_get_idx(links, 0), "address"), MAC1);
	json_object_put(links);
	a = addr_info("vmk1", "2001:db8::10", &all);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(jget(a, "tentative"));
	json_object_put(all);
	routes = ip_json(IP("-j", "route", "show", "table", "1001"));
	ck_assert_uint_eq(json_object_array_length(routes), 1);
	ck_assert_str_eq(jstr(json_object_array_get_idx(routes, 0), "dev"), "vmk1");
	json_object_put(routes);
	ck_assert_uint_eq(count_rules("-4", "192.0.2.10", 1001), 1);
}
END_TEST

static Suite *netprims_suite(void)
{
	Suite *suite = suite_create("netprims");
	TCase *links = tcase_create("links");
	TCase *addrs = tcase_create("addresses");
	TCase *routing = tcase_create("routing");
	TCase *other = tcase_create("sysctl-announce");
	TCase *pure = tcase_create("pure");

	tcase_add_checked_fixture(links, setup, teardown);
	tcase_add_checked_fixture(addrs, setup, teardown);
	tcase_add_checked_fixture(routing, setup, teardown);
	tcase_add_checked_fixture(other, setup, teardown);
	tcase_set_timeout(links, 30);
	tcase_set_timeout(addrs, 30);
	tcase_set_timeout(routing, 30);
	tcase_set_timeout(other, 30);

	tcase_add_test(links, macvlan_created_as_asked);
	tcase_add_test(links, macvlan_refusals);
	tcase_add_test(links, delete_only_what_is_tagged);
	tcase_add_test(links, vlan_needs_8021q);
	tcase_add_test(links, link_settings_change);
	tcase_add_test(addrs, addresses_added_and_removed);
	tcase_add_test(addrs, addresses_synced);
	tcase_add_test(routing, routes_in_a_vmk_table);
	tcase_add_test(routing, routes_listed_and_refused);
	tcase_add_test(routing, rules_added_once);
	tcase_add_test(other, sysctls_written_and_effective);
	tcase_add_test(other, announcements_sent);
	tcase_add_test(other, failover_recreates_on_the_next_uplink);
	tcase_add_test(pure, vlan_names_fit);
	tcase_add_test(pure, cidr_networks);

	suite_add_tcase(suite, links);
	suite_add_tcase(suite, addrs);
	suite_add_tcase(suite, routing);
	suite_add_tcase(suite, other);
	suite_add_tcase(suite, pure);
	return suite;
}

int main(void)
{
	SRunner *runner;
	int failed;

	if (geteuid() != 0) {
		fprintf(stderr, "test_netprims: needs root (network namespaces); skipped\n");
		return SKIP;
	}
	/* From here on nothing of the host's network is touched. */
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "test_netprims: cannot make a network namespace (%s); skipped\n",
			strerror(errno));
		return SKIP;
	}
	if (!ip_binary()) {
		fprintf(stderr, "test_netprims: no ip command (iproute2); skipped\n");
		return SKIP;
	}
	runner = srunner_create(netprims_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
