/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a map's real policy back in ESXi's terms (see nmp_effective.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "nmp_catalog.h"
#include "nmp_effective.h"

static bool failover_grouped(const struct mpath_map *map)
{
	if (map->ngroups < 2)
		return false;
	for (size_t i = 0; i < map->ngroups; i++) {
		if (map->groups[i].npaths > 1)
			return false;
	}
	return true;
}

/* The selector's name ("round-robin"), from the table or multipathd. */
static void selector_name(const struct mpath_map *map, const struct dm_mpath_table *table,
			  char *out, size_t len)
{
	const char *sel = table && table->ngroups ? table->groups[0].selector
						  : map->ngroups ? map->groups[0].selector : "";

	snprintf(out, len, "%.*s", (int)strcspn(sel, " "), sel);
}

static void rr_of(const struct mpath_map *map, const struct dm_mpath_table *table,
		  const struct nmp_device_config *asked, struct nmp_effective *out)
{
	char sel[DM_MPATH_WORD_MAX];

	nmp_rr_defaults(&out->rr);
	out->rr.type = NMP_RR_IOPS;
	if (asked && strcmp(asked->psp, NMP_PSP_RR) == 0)
		out->rr = asked->rr;
	selector_name(map, table, sel, sizeof(sel));
	if (strcmp(sel, "service-time") == 0) {
		out->rr.type = NMP_RR_LATENCY;
		return;
	}
	if (strcmp(sel, "round-robin") != 0)
		snprintf(out->custom, sizeof(out->custom), "path_selector=%s", sel);
	/* What the kernel does: one I/O per path on Linux 4.x and later. */
	out->rr.iops = table && table->ngroups && table->groups[0].repeat_count
			       ? table->groups[0].repeat_count : 1;
	/* Latency asked but round-robin in force; "default" stays default. */
	if (out->rr.type != NMP_RR_DEFAULT)
		out->rr.type = NMP_RR_IOPS;
	/* useANO: the unoptimised paths share the optimised ones' group. */
	out->rr.useano = strstr(map->hwhandler, "alua") && map->ngroups == 1;
}

void nmp_effective_of(const struct mpath_map *map, const struct dm_mpath_table *table,
		      const struct nmp_device_config *asked, struct nmp_effective *out)
{
	memset(out, 0, sizeof(*out));
	nmp_rr_defaults(&out->rr);
	out->satp = strstr(map->hwhandler, "alua") ? NMP_SATP_ALUA : NMP_SATP_DEFAULT_AA;
	if (failover_grouped(map)) {
		out->psp = strcmp(map->failback, "manual") == 0 || map->failback[0] == '-'
				   ? NMP_PSP_MRU : NMP_PSP_FIXED;
		return;
	}
	/* One path in all says nothing about grouping: trust what was asked. */
	if (map->npaths <= 1 && asked && asked->psp[0] && strcmp(asked->psp, NMP_PSP_RR) != 0) {
		out->psp = strcmp(asked->psp, NMP_PSP_MRU) == 0 ? NMP_PSP_MRU : NMP_PSP_FIXED;
		return;
	}
	out->psp = NMP_PSP_RR;
	rr_of(map, table, asked, out);
}

bool nmp_effective_matches(const struct nmp_effective *eff, const struct nmp_device_config *asked)
{
	if (!asked || !asked->psp[0])
		return true;
	if (strcmp(eff->psp, asked->psp) != 0)
		return false;
	if (strcmp(asked->psp, NMP_PSP_RR) != 0)
		return true;
	if (eff->custom[0])
		return false;
	if (asked->rr.type == NMP_RR_LATENCY || asked->rr.type == NMP_RR_DEFAULT)
		return eff->rr.type == asked->rr.type;
	return eff->rr.type == NMP_RR_IOPS && eff->rr.iops == asked->rr.iops;
}
