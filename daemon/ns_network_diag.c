/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `esxcli network diag` namespace: `ping`, ESXi's vmkping as a command.
 * The handler checks the options, starts an ICMP run in the event loop
 * (net_ping.h) and returns at once; the run's end fills the result ("Trace"
 * and "Summary", as ESXi shows them) and finishes the call. A client that
 * hangs up first cancels the run.
 *
 * Choices: --host must be a literal IPv4 or IPv6 address, because a name
 * lookup (getaddrinfo) can block on DNS and would hold up every other client
 * of the daemon. --interface must be one of the daemon's vmknics, as on ESXi;
 * without it the routing table picks the way out. --wait is how long to wait
 * after the last request for replies still due (1 s by default), and a run
 * must fit well within the 120 s the esxcli shell waits for any reply.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "model.h"
#include "net_iface.h"
#include "net_link.h"
#include "net_nl.h"
#include "net_ping.h"
#include "netcmd.h"

#define PING_DEFAULT_PAYLOAD 56
#define PING_MAX_PAYLOAD_V4 65507    /* 65535 - 20 (IPv4 header) - 8 (ICMP header) */
#define PING_MAX_PAYLOAD_V6 65527    /* 65535 - 8: the IPv6 payload length limit */
/* A run must end well before the shell's reply deadline
 * (ESX_CLIENT_REPLY_TIMEOUT_MS, 120 s). */
#define PING_MAX_RUN_S 110

/* ---- schema, in ESXi's field order ---- */

