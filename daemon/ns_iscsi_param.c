/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli iscsi adapter param`, `... discovery sendtarget param` and
 * `... target portal param`: ESXi's iSCSI parameters at the adapter, at a
 * sendtarget and at a target portal, with ESXi's inheritance (a portal
 * inherits from the sendtarget that discovered it, a sendtarget from the
 * adapter). What is set at each level is stored; a change is written to
 * the node records it reaches (iscsi_apply.h), then committed, or the
 * records are put back: the store and open-iscsi change together or not
 * at all. DelayedAck is a route attribute: the commit's reconcile makes it.
 * RecoveryTimeout is also the live sessions' recovery_tmo (iscsi_recovery.h):
 * a change writes it there too, all or nothing with the records, and `get`
 * shows what the kernel uses.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "commands.h"
#include "esxcli/protocol.h"
#include "daemon.h"
#include "iscsi_adm.h"
#include "iscsi_apply.h"
#include "iscsi_recovery.h"
#include "iscsi_runtime.h"
#include "log.h"
#include "ns_iscsi_common.h"
#include "transaction.h"

static const struct esx_field_def param_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "Current", VT_STRING, NULL },
	{ "Default", VT_STRING, NULL },
	{ "Min", VT_STRING, NULL },
	{ "Max", VT_STRING, NULL },
	{ "Settable", VT_BOOL, NULL },
	{ "Inherit", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema param_schema = { "IscsiParam", param_fields };

static int complete_key(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	(void)d;
	for (int p = 0; p < ISCSI_PARAM_COUNT; p++) {
		if (iscsi_param_def(p)->settable &&
		    strv_add_if_prefix(out, iscsi_param_def(p)->key, prefix) < 0)
			return -ENOMEM;
	}
	return 0;
}

#define OPT_ADAPTER                                                                        \
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.", \
	  iscsi_cmd_complete_adapter }
#define OPT_SENDTARGET                                                                     \
	{ "address", 'a', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,                       \
	  "The iSCSI sendtarget address: <ip>[:port]; port 3260 when not given.",            \
	  iscsi_cmd_complete_sendtarget }
#define OPT_PORTAL_ADDRESS                                                                 \
	{ "address", 'a', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,                       \
	  "The iSCSI target portal address: <ip>[:port]; port 3260 when not given.", NULL }
#define OPT_PORTAL_NAME                                                                    \
	{ "name", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI target name.", NULL }
#define OPT_KEY                                                                            \
	{ "key", 'k', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI parameter key.",   \
	  complete_key }
#define OPT_VALUE                                                                          \
	{ "value", 'v', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI parameter value.", NULL }
#define OPT_DEFAULT                                                                        \
	{ "default", 'D', OPT_FLAG, 0, NULL, 0, 0, NULL, "Reset parameter to default.", NULL }
#define OPT_INHERIT                                                                        \
	{ "inherit", 'i', OPT_FLAG, 0, NULL, 0, 0, NULL,                                    \
	  "Inherit the parameter from the parent (return to the inherited value).", NULL }

static const struct esx_option adapter_get_options[] = { OPT_ADAPTER, { NULL } };
static const struct esx_option adapter_set_options[] = {
	OPT_ADAPTER, OPT_DEFAULT, OPT_KEY, OPT_VALUE, { NULL }
};
static const struct esx_option sendtarget_get_options[] = {
	OPT_ADAPTER, OPT_SENDTARGET, { NULL }
};
static const struct esx_option sendtarget_set_options[] = {
	OPT_ADAPTER, OPT_SENDTARGET, OPT_DEFAULT, OPT_INHERIT, OPT_KEY, OPT_VALUE, { NULL }
};
static const struct esx_option portal_get_options[] = {
	OPT_ADAPTER, OPT_PORTAL_ADDRESS, OPT_PORTAL_NAME, { NULL }
};
static const struct esx_option portal_set_options[] = {
	OPT_ADAPTER, OPT_PORTAL_ADDRESS, OPT_DEFAULT, OPT_INHERIT, OPT_KEY, OPT_PORTAL_NAME,
	OPT_VALUE, { NULL }
};

/* ---- the level a command works on ---------------------------------------- */

struct level {
	struct iscsi_level_ref at;
	char text[MODEL_PORTAL_TEXT_MAX];      /* the address as the user sees it */
};

static int parse_level(struct esx_call *call, enum iscsi_level which, struct level *lv)
{
	int ret;

	memset(lv, 0, sizeof(*lv));
	lv->at.level = which;
	if (which == ISCSI_FROM_ADAPTER)
		return 0;
	ret = iscsi_cmd_portal(call, args_str(&call->args, "address"), lv->at.address,
			       &lv->at.port);
	if (ret < 0)
		return ret;
	model_portal_format(lv->at.address, lv->at.port, lv->text, sizeof(lv->text));
	if (which == ISCSI_FROM_SENDTARGET)
		return 0;
	ret = iscsi_cmd_target_name(call, args_str(&call->args, "name"));
	snprintf(lv->at.name, sizeof(lv->at.name), "%s", args_str(&call->args, "name"));
	return ret;
}

/* A portal exists when the adapter has records of it, a static target names
 * it, or it has settings of its own. */
static bool portal_known(const struct model *m, const struct iscsi_level_ref *at,
			 const struct iscsi_node_record *recs, size_t n)
{
	if (model_iscsi_static(m, at->address, at->port, at->name) ||
	    model_iscsi_portal(m, at->address, at->port, at->name))
		return true;
	for (size_t i = 0; i < n; i++) {
		if (iscsi_apply_owned(m, &recs[i]) && iscsi_apply_in_scope(m, at, &recs[i]))
			return true;
	}
	return false;
}

static int level_exists(const struct model *m, const struct level *lv,
			const struct iscsi_node_record *recs, size_t n, struct esx_err *err)
{
	switch (lv->at.level) {
	case ISCSI_FROM_SENDTARGET:
		if (!model_iscsi_sendtarget(m, lv->at.address, lv->at.port))
			return err_set(err, ENOENT, "Unable to find sendtarget %s on %s", lv->text,
				       m->iscsi.adapter);
		return 0;
	case ISCSI_FROM_PORTAL:
		if (!portal_known(m, &lv->at, recs, n))
			return err_set(err, ENOENT,
				       "Unable to find target portal %s of %s on %s: no node record or static target has it",
				       lv->text, lv->at.name, m->iscsi.adapter);
		return 0;
	default:
		return 0;
	}
}

/* The sendtarget a portal inherits from: the one that discovered its
 * records (none for a static target). */
static const struct iscsi_sendtarget *portal_parent(const struct model *m,
						    const struct iscsi_level_ref *at,
						    const struct iscsi_node_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (iscsi_apply_owned(m, &recs[i]) && iscsi_apply_in_scope(m, at, &recs[i]) &&
		    iscsi_apply_parent(m, &recs[i]))
			return iscsi_apply_parent(m, &recs[i]);
	}
	return NULL;
}

/* ---- param get -------------------------------------------------------- */

/* A parameter esxcli cannot set shows what the records under the level
 * hold (the first that has a value), else ESXi's default. */
static long long held_value(const struct model *m, const struct iscsi_level_ref *at,
			    enum iscsi_param p, const struct iscsi_node_record *recs, size_t n)
{
	long long v;

	for (size_t i = 0; i < n; i++) {
		if (iscsi_apply_owned(m, &recs[i]) && iscsi_apply_in_scope(m, at, &recs[i]) &&
		    iscsi_node_parse(p, recs[i].values[p], &v) == 0)
			return v;
	}
	return iscsi_param_def(p)->def;
}

static void param_row(struct esx_call *call, enum iscsi_param p, long long current, bool inherit)
{
	const struct iscsi_param_def *def = iscsi_param_def(p);
	struct esx_record *rec = result_record(call->result, NULL);
	char text[32];

	rec_str(rec, "Name", def->key);
	iscsi_param_format(p, current, text, sizeof(text));
	rec_str(rec, "Current", text);
	iscsi_param_format(p, def->def, text, sizeof(text));
	rec_str(rec, "Default", text);
	if (def->type == ISCSI_PT_INT) {
		rec_strf(rec, "Min", "%lld", def->min);
		rec_strf(rec, "Max", "%lld", def->max);
	} else {
		rec_str(rec, "Min", "na");
		rec_str(rec, "Max", "na");
	}
	rec_bool(rec, "Settable", def->settable);
	rec_bool(rec, "Inherit", inherit);
}

/* RecoveryTimeout is what the kernel uses: recovery_tmo of the sessions
 * that take it from the level. */
static int recovery_in_kernel(struct esx_call *call, const struct model *m,
			      const struct iscsi_level_ref *at, const struct iscsi_node_record *recs,
			      size_t n, long long *value)
{
	struct iscsi_recovery_change *live = NULL;
	char message[1024];
	size_t nlive = 0;
	int ret = iscsi_recovery_plan(m, at, recs, n, &live, &nlive, &call->err);

	if (ret < 0)
		return ret;
	*value = iscsi_recovery_current(live, nlive, *value, message, sizeof(message));
	if (message[0])
		result_message(call->result, "%s", message);
	free(live);
	return 0;
}

static int param_get(struct esx_call *call, enum iscsi_level which)
{
	const struct iscsi_sendtarget *st = NULL;
	const struct iscsi_target_portal *tp = NULL;
	const struct iscsi_settings *own = NULL;
	struct iscsi_node_record *recs = NULL;
	struct iscsi_effective eff;
	const struct model *m;
	struct level lv;
	size_t n = 0;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = parse_level(call, which, &lv);
	if (ret == 0)
		ret = iscsi_node_records_read(&recs, &n, &call->err);
	if (ret == 0)
		ret = level_exists(m, &lv, recs, n, &call->err);
	if (ret < 0)
		goto out;
	if (which == ISCSI_FROM_ADAPTER) {
		own = &m->iscsi.settings;
	} else if (which == ISCSI_FROM_SENDTARGET) {
		st = model_iscsi_sendtarget(m, lv.at.address, lv.at.port);
		own = &st->settings;
	} else {
		st = portal_parent(m, &lv.at, recs, n);
		tp = model_iscsi_portal(m, lv.at.address, lv.at.port, lv.at.name);
		own = tp ? &tp->settings : NULL;
	}
	iscsi_settings_resolve(m, st, tp, &eff);
	iscsi_apply_wipe(&eff);
	ret = recovery_in_kernel(call, m, &lv.at, recs, n, &eff.params[ISCSI_P_RECOVERY_TIMEOUT]);
	if (ret < 0)
		goto out;
	for (int p = 0; p < ISCSI_PARAM_COUNT; p++) {
		bool settable = iscsi_param_def(p)->settable;

		param_row(call, p, settable ? eff.params[p] : held_value(m, &lv.at, p, recs, n),
			  which != ISCSI_FROM_ADAPTER && !(own && own->params[p].set));
	}
out:
	free(recs);
	return ret;
}

static int adapter_param_get(struct esx_call *call)
{
	return param_get(call, ISCSI_FROM_ADAPTER);
}

static int sendtarget_param_get(struct esx_call *call)
{
	return param_get(call, ISCSI_FROM_SENDTARGET);
}

static int portal_param_get(struct esx_call *call)
{
	return param_get(call, ISCSI_FROM_PORTAL);
}

/* ---- param set -------------------------------------------------------- */

enum change_how { SET_VALUE, SET_DEFAULT, SET_INHERIT };

struct param_change {
	struct level lv;
	enum iscsi_param p;
	enum change_how how;
	long long value;
};

/* The change on a model: the store's side. */
static int change_model(struct model *next, void *data, struct esx_err *err)
{
	const struct param_change *c = data;
	const struct iscsi_level_ref *at = &c->lv.at;
	struct iscsi_target_portal *tp = NULL;
	struct iscsi_sendtarget *st;
	struct iscsi_param_setting *s;

	switch (at->level) {
	case ISCSI_FROM_SENDTARGET:
		st = model_iscsi_sendtarget(next, at->address, at->port);
		if (!st)
			return err_set(err, ENOENT, "Unable to find sendtarget %s on %s", c->lv.text,
				       next->iscsi.adapter);
		s = &st->settings.params[c->p];
		break;
	case ISCSI_FROM_PORTAL:
		tp = model_iscsi_portal(next, at->address, at->port, at->name);
		if (!tp && c->how == SET_INHERIT)
			return 0;
		if (!tp) {
			tp = model_iscsi_add_portal(next);
			if (!tp)
				return err_set(err, ENOMEM, "out of memory");
			snprintf(tp->address, sizeof(tp->address), "%s", at->address);
			tp->port = at->port;
			snprintf(tp->name, sizeof(tp->name), "%s", at->name);
		}
		s = &tp->settings.params[c->p];
		break;
	default:
		s = &next->iscsi.settings.params[c->p];
		break;
	}
	if (c->how == SET_VALUE) {
		s->set = true;
		s->value = c->value;
	} else if (c->how == SET_DEFAULT && at->level != ISCSI_FROM_ADAPTER) {
		/* Below the adapter, the default is a value of that level's own. */
		s->set = true;
		s->value = iscsi_param_def(c->p)->def;
	} else {
		/* The adapter's default is what it has when nothing is set. */
		s->set = false;
		s->value = 0;
	}
	if (tp && model_iscsi_settings_empty(&tp->settings))
		model_iscsi_remove_portal(next, tp);
	return 0;
}

/* What one record had, to put back if the change does not go through. */
struct undo_entry {
	char target[ISCSI_NAME_MAX];
	char portal[MODEL_PORTAL_TEXT_MAX];
	char iface[ISCSI_STATE_IFACE_MAX];
	char old[ISCSI_NODE_VALUE_MAX];
};

struct param_flow {
	struct iscsi_flow base;
	struct param_change change;
	struct undo_entry *undo;
	struct iscsi_recovery_change *live;   /* RecoveryTimeout: the sessions' side */
	size_t nlive;
};

static void param_flow_free(struct iscsi_flow *flow)
{
	struct param_flow *pf = (struct param_flow *)flow;

	free(pf->undo);
	free(pf->live);
	free(pf);
}

/* Put the records b changed back as they were (best effort, logged). */
static void put_back(struct param_flow *pf, struct iscsi_batch *b)
{
	struct iscsi_batch *back = iscsi_batch_new(pf->base.d->loop, 1, false, 0);
	const char *key = iscsi_node_key(pf->change.p);
	char what[96];

	for (size_t i = 0; back && i < iscsi_batch_count(b); i++) {
		const struct iscsi_batch_item *item = iscsi_batch_item(b, i);
		const struct undo_entry *u = item->tag;
		const char *old = u->old;

		if (!item->ok || !u->old[0])
			continue;
		if (iscsi_adm_node_update_pairs(back, u->target, u->portal, u->iface, &key, &old, 1,
						NULL) < 0)
			log_err("out of memory putting %s back on %s", key, u->target);
	}
	if (!back) {
		log_err("out of memory putting %s back on the node records", key);
		return;
	}
	snprintf(what, sizeof(what), "putting %s back on the node records", key);
	iscsi_runtime_background(pf->base.rt, back, what);
}

/* The live sessions, then the store; the sessions get their old value back
 * when the store does not take the change. */
static int commit_live(struct param_flow *pf, struct esx_err *err)
{
	int ret = iscsi_recovery_apply(pf->live, pf->nlive, err);

	if (ret < 0)
		return ret;
	ret = iscsi_cmd_commit(pf->base.d, change_model, &pf->change, err);
	if (ret < 0)
		iscsi_recovery_undo(pf->live, pf->nlive);
	return ret;
}

static void records_written(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct param_flow *pf = (struct param_flow *)flow;
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	struct esx_err *err = iscsi_flow_err(flow);
	char text[600];
	int ret;

	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		ret = err_set(err, EIO, "Unable to set %s on the node records: %s",
			      iscsi_param_def(pf->change.p)->key, text);
		put_back(pf, b);
		iscsi_flow_end(flow, ret);
		return;
	}
	ret = commit_live(pf, err);
	if (ret < 0)
		put_back(pf, b);
	iscsi_flow_end(flow, ret);
}

/* Queue the new value on every record the change reaches whose value it
 * changes. */
static int queue_writes(struct param_flow *pf, struct iscsi_batch *b,
			const struct iscsi_node_record *recs, size_t n, struct esx_err *err)
{
	const struct model *now = model_current(pf->base.d);
	struct model next;
	int ret;

	if (!now)
		return err_set(err, EHOSTDOWN, "The configuration is not loaded");
	if (model_clone(now, &next) < 0)
		return err_set(err, ENOMEM, "out of memory");
	ret = change_model(&next, &pf->change, err);
	pf->undo = calloc(n ? n : 1, sizeof(*pf->undo));
	if (ret == 0 && !pf->undo)
		ret = err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; ret == 0 && i < n; i++) {
		struct iscsi_node_update up[ISCSI_PARAM_COUNT];
		struct undo_entry *u = &pf->undo[i];
		const char *key, *value;

		if (!iscsi_apply_reaches(&next, &pf->change.lv.at, pf->change.p, &recs[i]) ||
		    iscsi_apply_updates(&next, &recs[i], ISCSI_APPLY_ONE(pf->change.p), false,
					up) != 1)
			continue;
		snprintf(u->target, sizeof(u->target), "%s", recs[i].target);
		model_portal_format(recs[i].address, recs[i].port, u->portal, sizeof(u->portal));
		snprintf(u->iface, sizeof(u->iface), "%s", recs[i].iface);
		snprintf(u->old, sizeof(u->old), "%s", recs[i].values[pf->change.p]);
		key = up[0].key;
		value = up[0].value;
		if (iscsi_adm_node_update_pairs(b, u->target, u->portal, u->iface, &key, &value, 1,
						u) < 0)
			ret = err_set(err, ENOMEM, "out of memory");
	}
	if (ret == 0 && pf->change.p == ISCSI_P_RECOVERY_TIMEOUT)
		ret = iscsi_recovery_plan(&next, &pf->change.lv.at, recs, n, &pf->live, &pf->nlive,
					  err);
	model_free(&next);
	return ret;
}

/* What -k/-v/-D/--inherit ask for, checked. */
static int parse_change(struct esx_call *call, enum iscsi_level which, struct param_change *c)
{
	const char *key = args_str(&call->args, "key");
	const char *value = args_str(&call->args, "value");
	bool def = args_bool(&call->args, "default", false);
	bool inherit = which != ISCSI_FROM_ADAPTER && args_bool(&call->args, "inherit", false);
	const char *why = NULL;
	int p = iscsi_param_lookup(key);

	memset(c, 0, sizeof(*c));
	if (p < 0)
		return err_set(&call->err, EINVAL,
			       "Invalid key '%s': the iSCSI parameters are FirstBurstLength, MaxBurstLength, MaxRecvDataSegment, MaxOutstandingR2T, LoginTimeout, NoopOutInterval, NoopOutTimeout, RecoveryTimeout, DelayedAck, HeaderDigest, DataDigest (and, not settable, ErrorRecoveryLevel, InitialLoginRetryMax, InitialR2T, MaxCmds, ImmediateData, DefaultTime2Retain, DefaultTime2Wait, LogoutTimeout)",
			       key);
	c->p = p;
	if ((value != NULL) + def + inherit > 1)
		return err_set(&call->err, EINVAL, "%s",
			       which == ISCSI_FROM_ADAPTER
				       ? "Give either --value or --default, not both"
				       : "Give one of --value, --default or --inherit, not several");
	if (!value && !def && !inherit)
		return err_set_named(&call->err, EINVAL, ESX_ERR_MISSING_PARAMETER, "%s",
				     which == ISCSI_FROM_ADAPTER
					     ? "Give --value or --default"
					     : "Give --value, --default or --inherit");
	if (!iscsi_param_def(p)->settable)
		return err_set_named(&call->err, ENOTSUP, ESX_ERR_NOT_SUPPORTED,
				     "The iSCSI parameter %s is not settable",
				     iscsi_param_def(p)->key);
	c->how = value ? SET_VALUE : def ? SET_DEFAULT : SET_INHERIT;
	if (value && iscsi_param_parse(p, value, &c->value, &why) < 0)
		return err_set(&call->err, EINVAL, "Invalid value '%s' for %s: %s", value,
			       iscsi_param_def(p)->key, why);
	return parse_level(call, which, &c->lv);
}

static int param_set(struct esx_call *call, enum iscsi_level which)
{
	struct param_flow *pf = NULL;
	struct iscsi_node_record *recs = NULL;
	struct iscsi_batch *b = NULL;
	struct param_change c;
	const struct model *m;
	char what[96];
	size_t n = 0;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = parse_change(call, which, &c);
	if (ret == 0)
		ret = iscsi_node_records_read(&recs, &n, &call->err);
	if (ret == 0)
		ret = level_exists(m, &c.lv, recs, n, &call->err);
	if (ret < 0)
		goto out;
	if (!iscsi_node_key(c.p)) {
		/* DelayedAck: the routes, made by the commit's reconcile. */
		ret = iscsi_cmd_commit(call->daemon, change_model, &c, &call->err);
		goto out;
	}
	pf = calloc(1, sizeof(*pf));
	if (!pf) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	pf->change = c;
	snprintf(what, sizeof(what), "setting the iSCSI parameter %s", iscsi_param_def(c.p)->key);
	ret = iscsi_flow_begin(&pf->base, call, what, param_flow_free);
	if (ret < 0) {
		free(pf);
		goto out;
	}
	b = iscsi_flow_batch(&pf->base, 1, true);
	ret = b ? queue_writes(pf, b, recs, n, &call->err) : -ENOMEM;
	if (ret < 0) {
		iscsi_batch_free(b);
		ret = iscsi_flow_abort(&pf->base, ret);
		goto out;
	}
	if (iscsi_batch_count(b) == 0) {
		/* No record holds a different value: only the store (and the
		 * sessions) change. */
		iscsi_batch_free(b);
		ret = commit_live(pf, &call->err);
		ret = iscsi_flow_abort(&pf->base, ret);
		goto out;
	}
	ret = iscsi_flow_run(&pf->base, b, records_written);
	ret = ret < 0 ? iscsi_flow_abort(&pf->base, ret) : ESX_PENDING;
out:
	free(recs);
	return ret;
}

static int adapter_param_set(struct esx_call *call)
{
	return param_set(call, ISCSI_FROM_ADAPTER);
}

static int sendtarget_param_set(struct esx_call *call)
{
	return param_set(call, ISCSI_FROM_SENDTARGET);
}

static int portal_param_set(struct esx_call *call)
{
	return param_set(call, ISCSI_FROM_PORTAL);
}

const struct esx_command iscsi_param_commands[] = {
	{ "iscsi adapter param get", "List the iSCSI parameters of the iSCSI Host Bus Adapter.",
	  adapter_get_options, adapter_param_get, SHAPE_TABLE, &param_schema, VT_STRING,
	  CMD_READONLY },
	{ "iscsi adapter param set", "Set an iSCSI parameter of the iSCSI Host Bus Adapter.",
	  adapter_set_options, adapter_param_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter discovery sendtarget param get",
	  "List the iSCSI parameters of a sendtarget.", sendtarget_get_options,
	  sendtarget_param_get, SHAPE_TABLE, &param_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter discovery sendtarget param set", "Set an iSCSI parameter of a sendtarget.",
	  sendtarget_set_options, sendtarget_param_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter target portal param get",
	  "List the iSCSI parameters of a target portal.", portal_get_options, portal_param_get,
	  SHAPE_TABLE, &param_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter target portal param set", "Set an iSCSI parameter of a target portal.",
	  portal_set_options, portal_param_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace iscsi_param_namespaces[] = {
	{ "iscsi adapter param", "Operations that can be performed on iSCSI adapter parameters" },
	{ "iscsi adapter discovery sendtarget param",
	  "Operations that can be performed on iSCSI sendtarget parameters" },
	{ "iscsi adapter target portal", "Operations that can be performed on iSCSI target portals" },
	{ "iscsi adapter target portal param",
	  "Operations that can be performed on iSCSI target portal parameters" },
	{ NULL, NULL },
};
