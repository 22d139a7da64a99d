/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What ESXi's NMP has built in: its SATPs with their default PSPs, its PSPs,
 * and the system SATP rules that matter for iSCSI arrays (Rule Group
 * "system"). Constant tables; the user's changes live in nmp_model.h.
 */
#ifndef ESXD_NMP_CATALOG_H
#define ESXD_NMP_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "nmp_model.h"

#define NMP_PSP_MRU "VMW_PSP_MRU"
#define NMP_PSP_RR "VMW_PSP_RR"
#define NMP_PSP_FIXED "VMW_PSP_FIXED"
#define NMP_SATP_ALUA "VMW_SATP_ALUA"
#define NMP_SATP_DEFAULT_AA "VMW_SATP_DEFAULT_AA"

struct nmp_satp_def {
	const char *name;
	const char *default_psp;
	const char *description;
	/* The array answers ALUA (TPGS): dm-multipath's alua handler and prio. */
	bool alua;
};

struct nmp_psp_def {
	const char *name;
	const char *description;
};

/* In `satp list` order. */
const struct nmp_satp_def *nmp_satps(size_t *count);
const struct nmp_satp_def *nmp_satp_lookup(const char *name);
/* In `psp list` order. */
const struct nmp_psp_def *nmp_psps(size_t *count);
const struct nmp_psp_def *nmp_psp_lookup(const char *name);
/* The system rules, in `satp rule list` order. */
const struct nmp_satp_rule *nmp_system_rules(size_t *count);

#endif
