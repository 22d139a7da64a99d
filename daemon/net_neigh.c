/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Neighbour tables through libnl (see net_neigh.h). Two dumps on the shared
 * request socket: the neighbour tables' per-interface parameters, for the
 * reachable time the kernel actually uses on each interface (randomised
 * around base_reachable_time), then the entries, each parsed into a libnl
 * rtnl_neigh. libnl keeps an entry's cache information (how long ago it was
 * confirmed and updated) to itself, so that attribute is read from the
 * message before libnl parses it.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include "net_neigh.h"

/* A dump the kernel interrupted (NLE_DUMP_INTR) is asked for again. */
#define DUMP_TRIES 5

/* One interface's timers from its neighbour table parameters. */
struct neigh_timers {
	int family;
	int ifindex;                 /* 0: the table's defaults */
	uint64_t reachable_ms;
	uint64_t delay_probe_ms;
};

struct neigh_dump {
	struct net_nl_list timers;   /* of struct neigh_timers */
	struct net_nl_list entries;  /* of struct net_neigh */
	int family;                  /* wanted, or AF_UNSPEC */
	long clock_ticks;            /* USER_HZ: the unit of the cache information */
	bool have_cacheinfo;
	struct nda_cacheinfo cacheinfo;   /* of the message being parsed */
};

typedef int (*dump_message_fn)(struct nl_msg *msg, void *arg);

/* Send a dump request with header hdr and feed every answer to fn; the
 * restart hook empties what an interrupted attempt collected. */
static int dump(struct net_nl *nl, int request, void *hdr, size_t hdr_len, dump_message_fn fn,
		void (*restart)(struct neigh_dump *), struct neigh_dump *state)
{
	struct nl_sock *sock = net_nl_sock(nl);
	struct nl_cb *sock_cb = nl_socket_get_cb(sock);
	struct nl_cb *cb = sock_cb ? nl_cb_clone(sock_cb) : NULL;
	int ret = -NLE_NOMEM;

	if (!cb)
		goto out;
	ret = nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fn, state);
	if (ret < 0)
		goto out;
	for (int attempt = 0; attempt < DUMP_TRIES; attempt++) {
		restart(state);
		ret = nl_send_simple(sock, request, NLM_F_DUMP, hdr, hdr_len);
		if (ret >= 0)
			ret = nl_recvmsgs(sock, cb);
		if (ret != -NLE_DUMP_INTR)
			break;
	}
out:
	if (cb)
		nl_cb_put(cb);
	if (sock_cb)
		nl_cb_put(sock_cb);
	return net_nl_result(nl, ret);
}

/* ---- per-interface parameters ---------------------------------------------- */

static void restart_timers(struct neigh_dump *state)
{
	state->timers.len = 0;
	state->timers.error = 0;
}

static bool get_msecs(struct nlattr **tb, int type, uint64_t *out)
{
	if (!tb[type] || nla_len(tb[type]) < (int)sizeof(uint64_t))
		return false;
	*out = nla_get_u64(tb[type]);
	return true;
}

static int on_table(struct nl_msg *msg, void *arg)
{
	struct neigh_dump *state = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[NDTA_MAX + 1], *parms[NDTPA_MAX + 1];
	uint64_t reachable_ms, delay_probe_ms;
	struct ndtmsg *ndtm;
	struct neigh_timers *t;

	if (hdr->nlmsg_type != RTM_NEWNEIGHTBL || !nlmsg_valid_hdr(hdr, sizeof(*ndtm)))
		return NL_OK;
	ndtm = nlmsg_data(hdr);
	if (ndtm->ndtm_family != AF_INET && ndtm->ndtm_family != AF_INET6)
		return NL_OK;
	if (nlmsg_parse(hdr, sizeof(*ndtm), tb, NDTA_MAX, NULL) < 0 || !tb[NDTA_PARMS] ||
	    nla_parse_nested(parms, NDTPA_MAX, tb[NDTA_PARMS], NULL) < 0)
		return NL_OK;
	if (!get_msecs(parms, NDTPA_REACHABLE_TIME, &reachable_ms) ||
	    !get_msecs(parms, NDTPA_DELAY_PROBE_TIME, &delay_probe_ms))
		return NL_OK;
	t = net_nl_list_push(&state->timers);
	if (!t)
		return NL_OK;
	t->family = ndtm->ndtm_family;
	if (parms[NDTPA_IFINDEX] && nla_len(parms[NDTPA_IFINDEX]) >= (int)sizeof(uint32_t))
		t->ifindex = (int)nla_get_u32(parms[NDTPA_IFINDEX]);
	t->reachable_ms = reachable_ms;
	t->delay_probe_ms = delay_probe_ms;
	return NL_OK;
}

/* The timers of an interface, else its table's defaults; NULL when neither. */
static const struct neigh_timers *timers_of(const struct neigh_dump *state, int family,
					    int ifindex)
{
	const struct neigh_timers *all = state->timers.items, *fallback = NULL;

	for (size_t i = 0; i < state->timers.len; i++) {
		if (all[i].family != family)
			continue;
		if (all[i].ifindex == ifindex)
			return &all[i];
		if (all[i].ifindex == 0)
			fallback = &all[i];
	}
	return fallback;
}

