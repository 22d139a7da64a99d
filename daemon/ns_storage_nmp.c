/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli storage nmp psp|satp`: the PSPs and SATPs ESXi's NMP knows, the
 * SATP claim rules (system ones built in, user ones in the store's nmp
 * section) and the per-SATP default PSP. A change reaches dm-multipath
 * through the drop-in (nmp_commit.h).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "commands.h"
#include "netcmd.h"
#include "nmp_catalog.h"
#include "nmp_commit.h"
#include "nmp_model.h"
#include "strv.h"

static const struct esx_field_def psp_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "Description", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema psp_schema = { "PSP", psp_fields };

static const struct esx_field_def satp_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "Default PSP", VT_STRING, NULL },
	{ "Description", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema satp_schema = { "SATP", satp_fields };

static const struct esx_field_def rule_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "Device", VT_STRING, NULL },
	{ "Vendor", VT_STRING, NULL },
	{ "Model", VT_STRING, NULL },
	{ "Driver", VT_STRING, NULL },
	{ "Transport", VT_STRING, NULL },
	{ "Options", VT_STRING, NULL },
	{ "Rule Group", VT_STRING, NULL },
	{ "Claim Options", VT_STRING, NULL },
	{ "Default PSP", VT_STRING, NULL },
	{ "PSP Options", VT_STRING, NULL },
	{ "Description", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema rule_schema = { "SatpRule", rule_fields };

/* ---- completers ---- */

int nmp_complete_psp(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	size_t n;
	const struct nmp_psp_def *psps = nmp_psps(&n);
	int ret = 0;

	(void)d;
	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = strv_add_if_prefix(out, psps[i].name, prefix);
	return ret;
}

int nmp_complete_satp(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	size_t n;
	const struct nmp_satp_def *satps = nmp_satps(&n);
	int ret = 0;

	(void)d;
	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = strv_add_if_prefix(out, satps[i].name, prefix);
	return ret;
}

/* ---- options ---- */

static const struct esx_option no_options[] = {
	{ NULL },
};

static const struct esx_option rule_list_options[] = {
	{ "satp", 's', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Filter the SATP rules to a specific SATP", nmp_complete_satp },
	{ NULL },
};

/* What identifies a rule: add and remove take the same ones. */
#define RULE_MATCH_OPTIONS                                                                   \
	{ "satp", 's', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,                           \
	  "The SATP of the rule.", nmp_complete_satp },                                          \
	{ "vendor", 'V', OPT_STRING, 0, NULL, 0, 0, NULL,                                    \
	  "The vendor string (SCSI INQUIRY, at most 8 characters), matched literally. Vendor/Model rules are mutually exclusive with driver rules.", \
	  NULL },                                                                            \
	{ "model", 'M', OPT_STRING, 0, NULL, 0, 0, NULL,                                     \
	  "The model string (SCSI INQUIRY, at most 16 characters), matched literally. Vendor/Model rules are mutually exclusive with driver rules.", \
	  NULL },                                                                            \
	{ "device", 'd', OPT_STRING, 0, NULL, 0, 0, NULL,                                    \
	  "The device (naa.* or eui.*). Device rules are mutually exclusive with vendor/model and driver rules.", \
	  NULL },                                                                            \
	{ "driver", 'D', OPT_STRING, 0, NULL, 0, 0, NULL,                                    \
	  "The driver string. Driver rules are mutually exclusive with vendor/model rules.", \
	  NULL },                                                                            \
	{ "transport", 'R', OPT_STRING, 0, NULL, 0, 0, NULL,                                 \
	  "The claim transport type ( [block, fc, iscsi, iscsivendor, ide, parallel, sas, sata, usb, unknown]).", \
	  NULL },                                                                            \
	{ "option", 'o', OPT_STRING, 0, NULL, 0, 0, NULL, "The option string.", NULL },      \
	{ "claim-option", 'c', OPT_STRING, 0, NULL, 0, 0, NULL,                              \
	  "The claim option string (tpgs_on, tpgs_off).", NULL },                            \
	{ "psp", 'P', OPT_STRING, 0, NULL, 0, 0, NULL,                                       \
	  "The default PSP for the rule.", nmp_complete_psp },                                   \
	{ "psp-option", 'O', OPT_STRING, 0, NULL, 0, 0, NULL,                                \
	  "The PSP options (Round Robin: iops=N, policy=iops|latency|rr, useANO=0|1, samplingCycles=N, latencyEvalTime=MS; separated by ';').", \
	  NULL },                                                                            \
	{ "description", 'e', OPT_STRING, 0, NULL, 0, 0, NULL,                               \
	  "The claim rule description.", NULL },                                             \
	{ "type", 't', OPT_ENUM, 0, "vendor|device|driver|transport", 0, 0, NULL,            \
	  "The claim type: checked against the options given, not stored ( [vendor, device, driver, transport]).", \
	  NULL },                                                                            \
	{ "boot", 'b', OPT_FLAG, 0, NULL, 0, 0, NULL,                                        \
	  "Accepted for ESXi's scripts: esxclid keeps every rule in its store, boot rules too.", \
	  NULL }

static const struct esx_option rule_add_options[] = {
	RULE_MATCH_OPTIONS,
	{ "force", 'f', OPT_FLAG, 0, NULL, 0, 0, NULL,
	  "Accepted for ESXi's scripts; the checks still apply (they keep the multipath configuration safe).",
	  NULL },
	{ NULL },
};

static const struct esx_option rule_remove_options[] = {
	RULE_MATCH_OPTIONS,
	{ NULL },
};

static const struct esx_option satp_set_options[] = {
	{ "satp", 's', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The SATP name.", nmp_complete_satp },
	{ "default-psp", 'P', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The default PSP for the SATP.", nmp_complete_psp },
	{ "boot", 'b', OPT_FLAG, 0, NULL, 0, 0, NULL,
	  "Accepted for ESXi's scripts: the default is stored like any other.", NULL },
	{ NULL },
};

/* ---- lists ---- */

static int psp_list(struct esx_call *call)
{
	size_t n;
	const struct nmp_psp_def *psps = nmp_psps(&n);

	for (size_t i = 0; i < n; i++) {
		struct esx_record *rec = result_record(call->result, NULL);

		rec_str(rec, "Name", psps[i].name);
		rec_str(rec, "Description", psps[i].description);
	}
	return 0;
}

static int satp_list(struct esx_call *call)
{
	const struct model *m;
	size_t n;
	const struct nmp_satp_def *satps = nmp_satps(&n);
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		struct esx_record *rec = result_record(call->result, NULL);

		rec_str(rec, "Name", satps[i].name);
		rec_str(rec, "Default PSP", nmp_satp_default_psp(&m->nmp, satps[i].name));
		rec_str(rec, "Description", satps[i].description);
	}
	return 0;
}

static void rule_record(struct esx_result *result, const struct nmp_satp_rule *r,
			const char *group)
{
	struct esx_record *rec = result_record(result, NULL);

	rec_str(rec, "Name", r->satp);
	rec_str(rec, "Device", r->device);
	rec_str(rec, "Vendor", r->vendor);
	rec_str(rec, "Model", r->model);
	rec_str(rec, "Driver", r->driver);
	rec_str(rec, "Transport", r->transport);
	rec_str(rec, "Options", r->options);
	rec_str(rec, "Rule Group", group);
	rec_str(rec, "Claim Options", r->claim_options);
	rec_str(rec, "Default PSP", r->psp);
	rec_str(rec, "PSP Options", r->psp_options);
	rec_str(rec, "Description", r->description);
}

/* Grouped by SATP in `satp list` order; a SATP's system rules first. */
static int rule_list(struct esx_call *call)
{
	const char *only = args_str(&call->args, "satp");
	const struct model *m;
	size_t nsatps, nsystem;
	const struct nmp_satp_def *satps = nmp_satps(&nsatps);
	const struct nmp_satp_rule *system = nmp_system_rules(&nsystem);
	int ret = netcmd_model(call, &m);

	if (ret == 0 && only)
		ret = nmp_check_satp(only, &call->err);
	if (ret < 0)
		return ret;
	for (size_t s = 0; s < nsatps; s++) {
		const char *satp = satps[s].name;

		if (only && strcmp(only, satp) != 0)
			continue;
		for (size_t i = 0; i < nsystem; i++) {
			if (strcmp(system[i].satp, satp) == 0)
				rule_record(call->result, &system[i], "system");
		}
		for (size_t i = 0; i < m->nmp.nrules; i++) {
			if (strcmp(m->nmp.rules[i].satp, satp) == 0)
				rule_record(call->result, &m->nmp.rules[i], "user");
		}
	}
	return 0;
}

/* ---- rule add and remove ---- */

typedef int (*text_check_fn)(const char *value, struct esx_err *err);

static int check_options_text(const char *value, struct esx_err *err)
{
	return nmp_check_option_text("Option", value, err);
}

static int check_claim_options(const char *value, struct esx_err *err)
{
	return nmp_check_option_text("Claim option", value, err);
}

static int check_psp_options(const char *value, struct esx_err *err)
{
	return nmp_check_option_text("PSP option", value, err);
}

/* One option of a rule: which field it fills and the check its raw value
 * passes first, so that a value too long for its field is refused with
 * the field's own message instead of being cut. */
struct rule_field {
	const char *option;
	size_t offset;
	size_t size;
	text_check_fn check;
};

#define RULE_FIELD(opt, member, fn)                                                        \
	{ opt, offsetof(struct nmp_satp_rule, member),                                     \
	  sizeof(((struct nmp_satp_rule *)NULL)->member), fn }

static const struct rule_field rule_fields_in[] = {
	RULE_FIELD("satp", satp, nmp_check_satp),
	RULE_FIELD("vendor", vendor, nmp_check_vendor),
	RULE_FIELD("model", model, nmp_check_model),
	RULE_FIELD("device", device, nmp_check_device),
	RULE_FIELD("driver", driver, nmp_check_driver),
	RULE_FIELD("transport", transport, nmp_check_transport),
	RULE_FIELD("option", options, check_options_text),
	RULE_FIELD("claim-option", claim_options, check_claim_options),
	RULE_FIELD("psp", psp, nmp_check_psp),
	RULE_FIELD("psp-option", psp_options, check_psp_options),
	RULE_FIELD("description", description, nmp_check_description),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* -t names the kind of rule; it has to agree with what the rule matches on. */
static int check_claim_type(const struct nmp_satp_rule *r, const char *type, struct esx_err *err)
{
	bool ok = true;

	if (!type)
		return 0;
	if (strcmp(type, "vendor") == 0)
		ok = r->vendor[0] || r->model[0];
	else if (strcmp(type, "device") == 0)
		ok = r->device[0];
	else if (strcmp(type, "driver") == 0)
		ok = r->driver[0];
	else if (strcmp(type, "transport") == 0)
		ok = r->transport[0] && !r->vendor[0] && !r->model[0] && !r->device[0] &&
		     !r->driver[0];
	if (!ok)
		return err_set(err, EINVAL,
			       "Claim type %s does not match the rule's options (vendor: -V/-M, device: -d, driver: -D, transport: -R alone)",
			       type);
	return 0;
}

/* The rule the options describe, every field checked. */
static int rule_from_args(struct esx_call *call, struct nmp_satp_rule *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < COUNT(rule_fields_in); i++) {
		const struct rule_field *f = &rule_fields_in[i];
		const char *value = args_str(&call->args, f->option);
		char *field = (char *)r + f->offset;

		if (!value || !value[0])
			continue;
		ret = f->check(value, &call->err);
		if (ret < 0)
			return ret;
		if (strlen(value) >= f->size)
			return err_set(&call->err, EINVAL, "The value of --%s is too long",
				       f->option);
		memcpy(field, value, strlen(value) + 1);
	}
	ret = nmp_check_rule(r, &call->err);
	if (ret < 0)
		return ret;
	return check_claim_type(r, args_str(&call->args, "type"), &call->err);
}

/* "vendor PURE model FlashArray": what a message says the rule matches. */
static void describe_match(const struct nmp_satp_rule *r, char *buf, size_t len)
{
	const struct {
		const char *name;
		const char *value;
	} parts[] = {
		{ "device", r->device }, { "vendor", r->vendor }, { "model", r->model },
		{ "driver", r->driver }, { "transport", r->transport },
		{ "claim options", r->claim_options },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < COUNT(parts) && used < len; i++) {
		int n;

		if (!parts[i].value[0])
			continue;
		n = snprintf(buf + used, len - used, "%s%s %s", used ? " " : "", parts[i].name,
			     parts[i].value);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int rule_add(struct esx_call *call)
{
	struct nmp_satp_rule wanted, *added;
	struct model next;
	char match[256];
	int ret = rule_from_args(call, &wanted);

	if (ret < 0)
		return ret;
	ret = netcmd_begin(call, &next);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	if (nmp_find_rule(&next.nmp, &wanted)) {
		describe_match(&wanted, match, sizeof(match));
		return netcmd_abandon(&next, err_set(&call->err, EEXIST,
				      "Error adding SATP user rule: Duplicate user rule found for SATP %s matching %s",
				      wanted.satp, match));
	}
	added = nmp_add_rule(&next.nmp);
	if (!added)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	*added = wanted;
	return nmp_commit(call, &next);
}

static int rule_remove(struct esx_call *call)
{
	const char *description = args_str(&call->args, "description");
	struct nmp_satp_rule wanted, *found;
	struct model next;
	char match[256];
	int ret = rule_from_args(call, &wanted);

	if (ret < 0)
		return ret;
	ret = netcmd_begin(call, &next);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	found = nmp_find_rule(&next.nmp, &wanted);
	/* -e is not part of a rule's identity, but when given it must agree. */
	if (found && description && strcmp(found->description, description) != 0)
		found = NULL;
	if (!found) {
		describe_match(&wanted, match, sizeof(match));
		return netcmd_abandon(&next, err_set(&call->err, ENOENT,
				      "Error deleting SATP user rule: No user rule found for SATP %s matching %s",
				      wanted.satp, match));
	}
	nmp_remove_rule(&next.nmp, found);
	return nmp_commit(call, &next);
}

/* ---- satp set ---- */

static int satp_set(struct esx_call *call)
{
	const char *satp = args_str(&call->args, "satp");
	const char *psp = args_str(&call->args, "default-psp");
	const struct nmp_satp_def *def;
	struct model next;
	int ret = nmp_check_satp(satp, &call->err);

	if (ret == 0)
		ret = nmp_check_psp(psp, &call->err);
	if (ret < 0)
		return ret;
	def = nmp_satp_lookup(satp);
	ret = netcmd_begin(call, &next);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	/* The catalog's own default needs no entry: the store keeps changes only. */
	ret = nmp_set_satp_default(&next.nmp, satp,
				   strcmp(psp, def->default_psp) == 0 ? NULL : psp);
	if (ret < 0)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	ret = nmp_commit(call, &next);
	if (ret >= 0)
		result_message(call->result, "Default PSP for %s is now %s", satp, psp);
	return ret;
}

const struct esx_command storage_nmp_commands[] = {
	{ "storage nmp psp list",
	  "List the Path Selection Plugins (PSP) that are currently loaded into the NMP system and display information about those PSPs",
	  no_options, psp_list, SHAPE_TABLE, &psp_schema, VT_STRING, CMD_READONLY },
	{ "storage nmp satp list",
	  "List the Storage Array Type Plugins (SATP) that are currently loaded into the NMP system and display information about those SATPs",
	  no_options, satp_list, SHAPE_TABLE, &satp_schema, VT_STRING, CMD_READONLY },
	{ "storage nmp satp set",
	  "Set the default Path Selection Policy for a given Storage Array Type Plugin (SATP).",
	  satp_set_options, satp_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "storage nmp satp rule add",
	  "Add a rule to the list of claim rules for the given SATP.", rule_add_options,
	  rule_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "storage nmp satp rule list", "List the claim rules for SATPs", rule_list_options,
	  rule_list, SHAPE_TABLE, &rule_schema, VT_STRING, CMD_READONLY },
	{ "storage nmp satp rule remove",
	  "Delete a rule from the list of claim rules for the given SATP.", rule_remove_options,
	  rule_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace storage_nmp_namespaces[] = {
	{ "storage nmp",
	  "VMware Native Multipath Plugin (NMP). This is the VMware default implementation of the Pluggable Storage Architecture." },
	{ "storage nmp psp",
	  "Operations pertaining to the Path Selection Policy (PSP) plugins for the VMware Native Multipath Plugin." },
	{ "storage nmp satp",
	  "Operations pertaining to the Storage Array Type Plugins (SATP) for the VMware Native Multipath Plugin." },
	{ "storage nmp satp rule", "Manage the claim rules for the Storage Array Type Plugins." },
	{ NULL, NULL },
};
