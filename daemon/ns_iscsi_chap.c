/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli iscsi adapter auth chap`, `... discovery sendtarget auth chap` and
 * `... target portal auth chap` (get, set): CHAP at ESXi's three levels,
 * kept in the store (the secret only there, mode 0600, and in open-iscsi's
 * records) and written into the records the daemon owns as soon as it is
 * set (iscsi_chap.h). No reply ever carries a secret, not even its length;
 * the engine keeps -S out of the log (OPT_SECRET).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "iscsi_chap.h"
#include "iscsi_runtime.h"
#include "iscsi_settings.h"
#include "log.h"
#include "ns_iscsi_common.h"
#include "transaction.h"

/* How long a `set` waits for open-iscsi's lock to write the records. */
#define APPLY_TIMEOUT_MS 15000

/* ---- output ---- */

static const struct esx_field_def adapter_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Direction", VT_STRING, NULL },
	{ "Level", VT_STRING, NULL },
	{ "Name", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema adapter_schema = { "IscsiAdapterChap", adapter_fields };

static const struct esx_field_def sendtarget_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Sendtarget", VT_STRING, NULL },
	{ "Direction", VT_STRING, NULL },
	{ "Level", VT_STRING, NULL },
	{ "Name", VT_STRING, NULL },
	{ "Parent", VT_STRING, NULL },
	{ "Inheritance", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema sendtarget_schema = { "IscsiSendtargetChap", sendtarget_fields };

static const struct esx_field_def portal_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Address", VT_STRING, NULL },
	{ "TargetName", VT_STRING, NULL },
	{ "Method", VT_STRING, NULL },
	{ "Direction", VT_STRING, NULL },
	{ "Level", VT_STRING, NULL },
	{ "Name", VT_STRING, NULL },
	{ "Parent", VT_STRING, NULL },
	{ "Inheritance", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema portal_schema = { "IscsiTargetPortalChap", portal_fields };

/* ---- options ---- */

#define OPT_ADAPTER                                                                         \
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.", \
	  iscsi_cmd_complete_adapter }
#define OPT_DIRECTION                                                                       \
	{ "direction", 'd', OPT_ENUM, 0, "uni|mutual", 0, 0, NULL,                           \
	  "The iSCSI authentication direction ( [uni, mutual])", NULL }
#define OPT_SETTINGS                                                                        \
	{ "level", 'l', OPT_ENUM, 0, "prohibited|discouraged|preferred|required", 0, 0, NULL, \
	  "The iSCSI authentication level ( [prohibited, discouraged, preferred, required]). Mutual CHAP takes only prohibited and required, and required only over unidirectional CHAP required.", \
	  NULL },                                                                           \
	{ "authname", 'N', OPT_STRING, 0, NULL, 0, 0, NULL,                                  \
	  "The iSCSI authentication name (at most 255 printable ASCII characters).", NULL }, \
	{ "secret", 'S', OPT_STRING, OPT_SECRET, NULL, 0, 0, NULL,                           \
	  "The iSCSI authentication secret (at most 255 printable ASCII characters). Never shown.", \
	  NULL },                                                                           \
	{ "default", 'D', OPT_FLAG, 0, NULL, 0, 0, NULL,                                     \
	  "Resetting iSCSI CHAP authenthication setting to default.", NULL }
#define OPT_INHERIT                                                                         \
	{ "inherit", 'i', OPT_FLAG, 0, NULL, 0, 0, NULL,                                     \
	  "Inheriting iSCSI CHAP authentication setting from parent.", NULL }
#define OPT_SENDTARGET                                                                      \
	{ "address", 'a', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,                        \
	  "The iSCSI sendtarget address: <ip>[:port].", iscsi_cmd_complete_sendtarget }
#define OPT_PORTAL                                                                          \
	{ "address", 'a', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,                        \
	  "The iSCSI target address: <ip>[:port].", NULL },                                  \
	{ "name", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI target name.", NULL }

static const struct esx_option adapter_get_options[] = { OPT_ADAPTER, OPT_DIRECTION, { NULL } };
static const struct esx_option adapter_set_options[] = {
	OPT_ADAPTER, OPT_DIRECTION, OPT_SETTINGS, { NULL },
};
static const struct esx_option sendtarget_get_options[] = {
	OPT_ADAPTER, OPT_SENDTARGET, OPT_DIRECTION, { NULL },
};
static const struct esx_option sendtarget_set_options[] = {
	OPT_ADAPTER, OPT_SENDTARGET, OPT_DIRECTION, OPT_SETTINGS, OPT_INHERIT, { NULL },
};
static const struct esx_option portal_get_options[] = {
	OPT_ADAPTER, OPT_PORTAL, OPT_DIRECTION, { NULL },
};
static const struct esx_option portal_set_options[] = {
	OPT_ADAPTER, OPT_PORTAL, OPT_DIRECTION, OPT_SETTINGS, OPT_INHERIT, { NULL },
};

/* ---- the level a command is about ---- */

enum chap_at { AT_ADAPTER, AT_SENDTARGET, AT_PORTAL };

struct chap_where {
	enum chap_at at;
	char address[MODEL_ADDR_MAX];
	unsigned port;
	char name[ISCSI_NAME_MAX];
	char portal[MODEL_PORTAL_TEXT_MAX];
	char text[ISCSI_NAME_MAX + 64];        /* for messages */
};

static const char *const direction_names[] = { "uni", "mutual" };

static int where_of(struct esx_call *call, const struct model *m, enum chap_at at,
		    struct chap_where *w)
{
	bool known = false;
	int ret;

	memset(w, 0, sizeof(*w));
	w->at = at;
	if (at == AT_ADAPTER) {
		snprintf(w->text, sizeof(w->text), "the adapter %s", m->iscsi.adapter);
		return 0;
	}
	ret = iscsi_cmd_portal(call, args_str(&call->args, "address"), w->address, &w->port);
	if (ret < 0)
		return ret;
	model_portal_format(w->address, w->port, w->portal, sizeof(w->portal));
	if (at == AT_SENDTARGET) {
		snprintf(w->text, sizeof(w->text), "sendtarget %s", w->portal);
		if (!model_iscsi_sendtarget(m, w->address, w->port))
			return err_set(&call->err, ENOENT, "Unable to find sendtarget %s on %s",
				       w->portal, m->iscsi.adapter);
		return 0;
	}
	ret = iscsi_cmd_target_name(call, args_str(&call->args, "name"));
	if (ret < 0)
		return ret;
	snprintf(w->name, sizeof(w->name), "%s", args_str(&call->args, "name"));
	snprintf(w->text, sizeof(w->text), "target %s at %s", w->name, w->portal);
	iscsi_chap_portal_parent(m, w->name, w->address, w->port, &known);
	if (!known)
		return err_set(&call->err, ENOENT,
			       "Unable to find target portal %s at %s on %s: discover it (storage core adapter rescan) or add it as a static target",
			       w->name, w->portal, m->iscsi.adapter);
	return 0;
}

/* The settings the level keeps (NULL: a target portal with none yet), and
 * its parent sendtarget (a portal's, or NULL). */
static struct iscsi_settings *own_settings(const struct model *m, const struct chap_where *w,
					   const struct iscsi_sendtarget **parent)
{
	struct iscsi_sendtarget *st;
	struct iscsi_target_portal *tp;
	bool known;

	*parent = NULL;
	switch (w->at) {
	case AT_ADAPTER:
		return (struct iscsi_settings *)&m->iscsi.settings;
	case AT_SENDTARGET:
		st = model_iscsi_sendtarget(m, w->address, w->port);
		return st ? &st->settings : NULL;
	default:
		*parent = iscsi_chap_portal_parent(m, w->name, w->address, w->port, &known);
		tp = model_iscsi_portal(m, w->address, w->port, w->name);
		return tp ? &tp->settings : NULL;
	}
}

/* The effective settings at the level (with the portal's parent). */
static void effective_at(const struct model *m, const struct chap_where *w,
			 struct iscsi_effective *e)
{
	const struct iscsi_sendtarget *parent;
	const struct iscsi_target_portal *tp = NULL;

	own_settings(m, w, &parent);
	if (w->at == AT_SENDTARGET)
		parent = model_iscsi_sendtarget(m, w->address, w->port);
	if (w->at == AT_PORTAL)
		tp = model_iscsi_portal(m, w->address, w->port, w->name);
	iscsi_settings_resolve(m, parent, tp, e);
}

/* ---- get ---- */

static int chap_get(struct esx_call *call, enum chap_at at)
{
	const char *direction = args_str(&call->args, "direction");
	const struct iscsi_sendtarget *parent;
	const struct iscsi_settings *own;
	struct iscsi_effective e;
	struct chap_where w;
	const struct model *m;
	char parent_text[MODEL_PORTAL_TEXT_MAX];
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = where_of(call, m, at, &w);
	if (ret < 0)
		return ret;
	own = own_settings(m, &w, &parent);
	effective_at(m, &w, &e);
	if (parent)
		model_portal_format(parent->address, parent->port, parent_text, sizeof(parent_text));
	else
		snprintf(parent_text, sizeof(parent_text), "%s", m->iscsi.adapter);
	for (int d = 0; d < CHAP_DIRECTIONS; d++) {
		const struct iscsi_chap_setting *c = &e.chap[d];
		struct esx_record *rec;
		char heading[ISCSI_NAME_MAX + 2 * MODEL_PORTAL_TEXT_MAX + 32];

		if (direction && strcmp(direction, direction_names[d]) != 0)
			continue;
		if (at == AT_ADAPTER)
			snprintf(heading, sizeof(heading), "%s,%s", m->iscsi.adapter,
				 direction_names[d]);
		else if (at == AT_SENDTARGET)
			snprintf(heading, sizeof(heading), "%s,%s,%s", m->iscsi.adapter, w.portal,
				 direction_names[d]);
		else
			snprintf(heading, sizeof(heading), "%s,%s,%s,%s", m->iscsi.adapter, w.name,
				 w.portal, direction_names[d]);
		rec = result_record(call->result, heading);
		rec_str(rec, "Adapter", m->iscsi.adapter);
		if (at == AT_SENDTARGET)
			rec_str(rec, "Sendtarget", w.portal);
		if (at == AT_PORTAL) {
			rec_str(rec, "Address", w.portal);
			rec_str(rec, "TargetName", w.name);
			rec_str(rec, "Method", "chap");
		}
		rec_str(rec, "Direction", direction_names[d]);
		rec_str(rec, "Level", chap_level_name(c->level));
		/* The name only: never the secret, nor whether it is long. */
		rec_str(rec, "Name", c->level == CHAP_PROHIBITED ? "" : c->name);
		if (at != AT_ADAPTER) {
			rec_str(rec, "Parent", parent_text);
			rec_bool(rec, "Inheritance", !own || !own->chap[d].set);
		}
	}
	explicit_bzero(&e, sizeof(e));
	return 0;
}

static int adapter_get(struct esx_call *call)
{
	return chap_get(call, AT_ADAPTER);
}

static int sendtarget_get(struct esx_call *call)
{
	return chap_get(call, AT_SENDTARGET);
}

static int portal_get(struct esx_call *call)
{
	return chap_get(call, AT_PORTAL);
}

/* ---- set ---- */

struct chap_change {
	struct chap_where where;
	enum chap_direction direction;
	bool to_default, inherit;
	bool has_level;
	enum chap_level level;
	const char *name, *secret;   /* NULL: not given */
};

static int check_one(const struct model *m, const struct iscsi_sendtarget *st,
		     const struct iscsi_target_portal *tp, const char *where, struct esx_err *err)
{
	struct iscsi_effective e;
	int ret;

	iscsi_settings_resolve(m, st, tp, &e);
	ret = iscsi_chap_check(&e, where, err);
	explicit_bzero(&e, sizeof(e));
	return ret;
}

/* Every level the change reaches still follows the rules: the level
 * itself, and below it what inherits from it. */
static int check_all(const struct model *m, const struct chap_change *c, struct esx_err *err)
{
	char where[ISCSI_NAME_MAX + 64];
	int ret = 0;

	if (c->where.at == AT_ADAPTER)
		ret = check_one(m, NULL, NULL, c->where.text, err);
	for (size_t i = 0; ret == 0 && c->where.at != AT_PORTAL && i < m->iscsi.nsendtargets; i++) {
		const struct iscsi_sendtarget *st = &m->iscsi.sendtargets[i];
		char portal[MODEL_PORTAL_TEXT_MAX];

		if (c->where.at == AT_SENDTARGET &&
		    (strcmp(st->address, c->where.address) || st->port != c->where.port))
			continue;
		model_portal_format(st->address, st->port, portal, sizeof(portal));
		snprintf(where, sizeof(where), "sendtarget %s", portal);
		ret = check_one(m, st, NULL, where, err);
	}
	for (size_t i = 0; ret == 0 && i < m->iscsi.nportals; i++) {
		const struct iscsi_target_portal *tp = &m->iscsi.portals[i];
		const struct iscsi_sendtarget *parent;
		char portal[MODEL_PORTAL_TEXT_MAX];
		bool known;

		parent = iscsi_chap_portal_parent(m, tp->name, tp->address, tp->port, &known);
		if (c->where.at == AT_SENDTARGET &&
		    (!parent || strcmp(parent->address, c->where.address) ||
		     parent->port != c->where.port))
			continue;
		if (c->where.at == AT_PORTAL &&
		    (strcmp(tp->address, c->where.address) || tp->port != c->where.port ||
		     strcasecmp(tp->name, c->where.name)))
			continue;
		model_portal_format(tp->address, tp->port, portal, sizeof(portal));
		snprintf(where, sizeof(where), "target %s at %s", tp->name, portal);
		ret = check_one(m, parent, tp, where, err);
	}
	if (ret == 0 && c->where.at == AT_PORTAL &&
	    !model_iscsi_portal(m, c->where.address, c->where.port, c->where.name)) {
		/* Back to inheriting: the portal's parent decides. */
		const struct iscsi_sendtarget *parent;
		bool known;

		parent = iscsi_chap_portal_parent(m, c->where.name, c->where.address, c->where.port,
						  &known);
		ret = check_one(m, parent, NULL, c->where.text, err);
	}
	return ret;
}

static int chap_set_change(struct model *next, void *data, struct esx_err *err)
{
	struct chap_change *c = data;
	const struct iscsi_sendtarget *parent;
	struct iscsi_settings *own = own_settings(next, &c->where, &parent);
	struct iscsi_target_portal *tp = NULL;
	struct iscsi_chap_setting value;
	struct iscsi_effective e;
	int ret;

	if (!own && c->where.at == AT_SENDTARGET)
		return err_set(err, ENOENT, "Unable to find sendtarget %s on %s", c->where.portal,
			       next->iscsi.adapter);
	if (!own && c->where.at == AT_PORTAL && !c->inherit) {
		tp = model_iscsi_add_portal(next);
		if (!tp)
			return err_set(err, ENOMEM, "out of memory");
		snprintf(tp->address, sizeof(tp->address), "%s", c->where.address);
		tp->port = c->where.port;
		snprintf(tp->name, sizeof(tp->name), "%s", c->where.name);
		own = &tp->settings;
	}
	/* What the level has now: its own, else what it inherits. */
	effective_at(next, &c->where, &e);
	value = e.chap[c->direction];
	explicit_bzero(&e, sizeof(e));
	if (c->inherit || (c->to_default && c->where.at == AT_ADAPTER)) {
		memset(&value, 0, sizeof(value));
	} else if (c->to_default) {
		memset(&value, 0, sizeof(value));
		value.set = true;
	} else {
		value.set = true;
		if (c->has_level)
			value.level = c->level;
		if (c->name)
			snprintf(value.name, sizeof(value.name), "%s", c->name);
		if (c->secret)
			snprintf(value.secret, sizeof(value.secret), "%s", c->secret);
		if (value.level == CHAP_PROHIBITED && (c->name || c->secret)) {
			explicit_bzero(&value, sizeof(value));
			return err_set(err, EINVAL,
				       "A CHAP name or secret makes no sense at level prohibited: give -l|--level too");
		}
		if (value.level == CHAP_PROHIBITED) {
			memset(value.name, 0, sizeof(value.name));
			explicit_bzero(value.secret, sizeof(value.secret));
		}
	}
	if (own) {
		explicit_bzero(&own->chap[c->direction], sizeof(own->chap[c->direction]));
		own->chap[c->direction] = value;
	}
	explicit_bzero(&value, sizeof(value));
	if (c->where.at == AT_PORTAL) {
		/* Only portals with settings of their own are kept. */
		tp = model_iscsi_portal(next, c->where.address, c->where.port, c->where.name);
		if (tp && model_iscsi_settings_empty(&tp->settings))
			model_iscsi_remove_portal(next, tp);
	}
	ret = check_all(next, c, err);
	return ret;
}

/* A set waits for the records to be written; if they cannot all be, the
 * level's old value is committed again and written back, so that the store
 * and the records never disagree for long. */
struct chap_apply {
	struct esx_call *call;            /* NULL once its client has gone */
	struct esxd *d;
	struct iscsi_runtime *rt;
	struct iscsi_chap_job *job;
	struct chap_where where;
	enum chap_direction direction;
	struct iscsi_chap_setting before;  /* .set false: inherited (or default) */
};

static void apply_free(void *work)
{
	struct chap_apply *a = work;

	iscsi_chap_job_free(a->job);
	explicit_bzero(a, sizeof(*a));
	free(a);
}

/* Put the level's old value back (iscsi_cmd_commit's change). */
static int chap_restore_change(struct model *next, void *data, struct esx_err *err)
{
	const struct chap_apply *a = data;
	const struct iscsi_sendtarget *parent;
	struct iscsi_settings *own = own_settings(next, &a->where, &parent);
	struct iscsi_target_portal *tp;

	if (!own && a->where.at == AT_PORTAL && a->before.set) {
		tp = model_iscsi_add_portal(next);
		if (!tp)
			return err_set(err, ENOMEM, "out of memory");
		snprintf(tp->address, sizeof(tp->address), "%s", a->where.address);
		tp->port = a->where.port;
		snprintf(tp->name, sizeof(tp->name), "%s", a->where.name);
		own = &tp->settings;
	}
	if (!own)
		return 0;    /* a sendtarget removed meanwhile: nothing to restore */
	explicit_bzero(&own->chap[a->direction], sizeof(own->chap[a->direction]));
	own->chap[a->direction] = a->before;
	if (a->where.at == AT_PORTAL) {
		tp = model_iscsi_portal(next, a->where.address, a->where.port, a->where.name);
		if (tp && model_iscsi_settings_empty(&tp->settings))
			model_iscsi_remove_portal(next, tp);
	}
	return 0;
}

static void restored(int ret, const char *why, void *data)
{
	struct chap_apply *a = data;

	if (ret < 0)
		log_err("CHAP: open-iscsi's records not written back after a failed set: %s (a rescan writes them again)",
			why);
	iscsi_runtime_disown(a->rt, a);
	apply_free(a);
}

/* The set failed half way: the old value back in the store, then in the
 * records, in the background. Takes a in every case. */
static void apply_undo(struct chap_apply *a)
{
	struct esx_err err = { 0 };

	iscsi_chap_job_free(a->job);
	a->job = NULL;
	if (iscsi_cmd_commit(a->d, chap_restore_change, a, &err) < 0) {
		log_err("CHAP: the old settings of %s not restored: %s", a->where.text, err.text);
	} else if (iscsi_chap_apply(a->d, false, APPLY_TIMEOUT_MS, restored, a, &a->job,
				    &err) == 0) {
		return;      /* restored() frees a */
	} else {
		log_err("CHAP: open-iscsi's records not written back: %s", err.text);
	}
	iscsi_runtime_disown(a->rt, a);
	apply_free(a);
}

static void apply_cancel(struct esx_call *call)
{
	struct chap_apply *a = call->handler_data;

	/* The records are written anyway: the store already says so. */
	a->call = NULL;
}

static void applied(int ret, const char *why, void *data)
{
	struct chap_apply *a = data;
	struct esx_call *call = a->call;

	if (ret < 0)
		log_warn("CHAP settings of %s not set: open-iscsi's records could not all be written: %s",
			 a->where.text, why);
	if (call) {
		call->cancel = NULL;
		call->handler_data = NULL;
		if (ret < 0)
			err_set(&call->err, -ret,
				"Unable to write the CHAP settings to open-iscsi's records: %s. Nothing was changed.",
				why);
		call_finish(call, ret < 0 ? ret : 0);
		a->call = NULL;
	}
	if (ret < 0) {
		apply_undo(a);
		return;
	}
	iscsi_runtime_disown(a->rt, a);
	apply_free(a);
}

static int start_apply(struct esx_call *call, struct iscsi_runtime *rt,
		       const struct chap_change *c, const struct iscsi_chap_setting *before)
{
	struct chap_apply *a = calloc(1, sizeof(*a));
	int ret;

	if (!a || iscsi_runtime_adopt(rt, a, apply_free) < 0) {
		free(a);
		return err_set(&call->err, ENOMEM, "out of memory");
	}
	a->call = call;
	a->d = call->daemon;
	a->rt = rt;
	a->where = c->where;
	a->direction = c->direction;
	a->before = *before;
	ret = iscsi_chap_apply(call->daemon, false, APPLY_TIMEOUT_MS, applied, a, &a->job,
			       &call->err);
	if (ret < 0) {
		a->call = NULL;
		apply_undo(a);
		return ret;
	}
	call->handler_data = a;
	call->cancel = apply_cancel;
	return ESX_PENDING;
}

static int chap_set(struct esx_call *call, enum chap_at at)
{
	const struct esx_args *args = &call->args;
	const char *direction = args_str(args, "direction");
	const char *level = args_str(args, "level");
	bool inherit = at != AT_ADAPTER && args_has(args, "inherit");
	struct iscsi_chap_setting before = { 0 };
	const struct iscsi_sendtarget *parent;
	const struct iscsi_settings *own;
	struct iscsi_runtime *rt;
	struct chap_change c;
	const struct model *m;
	int ret = iscsi_cmd_enabled(call, args_str(args, "adapter"), &m);

	if (ret == 0)
		ret = iscsi_cmd_runtime(call, &rt);
	if (ret < 0)
		return ret;
	memset(&c, 0, sizeof(c));
	ret = where_of(call, m, at, &c.where);
	if (ret < 0)
		return ret;
	c.direction = direction && strcmp(direction, "mutual") == 0 ? CHAP_MUTUAL : CHAP_UNI;
	c.to_default = args_has(args, "default");
	c.inherit = inherit;
	c.has_level = level != NULL;
	if (level && chap_level_parse(level, &c.level) < 0)
		return err_set(&call->err, EINVAL, "Invalid CHAP level '%s'", level);
	c.name = args_str(args, "authname");
	c.secret = args_str(args, "secret");
	if ((c.to_default || c.inherit) && (level || c.name || c.secret))
		return err_set(&call->err, EINVAL, "%s cannot be combined with -l, -N or -S",
			       c.inherit ? "--inherit" : "-D|--default");
	if (c.to_default && c.inherit)
		return err_set(&call->err, EINVAL, "-D|--default and --inherit exclude each other");
	if (!c.to_default && !c.inherit && !level && !c.name && !c.secret)
		return err_set(&call->err, EINVAL, "Nothing to set: give -l|--level, -N|--authname, -S|--secret%s",
			       at == AT_ADAPTER ? " or -D|--default" : ", -D|--default or --inherit");
	if (c.direction == CHAP_MUTUAL && c.has_level && c.level != CHAP_PROHIBITED &&
	    c.level != CHAP_REQUIRED)
		return err_set(&call->err, EINVAL,
			       "Mutual CHAP can only be prohibited or required, not %s", level);
	own = own_settings(m, &c.where, &parent);
	if (own)
		before = own->chap[c.direction];
	ret = iscsi_cmd_commit(call->daemon, chap_set_change, &c, &call->err);
	if (ret == 0)
		/* The records follow now: the next login (open-iscsi's own,
		 * at boot or on a reconnect, too) uses the new settings. */
		ret = start_apply(call, rt, &c, &before);
	explicit_bzero(&before, sizeof(before));
	return ret;
}

static int adapter_set(struct esx_call *call)
{
	return chap_set(call, AT_ADAPTER);
}

static int sendtarget_set(struct esx_call *call)
{
	return chap_set(call, AT_SENDTARGET);
}

static int portal_set(struct esx_call *call)
{
	return chap_set(call, AT_PORTAL);
}

const struct esx_command iscsi_chap_commands[] = {
	{ "iscsi adapter auth chap get",
	  "Get the iSCSI CHAP authentication for the iSCSI Host Bus Adapter.", adapter_get_options,
	  adapter_get, SHAPE_STRUCTS, &adapter_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter auth chap set",
	  "Set the iSCSI CHAP authentication for the iSCSI Host Bus Adapter.", adapter_set_options,
	  adapter_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter discovery sendtarget auth chap get",
	  "Get iSCSI CHAP authentication on a sendtarget address.", sendtarget_get_options,
	  sendtarget_get, SHAPE_STRUCTS, &sendtarget_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter discovery sendtarget auth chap set",
	  "Set iSCSI CHAP authentication on a sendtarget address.", sendtarget_set_options,
	  sendtarget_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter target portal auth chap get",
	  "Get iSCSI CHAP authentication on a target portal.", portal_get_options, portal_get,
	  SHAPE_STRUCTS, &portal_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter target portal auth chap set",
	  "Set iSCSI CHAP authentication on a target portal.", portal_set_options, portal_set,
	  SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace iscsi_chap_namespaces[] = {
	{ "iscsi adapter auth", "Operations that can be performed on iSCSI authentication" },
	{ "iscsi adapter auth chap", "Operations that can be performed on iSCSI CHAP authentication" },
	{ "iscsi adapter discovery sendtarget auth",
	  "Operations that can be performed on iSCSI sendtarget authentication" },
	{ "iscsi adapter discovery sendtarget auth chap",
	  "Operations that can be performed on iSCSI sendtarget CHAP authentication" },
	{ "iscsi adapter target portal", "Operations that can be performed on iSCSI target portals" },
	{ "iscsi adapter target portal auth",
	  "Operations that can be performed on iSCSI target portal authentication" },
	{ "iscsi adapter target portal auth chap",
	  "Operations that can be performed on iSCSI target portal CHAP authentication" },
	{ NULL, NULL },
};