/* ---- entries --------------------------------------------------------------- */

static void restart_entries(struct neigh_dump *state)
{
	state->entries.len = 0;
	state->entries.error = 0;
}

static void on_neigh_object(struct nl_object *obj, void *arg)
{
	struct neigh_dump *state = arg;
	struct rtnl_neigh *neigh = (struct rtnl_neigh *)obj;
	int family = rtnl_neigh_get_family(neigh);
	int nud = rtnl_neigh_get_state(neigh);
	struct nl_addr *lladdr = rtnl_neigh_get_lladdr(neigh);
	struct net_neigh *n;

	if ((family != AF_INET && family != AF_INET6) ||
	    (state->family != AF_UNSPEC && family != state->family) ||
	    nud < 0 || (nud & NUD_NOARP) || nud == NUD_NONE || !rtnl_neigh_get_dst(neigh))
		return;
	n = net_nl_list_push(&state->entries);
	if (!n)
		return;
	n->family = family;
	n->ifindex = rtnl_neigh_get_ifindex(neigh);
	n->state = (unsigned)nud;
	net_nl_format_ip(rtnl_neigh_get_dst(neigh), n->addr, sizeof(n->addr));
	if (lladdr && nl_addr_get_len(lladdr) > 0 && !(nud & (NUD_INCOMPLETE | NUD_FAILED)))
		nl_addr2str(lladdr, n->lladdr, sizeof(n->lladdr));
	n->expiry_s = -1;
	if (state->have_cacheinfo && (nud & (NUD_REACHABLE | NUD_DELAY))) {
		const struct neigh_timers *t = timers_of(state, family, n->ifindex);
		/* REACHABLE lasts reachable_time from the last confirmation,
		 * DELAY delay_probe_time from the last update. */
		uint32_t ticks = nud & NUD_REACHABLE ? state->cacheinfo.ndm_confirmed :
				 state->cacheinfo.ndm_updated;
		uint64_t age_ms = (uint64_t)ticks * 1000u / (uint64_t)state->clock_ticks;
		uint64_t span_ms = !t ? 0 : nud & NUD_REACHABLE ? t->reachable_ms :
				   t->delay_probe_ms;

		if (t)
			n->expiry_s = span_ms > age_ms ? (long)((span_ms - age_ms) / 1000u) : 0;
	}
}

static int on_neigh_message(struct nl_msg *msg, void *arg)
{
	struct neigh_dump *state = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *ci;

	if (hdr->nlmsg_type != RTM_NEWNEIGH || !nlmsg_valid_hdr(hdr, sizeof(struct ndmsg)))
		return NL_OK;
	ci = nlmsg_find_attr(hdr, sizeof(struct ndmsg), NDA_CACHEINFO);
	state->have_cacheinfo = ci && nla_len(ci) >= (int)sizeof(state->cacheinfo);
	if (state->have_cacheinfo)
		memcpy(&state->cacheinfo, nla_data(ci), sizeof(state->cacheinfo));
	/* An entry libnl cannot read is left out; running out of memory shows
	 * in the list's error. */
	if (nl_msg_parse(msg, on_neigh_object, state) == -NLE_NOMEM)
		state->entries.error = -ENOMEM;
	return NL_OK;
}

int net_neigh_list(struct net_nl *nl, int family, struct net_neigh **out, size_t *count,
		   struct esx_err *err)
{
	struct neigh_dump state = {
		.timers = NET_NL_LIST_INIT(struct neigh_timers),
		.entries = NET_NL_LIST_INIT(struct net_neigh),
		.family = family,
	};
	struct ndtmsg table_req = { .ndtm_family = AF_UNSPEC };
	struct ndmsg neigh_req = { .ndm_family = (unsigned char)family };
	int ret;

	*out = NULL;
	*count = 0;
	state.clock_ticks = sysconf(_SC_CLK_TCK);
	if (state.clock_ticks <= 0)
		state.clock_ticks = 100;
	ret = dump(nl, RTM_GETNEIGHTBL, &table_req, sizeof(table_req), on_table, restart_timers,
		   &state);
	if (ret == 0)
		ret = state.timers.error;
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to read the neighbour table parameters: %s",
			      strerror(-ret));
		goto out;
	}
	ret = dump(nl, RTM_GETNEIGH, &neigh_req, sizeof(neigh_req), on_neigh_message,
		   restart_entries, &state);
	if (ret == 0)
		ret = state.entries.error;
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to read the neighbour table: %s", strerror(-ret));
		goto out;
	}
	*out = state.entries.items;
	*count = state.entries.len;
	state.entries.items = NULL;
out:
	free(state.timers.items);
	free(state.entries.items);
	return ret;
}

const char *net_neigh_state_name(unsigned state)
{
	static const struct {
		unsigned nud;
		const char *name;
	} names[] = {
		{ NUD_REACHABLE, "REACHABLE" }, { NUD_STALE, "STALE" },
		{ NUD_DELAY, "DELAY" },         { NUD_PROBE, "PROBE" },
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_FAILED, "FAILED" },
		{ NUD_PERMANENT, "PERMANENT" }, { NUD_NOARP, "NOARP" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (state & names[i].nud)
			return names[i].name;
	}
	return "NONE";
}
