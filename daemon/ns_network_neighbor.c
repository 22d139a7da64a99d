/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `esxcli network ip neighbor` namespace: `list`, the kernel's ARP and
 * IPv6 neighbour entries on the daemon's vmknics (net_neigh.h), in ESXi's
 * table (Neighbor, Mac Address, Vmknic, Expiry, State, Type).
 *
 * How Linux's entries map onto ESXi's columns (choices; ESXi's own ARP cache
 * works differently):
 * - Expiry: "N sec" until the kernel stops trusting a REACHABLE entry (its
 *   actual reachable time since the last confirmation) or a DELAY entry
 *   starts probing; "-1 sec", as ESXi prints for unresolved entries, for
 *   every state without such a deadline (STALE, PROBE, PERMANENT, ...).
 * - State: the kernel's NUD state as `ip neigh` names it (REACHABLE, ...).
 * - Type: Permanent for entries added as permanent, Invalid for unresolved
 *   ones (INCOMPLETE, FAILED; ESXi's word), Dynamic for the rest.
 * - Mac Address: "(incomplete)" while unresolved, as ESXi prints.
 * Both IPv4 and IPv6 neighbours are listed, by vmknic (vmk2 before vmk10),
 * IPv4 first, addresses in numeric order. There is one netstack, so there
 * is no --netstack.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <sys/socket.h>

#include "command.h"
#include "commands.h"
#include "model.h"
#include "net_iface.h"
#include "net_link.h"
#include "net_neigh.h"
#include "net_nl.h"
#include "netcmd.h"

static const struct esx_field_def neighbor_fields[] = {
	{ "Neighbor", VT_STRING, NULL },
	{ "Mac Address", VT_STRING, NULL },
	{ "Vmknic", VT_STRING, NULL },
	{ "Expiry", VT_STRING, NULL },
	{ "State", VT_STRING, NULL },
	{ "Type", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema neighbor_schema = { "Neighbor", neighbor_fields };

static const struct esx_option neighbor_list_options[] = {
	{ "interface-name", 'i', OPT_STRING, 0, NULL, 0, 0, NULL, "Specify the vmknic name",
	  netcmd_complete_vmk },
	{ NULL },
};

/* One entry to print, with the vmknic it was learnt on. */
struct row {
	const struct net_neigh *neigh;
	const char *vmknic;
	unsigned char key[16];       /* the address in network order, for sorting */
};

static int compare_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strverscmp(x->vmknic, y->vmknic);

	if (c)
		return c;
	if (x->neigh->family != y->neigh->family)
		return x->neigh->family == AF_INET ? -1 : 1;
	return memcmp(x->key, y->key, sizeof(x->key));
}

static const char *neighbor_type(unsigned nud)
{
	if (nud & NUD_PERMANENT)
		return "Permanent";
	if (nud & (NUD_INCOMPLETE | NUD_FAILED))
		return "Invalid";
	return "Dynamic";
}

/* The daemon's vmknics: macvlans (or ipvlans) named vmkN. */
static bool is_vmknic(const struct net_iface *link)
{
	return model_vmk_name_valid(link->name) &&
	       net_link_is_managed(link->name, link->kind, link->alias);
}

static const char *vmknic_name(const struct net_iface *links, size_t nlinks, int ifindex)
{
	for (size_t i = 0; i < nlinks; i++) {
		if (links[i].ifindex == ifindex && is_vmknic(&links[i]))
			return links[i].name;
	}
	return NULL;
}

static int neighbor_list(struct esx_call *call)
{
	const char *wanted = args_str(&call->args, "interface-name");
	struct net_iface *links = NULL;
	struct net_neigh *entries = NULL;
	struct row *rows = NULL;
	struct net_nl *nl = NULL;
	size_t nlinks = 0, nentries = 0, nrows = 0;
	int ret;

	ret = net_nl_open(&nl, &call->err);
	if (ret < 0)
		goto out;
	ret = net_iface_list(nl, false, &links, &nlinks, &call->err);
	if (ret < 0)
		goto out;
	if (wanted) {
		bool found = false;

		for (size_t i = 0; i < nlinks && !found; i++)
			found = strcmp(links[i].name, wanted) == 0 && is_vmknic(&links[i]);
		if (!found) {
			ret = err_set(&call->err, ENOENT, "Unable to find vmknic %s", wanted);
			goto out;
		}
	}
	ret = net_neigh_list(nl, AF_UNSPEC, &entries, &nentries, &call->err);
	if (ret < 0)
		goto out;
	if (nentries > 0) {
		rows = calloc(nentries, sizeof(*rows));
		if (!rows) {
			ret = err_set(&call->err, ENOMEM, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < nentries; i++) {
		const char *vmknic = vmknic_name(links, nlinks, entries[i].ifindex);

		if (!vmknic || (wanted && strcmp(vmknic, wanted) != 0))
			continue;
		rows[nrows].neigh = &entries[i];
		rows[nrows].vmknic = vmknic;
		inet_pton(entries[i].family, entries[i].addr, rows[nrows].key);
		nrows++;
	}
	if (nrows > 1)
		qsort(rows, nrows, sizeof(*rows), compare_rows);
	for (size_t i = 0; i < nrows; i++) {
		const struct net_neigh *n = rows[i].neigh;
		struct esx_record *rec = result_record(call->result, NULL);

		rec_str(rec, "Neighbor", n->addr);
		rec_str(rec, "Mac Address", n->lladdr[0] ? n->lladdr : "(incomplete)");
		rec_str(rec, "Vmknic", rows[i].vmknic);
		rec_strf(rec, "Expiry", "%ld sec", n->expiry_s);
		rec_str(rec, "State", net_neigh_state_name(n->state));
		rec_str(rec, "Type", neighbor_type(n->state));
	}
out:
	free(rows);
	free(entries);
	free(links);
	net_nl_close(nl);
	return ret;
}

const struct esx_command network_neighbor_commands[] = {
	{ "network ip neighbor list", "List ARP table entries", neighbor_list_options,
	  neighbor_list, SHAPE_TABLE, &neighbor_schema, VT_STRING, CMD_READONLY },
	{ NULL },
};

const struct esx_namespace network_neighbor_namespaces[] = {
	{ "network ip neighbor", "Operations for ARP table" },
	{ NULL, NULL },
};