static const struct esx_field_def trace_fields[] = {
	{ "Received Bytes", VT_INT, NULL },
	{ "Host", VT_STRING, NULL },
	{ "ICMP Seq", VT_INT, NULL },
	{ "TTL", VT_INT, NULL },
	{ "Round-trip Time", VT_STRING, NULL },
	{ "Dup", VT_BOOL, NULL },
	{ "Detail", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema trace_schema = { "PingTrace", trace_fields };

static const struct esx_field_def summary_fields[] = {
	{ "Host Addr", VT_STRING, NULL },
	{ "Transmitted", VT_INT, NULL },
	{ "Received", VT_INT, NULL },
	{ "Duplicated", VT_INT, NULL },
	{ "Packet Lost", VT_INT, NULL },
	{ "Round-trip Min", VT_STRING, NULL },
	{ "Round-trip Avg", VT_STRING, NULL },
	{ "Round-trip Max", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema summary_schema = { "PingSummary", summary_fields };

static const struct esx_field_def ping_fields[] = {
	{ "Trace", VT_STRUCT_LIST, &trace_schema },
	{ "Summary", VT_STRUCT, &summary_schema },
	{ NULL, 0, NULL },
};
static const struct esx_schema ping_schema = { "Ping", ping_fields };

/* ---- options ---- */

static const struct esx_option ping_options[] = {
	{ "count", 'c', OPT_INT, OPT_HAS_RANGE, NULL, 1, 65535, "3",
	  "Specify the number of packets to send.", NULL },
	{ "df", 'd', OPT_FLAG, 0, NULL, 0, 0, NULL,
	  "Set DF bit on IPv4 packets (IPv6: do not fragment them).", NULL },
	{ "host", 'H', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "Specify the host to send packets to: an IPv4 or IPv6 address (names are not looked up).",
	  NULL },
	{ "interface", 'I', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Specify the outgoing interface: a VMkernel NIC. Without it the routing table chooses.",
	  netcmd_complete_vmk },
	{ "interval", 'i', OPT_INT, OPT_HAS_RANGE, NULL, 1, 60, "1",
	  "Set the interval for sending packets in seconds.", NULL },
	{ "ipv4", 0, OPT_FLAG, 0, NULL, 0, 0, NULL, "Ping with ICMPv4 echo requests.", NULL },
	{ "ipv6", 0, OPT_FLAG, 0, NULL, 0, 0, NULL, "Ping with ICMPv6 echo requests.", NULL },
	{ "size", 's', OPT_INT, OPT_HAS_RANGE, NULL, 0, PING_MAX_PAYLOAD_V6, "56",
	  "Set the payload size of the packets to send.", NULL },
	{ "ttl", 't', OPT_INT, OPT_HAS_RANGE, NULL, 1, 255, NULL,
	  "Set IPv4 Time To Live or IPv6 Hop Limit", NULL },
	{ "wait", 'W', OPT_INT, OPT_HAS_RANGE, NULL, 1, 60, "1",
	  "Set the timeout to wait if no responses are received in seconds.", NULL },
	{ NULL },
};

/* ---- checks ---- */

/* --interface: one of the daemon's VMkernel NICs (a macvlan or ipvlan named
 * vmkN, see net_link_is_managed()). Sets *ifindex. */
static int check_vmknic(struct esx_call *call, const char *name, int *ifindex)
{
	struct esx_err ignored = { 0 };
	struct net_nl *nl = NULL;
	struct net_iface link;
	int ret;

	if (!model_vmk_name_valid(name))
		return err_set(&call->err, EINVAL,
			       "Invalid interface '%s': --interface takes a VMkernel NIC (vmkN)", name);
	ret = net_nl_open(&nl, &call->err);
	if (ret < 0)
		goto out;
	ret = net_iface_get(nl, name, &link, &ignored);
	if (ret == -ENOENT || (ret == 0 && !net_link_is_managed(link.name, link.kind, link.alias))) {
		ret = err_set(&call->err, ENOENT, "Unable to find vmknic %s", name);
		goto out;
	}
	if (ret < 0) {
		ret = err_set(&call->err, ret, "Unable to read interface %s: %s", name,
			      ignored.text);
		goto out;
	}
	*ifindex = link.ifindex;
out:
	net_nl_close(nl);
	return ret;
}

/* --host, --ipv4, --ipv6 into the destination. */
static int check_host(struct esx_call *call, const char *host, int ifindex,
		      struct sockaddr_storage *dest)
{
	bool v4 = args_bool(&call->args, "ipv4", false);
	bool v6 = args_bool(&call->args, "ipv6", false);
	int family = v4 ? AF_INET : v6 ? AF_INET6 : AF_UNSPEC;
	int ret;

	if (v4 && v6)
		return err_set(&call->err, EINVAL, "--ipv4 and --ipv6 cannot be used together");
	ret = net_ping_address(host, family, (unsigned)ifindex, dest);
	if (ret == -EAFNOSUPPORT)
		return err_set(&call->err, EINVAL, "'%s' is not an %s address", host,
			       v4 ? "IPv4" : "IPv6");
	if (ret < 0)
		return err_set(&call->err, EINVAL,
			       "Unable to ping '%s': --host takes an IP address; name lookup would block the daemon",
			       host);
	if (dest->ss_family == AF_INET6 && ifindex == 0 &&
	    IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)dest)->sin6_addr))
		return err_set(&call->err, EINVAL,
			       "%s is a link-local address: give the interface to reach it with --interface",
			       host);
	return 0;
}

/* ---- the run ---- */

static void rec_us(struct esx_record *rec, const char *field, uint64_t us)
{
	rec_strf(rec, field, "%llu us", (unsigned long long)us);
}

static void fill_result(struct esx_call *call, const struct net_ping *p)
{
	struct esx_record *rec = result_record(call->result, NULL), *item;
	const struct net_ping_event *events;
	struct net_ping_summary s;
	size_t count;

	events = net_ping_events(p, &count);
	rec_struct_list_begin(rec, "Trace");
	for (size_t i = 0; i < count; i++) {
		const struct net_ping_event *ev = &events[i];

		item = rec_struct_list_add(rec, "Trace");
		rec_int(item, "Received Bytes", ev->bytes);
		rec_str(item, "Host", ev->from);
		rec_int(item, "ICMP Seq", ev->seq);
		rec_int(item, "TTL", ev->ttl);
		rec_us(item, "Round-trip Time", ev->rtt_us);
		rec_bool(item, "Dup", ev->dup);
		rec_str(item, "Detail", ev->detail);
	}
	net_ping_get_summary(p, &s);
	item = rec_struct(rec, "Summary");
	rec_str(item, "Host Addr", s.host);
	rec_int(item, "Transmitted", s.transmitted);
	rec_int(item, "Received", s.received);
	rec_int(item, "Duplicated", s.duplicated);
	rec_int(item, "Packet Lost", s.loss_percent);
	rec_us(item, "Round-trip Min", s.rtt_min_us);
	rec_us(item, "Round-trip Avg", s.rtt_avg_us);
	rec_us(item, "Round-trip Max", s.rtt_max_us);
}

static void ping_done(struct net_ping *p, void *data)
{
	struct esx_call *call = data;

	fill_result(call, p);
	net_ping_free(p);
	call->handler_data = NULL;
	call->cancel = NULL;
	call_finish(call, 0);
}

static void ping_cancel(struct esx_call *call)
{
	net_ping_free(call->handler_data);
	call->handler_data = NULL;
}

static int diag_ping(struct esx_call *call)
{
	const char *host = args_str(&call->args, "host");
	const char *ifname = args_str(&call->args, "interface");
	struct net_ping_config cfg = { 0 };
	struct net_ping *p = NULL;
	int ifindex = 0, ret;
	long long run_s;

	if (ifname) {
		ret = check_vmknic(call, ifname, &ifindex);
		if (ret < 0)
			return ret;
	}
	ret = check_host(call, host, ifindex, &cfg.dest);
	if (ret < 0)
		return ret;
	cfg.ifname = ifname;
	cfg.payload = (unsigned)args_int(&call->args, "size", PING_DEFAULT_PAYLOAD);
	if (cfg.dest.ss_family == AF_INET && cfg.payload > PING_MAX_PAYLOAD_V4)
		return err_set(&call->err, EINVAL, "'%u' > %d: the largest IPv4 payload",
			       cfg.payload, PING_MAX_PAYLOAD_V4);
	cfg.dont_fragment = args_bool(&call->args, "df", false);
	cfg.count = (unsigned)args_int(&call->args, "count", 3);
	cfg.interval_ms = (unsigned)args_int(&call->args, "interval", 1) * 1000u;
	cfg.wait_ms = (unsigned)args_int(&call->args, "wait", 1) * 1000u;
	cfg.ttl = (unsigned)args_int(&call->args, "ttl", 0);
	run_s = (long long)(cfg.count - 1) * (cfg.interval_ms / 1000u) + cfg.wait_ms / 1000u;
	if (run_s > PING_MAX_RUN_S)
		return err_set(&call->err, EINVAL,
			       "This ping would take %lld s, longer than the %d s a client waits for it: lower --count, --interval or --wait",
			       run_s, PING_MAX_RUN_S);

	ret = net_ping_start(call->daemon->loop, &cfg, ping_done, call, &p, &call->err);
	if (ret < 0)
		return ret;
	call->handler_data = p;
	call->cancel = ping_cancel;
	return ESX_PENDING;
}

/* ---- tables ---- */

const struct esx_command network_diag_commands[] = {
	{ "network diag ping", "Send ICMP echo requests to network hosts.", ping_options,
	  diag_ping, SHAPE_STRUCT, &ping_schema, VT_STRING, CMD_READONLY },
	{ NULL },
};

const struct esx_namespace network_diag_namespaces[] = {
	{ "network diag", "Operations pertaining to network diagnostics" },
	{ NULL, NULL },
};
