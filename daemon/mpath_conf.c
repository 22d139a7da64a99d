/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Rendering the NMP configuration as multipath-tools configuration.
 *
 * ESXi → dm-multipath, per PSP:
 *   RR      all usable paths in one group: multibus, or group_by_prio on
 *           an ALUA array so only the optimised paths share I/O (useANO=1
 *           asks for the unoptimised ones too: multibus); iops and default
 *           limits are "round-robin 0" with rr_min_io_rq N, latency is
 *           "service-time 0" (its sampling settings have no dm knob);
 *           failback immediate.
 *   MRU     failover grouping, failback manual: stay on the path in use.
 *   FIXED   failover grouping, failback immediate: back to the first path.
 * An ALUA SATP adds hardware_handler "1 alua" and prio alua. A rule's SATP
 * options (-o) and claim options (-c) have no dm-multipath form and are
 * only kept for `satp rule list`.
 * In multipaths entries (by WWID) the SATP is not known, so RR uses
 * group_by_prio: with ALUA priorities it groups like ESXi's ALUA SATP,
 * with multipath's default const prio every path lands in one group.
 *
 * multipathd writes fast_io_fail_tmo (default 5) into the recovery_tmo of
 * every iSCSI session it has paths of, unless it is "off"; open-iscsi
 * writes the node record's replacement_timeout there at login. So that one
 * owner (RecoveryTimeout, through the records) decides, every array behind
 * the adapter gets fast_io_fail_tmo off.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpath_conf.h"
#include "nmp_catalog.h"

int mpath_regex_literal(const char *literal, char *out, size_t size)
{
	size_t used = 0;

	if (size < 3)
		return -ENAMETOOLONG;
	out[used++] = '^';
	for (const char *p = literal; *p; p++) {
		if (strchr(".[](){}*+?^$|\\", *p)) {
			if (used + 1 >= size - 1)
				return -ENAMETOOLONG;
			out[used++] = '\\';
		}
		if (used >= size - 2)
			return -ENAMETOOLONG;
		out[used++] = *p;
	}
	out[used++] = '$';
	out[used] = '\0';
	return 0;
}

struct psp_settings {
	const char *grouping;
	const char *selector;   /* NULL: multipath's default */
	unsigned rr_min_io_rq;  /* 0: not written */
	const char *failback;
};

/* alua: the SATP is ALUA (true), not (false); by_prio_unknown: the SATP
 * is not known (multipaths entries). */
static int psp_settings(const char *psp, const char *psp_options, bool alua, bool by_prio_unknown,
			const struct nmp_rr_config *given, struct psp_settings *out,
			struct esx_err *err)
{
	struct nmp_rr_config rr;
	int ret;

	memset(out, 0, sizeof(*out));
	nmp_rr_defaults(&rr);
	if (strcmp(psp, NMP_PSP_MRU) == 0 || strcmp(psp, NMP_PSP_FIXED) == 0) {
		ret = nmp_parse_psp_options(psp, psp_options, &rr, err);
		out->grouping = "failover";
		out->failback = strcmp(psp, NMP_PSP_MRU) == 0 ? "manual" : "immediate";
		return ret;
	}
	if (strcmp(psp, NMP_PSP_RR) != 0)
		return nmp_check_psp(psp, err);
	if (given) {
		rr = *given;
	} else {
		ret = nmp_parse_psp_options(psp, psp_options, &rr, err);
		if (ret < 0)
			return ret;
	}
	ret = nmp_check_rr(&rr, err);
	if (ret < 0)
		return ret;
	out->grouping = (alua || by_prio_unknown) && !rr.useano ? "group_by_prio" : "multibus";
	out->failback = "immediate";
	if (rr.type == NMP_RR_LATENCY) {
		out->selector = "service-time 0";
	} else {
		out->selector = "round-robin 0";
		/* The kernel forces round-robin's repeat count to 1 (and warns
		 * about anything larger), so ESXi's default 1000 is not
		 * written; iops is always 1 (nmp_check_rr). */
		if (rr.type == NMP_RR_IOPS)
			out->rr_min_io_rq = rr.iops;
	}
	return 0;
}

static void write_psp(FILE *f, const struct psp_settings *s)
{
	fprintf(f, "\t\tpath_grouping_policy %s\n", s->grouping);
	if (s->selector)
		fprintf(f, "\t\tpath_selector \"%s\"\n", s->selector);
	if (s->rr_min_io_rq)
		fprintf(f, "\t\trr_min_io_rq %u\n", s->rr_min_io_rq);
	fprintf(f, "\t\tfailback %s\n", s->failback);
}

#define NO_FAST_IO_FAIL "\t\tfast_io_fail_tmo off\n"

/* The rule entry that has exactly a's vendor and product strings. */
static bool rule_is_array(const struct nmp_satp_rule *r, const struct mpath_array *a)
{
	return r->vendor[0] && r->model[0] && strcmp(r->vendor, a->vendor) == 0 &&
	       strcmp(r->model, a->model) == 0;
}

static bool rule_has_array(const struct nmp_satp_rule *r, const struct mpath_array *arrays,
			   size_t narrays)
{
	for (size_t i = 0; i < narrays; i++) {
		if (rule_is_array(r, &arrays[i]))
			return true;
	}
	return false;
}

static int write_rule(FILE *f, const struct nmp_config *c, const struct nmp_satp_rule *r,
		      const char *group, const struct mpath_array *arrays, size_t narrays,
		      struct esx_err *err)
{
	const struct nmp_satp_def *satp = nmp_satp_lookup(r->satp);
	char vendor[2 * NMP_VENDOR_MAX + 2], product[2 * NMP_MODEL_MAX + 2];
	struct psp_settings s;
	int ret = nmp_check_rule(r, err);

