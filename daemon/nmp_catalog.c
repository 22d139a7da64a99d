/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's SATPs, PSPs and system SATP rules, as `storage nmp satp list`,
 * `psp list` and `satp rule list` show them on ESXi 6.7-8.0.
 *
 * System rules kept (the ones an iSCSI array meets; FC, local and the
 * dozens of vendor-specific placeholders are left out):
 *   - PURE/FlashArray → ALUA + RR iops=1: built in since ESXi 6.0 EP5 and
 *     6.5 U1, Pure's own recommendation.
 *   - any device with tpgs_on → ALUA ("Any array with ALUA support").
 *   - transport iscsi → DEFAULT_AA ("Default for iSCSI"): what an iSCSI
 *     LUN without ALUA gets.
 * Only the first names a vendor and becomes a devices entry. The other two
 * are what multipath-tools does by itself (detect_prio finds ALUA, failover
 * grouping otherwise), so they need none. ESXi's NETAPP rule (ALUA, MRU)
 * is left out on purpose: as a devices entry it would replace
 * multipath-tools' tuned built-in NETAPP entry with failover grouping.
 */
#include "config.h"

#include <string.h>

#include "nmp_catalog.h"

static const struct nmp_satp_def satps[] = {
	{ "VMW_SATP_MSA", NMP_PSP_MRU, "Placeholder (plugin not loaded)", false },
	{ NMP_SATP_ALUA, NMP_PSP_MRU, "Supports non-specific arrays that use the ALUA protocol",
	  true },
	{ "VMW_SATP_DEFAULT_AP", NMP_PSP_MRU, "Placeholder (plugin not loaded)", false },
	{ "VMW_SATP_SVC", NMP_PSP_FIXED, "Placeholder (plugin not loaded)", false },
	{ "VMW_SATP_EQL", NMP_PSP_FIXED, "Placeholder (plugin not loaded)", false },
	{ "VMW_SATP_INV", NMP_PSP_FIXED, "Placeholder (plugin not loaded)", false },
	{ "VMW_SATP_EVA", NMP_PSP_FIXED, "Placeholder (plugin not loaded)", false },
	{ "VMW_SATP_ALUA_CX", NMP_PSP_RR, "Placeholder (plugin not loaded)", true },
	{ "VMW_SATP_SYMM", NMP_PSP_RR, "Placeholder (plugin not loaded)", false },
	{ "VMW_SATP_CX", NMP_PSP_MRU, "Placeholder (plugin not loaded)", false },
	{ "VMW_SATP_LSI", NMP_PSP_MRU, "Placeholder (plugin not loaded)", false },
	{ NMP_SATP_DEFAULT_AA, NMP_PSP_FIXED, "Supports non-specific active/active arrays",
	  false },
	{ "VMW_SATP_LOCAL", NMP_PSP_FIXED, "Supports direct attached devices", false },
};

static const struct nmp_psp_def psps[] = {
	{ NMP_PSP_MRU, "Most Recently Used Path Selection" },
	{ NMP_PSP_RR, "Round Robin Path Selection" },
	{ NMP_PSP_FIXED, "Fixed Path Selection" },
};

static const struct nmp_satp_rule system_rules[] = {
	{ .satp = NMP_SATP_ALUA, .vendor = "PURE", .model = "FlashArray", .psp = NMP_PSP_RR,
	  .psp_options = "iops=1", .description = "PURE FlashArray IO Operation Limit Rule" },
	{ .satp = NMP_SATP_ALUA, .claim_options = "tpgs_on",
	  .description = "Any array with ALUA support" },
	{ .satp = NMP_SATP_DEFAULT_AA, .transport = "iscsi", .description = "Default for iSCSI" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct nmp_satp_def *nmp_satps(size_t *count)
{
	*count = COUNT(satps);
	return satps;
}

const struct nmp_satp_def *nmp_satp_lookup(const char *name)
{
	for (size_t i = 0; name && i < COUNT(satps); i++) {
		if (strcmp(satps[i].name, name) == 0)
			return &satps[i];
	}
	return NULL;
}

const struct nmp_psp_def *nmp_psps(size_t *count)
{
	*count = COUNT(psps);
	return psps;
}

const struct nmp_psp_def *nmp_psp_lookup(const char *name)
{
	for (size_t i = 0; name && i < COUNT(psps); i++) {
		if (strcmp(psps[i].name, name) == 0)
			return &psps[i];
	}
	return NULL;
}

const struct nmp_satp_rule *nmp_system_rules(size_t *count)
{
	*count = COUNT(system_rules);
	return system_rules;
}