	if (ret < 0)
		return ret;
	/* Rules on driver, transport or claim options alone have no devices
	 * form: multipath's own defaults already behave that way. */
	if (!r->vendor[0] && !r->model[0])
		return 0;
	ret = psp_settings(r->psp[0] ? r->psp : nmp_satp_default_psp(c, r->satp), r->psp_options,
			   satp->alua, false, NULL, &s, err);
	if (ret < 0)
		return ret;
	/* An empty side matches anything, as an ESXi rule without it does. */
	if (mpath_regex_literal(r->vendor, vendor, sizeof(vendor)) < 0 ||
	    mpath_regex_literal(r->model, product, sizeof(product)) < 0)
		return err_set(err, EINVAL, "Vendor or model too long");
	fprintf(f, "\t# %s rule: %s%s%s\n", group, r->satp, r->description[0] ? ", " : "",
		r->description);
	fprintf(f, "\tdevice {\n");
	fprintf(f, "\t\tvendor \"%s\"\n", r->vendor[0] ? vendor : ".*");
	fprintf(f, "\t\tproduct \"%s\"\n", r->model[0] ? product : ".*");
	if (satp->alua) {
		fprintf(f, "\t\thardware_handler \"1 alua\"\n");
		fprintf(f, "\t\tprio alua\n");
	}
	write_psp(f, &s);
	if (rule_has_array(r, arrays, narrays))
		fputs(NO_FAST_IO_FAIL, f);
	fprintf(f, "\t}\n");
	return 0;
}

static bool array_in_rules(const struct nmp_satp_rule *rules, size_t n,
			   const struct mpath_array *a)
{
	for (size_t i = 0; i < n; i++) {
		if (rule_is_array(&rules[i], a))
			return true;
	}
	return false;
}

static int write_array(FILE *f, const struct nmp_config *c, const struct mpath_array *a,
		       struct esx_err *err)
{
	char vendor[2 * NMP_VENDOR_MAX + 2], product[2 * NMP_MODEL_MAX + 2];
	const struct nmp_satp_rule *system;
	size_t nsystem;
	int ret = nmp_check_vendor(a->vendor, err);

	if (ret == 0)
		ret = nmp_check_model(a->model, err);
	if (ret < 0)
		return ret;
	if (!a->vendor[0] || !a->model[0])
		return err_set(err, EINVAL, "An iSCSI array needs a vendor and a model");
	system = nmp_system_rules(&nsystem);
	if (array_in_rules(system, nsystem, a) || array_in_rules(c->rules, c->nrules, a))
		return 0;
	if (mpath_regex_literal(a->vendor, vendor, sizeof(vendor)) < 0 ||
	    mpath_regex_literal(a->model, product, sizeof(product)) < 0)
		return err_set(err, EINVAL, "Vendor or model too long");
	fprintf(f, "\t# iSCSI array: recovery_tmo is RecoveryTimeout's (esxcli iscsi adapter param)\n");
	fprintf(f, "\tdevice {\n");
	fprintf(f, "\t\tvendor \"%s\"\n", vendor);
	fprintf(f, "\t\tproduct \"%s\"\n", product);
	fputs(NO_FAST_IO_FAIL, f);
	fprintf(f, "\t}\n");
	return 0;
}

static int write_device(FILE *f, const struct nmp_device_config *d, struct esx_err *err)
{
	char wwid[NMP_WWID_MAX];
	struct psp_settings s;
	int ret;

	if (!d->psp[0])
		return 0;
	if (nmp_device_wwid(d->device, wwid) < 0)
		return nmp_check_device(d->device, err);
	ret = psp_settings(d->psp, "", false, true, strcmp(d->psp, NMP_PSP_RR) == 0 ? &d->rr : NULL,
			   &s, err);
	if (ret < 0)
		return ret;
	fprintf(f, "\t# %s: %s\n", d->device, d->psp);
	fprintf(f, "\tmultipath {\n");
	fprintf(f, "\t\twwid \"%s\"\n", wwid);
	write_psp(f, &s);
	fprintf(f, "\t}\n");
	return 0;
}

static const char header[] =
	"# Written by esxclid from its NMP settings (esxcli storage nmp ...).\n"
	"# esxclid overwrites this file whenever they change: put settings of\n"
	"# your own in /etc/multipath.conf or in another file of this directory.\n";

int mpath_conf_render(const struct nmp_config *c, const struct mpath_array *arrays,
		      size_t narrays, char **out, struct esx_err *err)
{
	const struct nmp_satp_rule *system;
	size_t nsystem, len = 0;
	char *text = NULL;
	FILE *f;
	int ret = 0;

	*out = NULL;
	f = open_memstream(&text, &len);
	if (!f)
		return err_set(err, ENOMEM, "out of memory");
	fputs(header, f);
	fprintf(f, "devices {\n");
	system = nmp_system_rules(&nsystem);
	for (size_t i = 0; ret == 0 && i < nsystem; i++)
		ret = write_rule(f, c, &system[i], "system", arrays, narrays, err);
	for (size_t i = 0; ret == 0 && i < c->nrules; i++)
		ret = write_rule(f, c, &c->rules[i], "user", arrays, narrays, err);
	for (size_t i = 0; ret == 0 && i < narrays; i++)
		ret = write_array(f, c, &arrays[i], err);
	fprintf(f, "}\n");
	fprintf(f, "multipaths {\n");
	for (size_t i = 0; ret == 0 && i < c->ndevices; i++)
		ret = write_device(f, &c->devices[i], err);
	fprintf(f, "}\n");
	if (fclose(f) != 0 && ret == 0)
		ret = err_set(err, ENOMEM, "out of memory");
	if (ret < 0) {
		free(text);
		return ret;
	}
	*out = text;
	return 0;
}
