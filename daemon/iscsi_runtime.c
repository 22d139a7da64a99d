/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The software iSCSI adapter between commands: binding compliance followed
 * after every reconcile pass, background rediscovery, rescans and logins,
 * and the one-change-at-a-time claim.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compliance.h"
#include "daemon.h"
#include "iscsi_adm.h"
#include "iscsi_batch.h"
#include "iscsi_param_sync.h"
#include "nmp_runtime.h"
#include "iscsi_chap.h"
#include "iscsi_idbm.h"
#include "iscsi_reach.h"
#include "iscsi_ownership.h"
#include "iscsi_runtime.h"
#include "iscsi_state.h"
#include "iscsi_topology.h"
#include "log.h"
#include "loop.h"
#include "reconcile.h"
#include "transaction.h"

#define DEFAULT_IFACE "default"
#define DISCOVERY_PARALLEL 4
#define LOGIN_PARALLEL 8

/* What a binding was last seen as. */
struct remembered {
	char vmk[MODEL_IFNAME_MAX];
	enum compliance_fault fault;
};

struct background {
	struct iscsi_runtime *rt;
	struct iscsi_batch *batch;
	char what[96];
};

struct adopted {
	void *work;
	void (*free_fn)(void *work);
};

struct iscsi_runtime {
	struct esxd *d;
	struct adopted *adopted;
	size_t nadopted;
	bool claimed;
	char claim_what[96];
	struct remembered *seen;
	size_t nseen;
	struct background **bg;
	size_t nbg;
	struct iscsi_discovery_status disc;
	struct iscsi_batch *rediscovery;   /* the background rediscovery running */
	struct esx_strv rediscovery_ifaces;
	struct esx_strv rediscovery_portals;   /* its batch's tags point here */
	struct iscsi_chap_job *chap;           /* CHAP lines before the rediscovery */
	struct iscsi_chap_job *chap_after;     /* ... and after it, in the background */
	struct esx_strv rediscovery_skipped;   /* sendtargets no binding can reach */
	struct iscsi_batch *startup;   /* the start-up repairs, while they run */
	bool started;
	void (*started_fn)(void *data);
	void *started_data;
};

/* ---- lines of results ---------------------------------------------------- */

static int add_line(struct iscsi_discovery_line **lines, size_t *n, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_line(struct iscsi_discovery_line **lines, size_t *n, bool ok, const char *fmt, ...)
{
	struct iscsi_discovery_line *grown = realloc(*lines, (*n + 1) * sizeof(*grown));
	va_list ap;

	if (!grown)
		return -ENOMEM;
	*lines = grown;
	va_start(ap, fmt);
	vsnprintf(grown[*n].text, sizeof(grown[*n].text), fmt, ap);
	va_end(ap);
	grown[*n].ok = ok;
	(*n)++;
	return 0;
}

/* ---- the claim ------------------------------------------------------------ */

int iscsi_runtime_claim(struct iscsi_runtime *rt, const char *what, struct esx_err *err)
{
	if (rt->claimed)
		return err_set_named(err, EBUSY, "Busy",
				     "Another iSCSI operation is in progress (%s); try again when it has finished",
				     rt->claim_what);
	rt->claimed = true;
	snprintf(rt->claim_what, sizeof(rt->claim_what), "%s", what);
	return 0;
}

void iscsi_runtime_release(struct iscsi_runtime *rt)
{
	rt->claimed = false;
	rt->claim_what[0] = '\0';
}

/* ---- work that may outlive its command ----------------------------------- */

int iscsi_runtime_adopt(struct iscsi_runtime *rt, void *work, void (*free_fn)(void *work))
{
	struct adopted *grown = realloc(rt->adopted, (rt->nadopted + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	rt->adopted = grown;
	grown[rt->nadopted].work = work;
	grown[rt->nadopted].free_fn = free_fn;
	rt->nadopted++;
	return 0;
}

void iscsi_runtime_disown(struct iscsi_runtime *rt, void *work)
{
	for (size_t i = 0; i < rt->nadopted; i++) {
		if (rt->adopted[i].work == work) {
			rt->adopted[i] = rt->adopted[--rt->nadopted];
			return;
		}
	}
}

/* ---- background batches -------------------------------------------------- */

static void drop_background(struct iscsi_runtime *rt, struct background *bg)
{
	for (size_t i = 0; i < rt->nbg; i++) {
		if (rt->bg[i] == bg) {
			rt->bg[i] = rt->bg[--rt->nbg];
			break;
		}
	}
	iscsi_batch_free(bg->batch);
	free(bg);
}

/* "what: iscsiadm ... failed (exit N): ..." for each item that failed. */
static void log_failures(struct iscsi_batch *b, const char *what)
{
	char text[600];

	for (size_t i = 0; i < iscsi_batch_count(b); i++) {
		const struct iscsi_batch_item *item = iscsi_batch_item(b, i);

		if (item->ok)
			continue;
		iscsi_batch_describe(item, text, sizeof(text));
		log_warn("%s: %s", what, text);
	}
}

static void background_done(struct iscsi_batch *b, void *data)
{
	struct background *bg = data;

	log_failures(b, bg->what);
	drop_background(bg->rt, bg);
}

void iscsi_runtime_background(struct iscsi_runtime *rt, struct iscsi_batch *b,
			      const char *what)
{
	struct background *bg = NULL, **grown;
	struct esx_err err = { 0 };

	if (iscsi_batch_count(b) == 0)
		goto fail;
	bg = calloc(1, sizeof(*bg));
	grown = bg ? realloc(rt->bg, (rt->nbg + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		log_err("%s: out of memory", what);
		goto fail;
	}
	rt->bg = grown;
	bg->rt = rt;
	bg->batch = b;
	snprintf(bg->what, sizeof(bg->what), "%s", what);
	if (iscsi_batch_start(b, background_done, bg, &err) < 0) {
		log_err("%s: %s", what, err.text);
		goto fail;
	}
	rt->bg[rt->nbg++] = bg;
	return;
fail:
	free(bg);
	iscsi_batch_free(b);
}

/* ---- compliance, after every reconcile pass ------------------------------ */

static struct remembered *seen_of(struct iscsi_runtime *rt, const char *vmk)
{
	for (size_t i = 0; i < rt->nseen; i++) {
		if (strcmp(rt->seen[i].vmk, vmk) == 0)
			return &rt->seen[i];
	}
	return NULL;
}

/* Queue node.startup for every record through vmk's iface. */
static void queue_startup(struct iscsi_batch *b, const char *vmk, bool automatic)
{
	if (iscsi_adm_node_update_iface(b, vmk, "node.startup", automatic ? "automatic" : "manual",
					NULL) < 0)
		log_err("Unable to queue node.startup for %s: out of memory", vmk);
}

/* Compare every binding's compliance with what was seen before; log the
 * changes and queue their node.startup on b. first: at start-up, where a
 * binding that does not comply is logged once too. */
static void judge_bindings(struct iscsi_runtime *rt, const struct model *m, bool first,
			   struct iscsi_batch *b)
{
	struct esx_err err = { 0 };
	struct topology t;
	size_t kept = 0;

	if (iscsi_topology_take(rt->d->net, m, &t, &err) < 0) {
		log_debug("iSCSI binding compliance not checked: %s", err.text);
		return;
	}
	for (size_t i = 0; i < m->iscsi.nbindings; i++) {
		const struct iscsi_binding *bind = &m->iscsi.bindings[i];
		struct remembered *r = seen_of(rt, bind->vmk), *grown;
		struct compliance c;

		compliance_check(m, &t, m->iscsi.adapter, bind->vmk, bind->uplink, &c);
		if (!r) {
			grown = realloc(rt->seen, (rt->nseen + 1) * sizeof(*grown));
			if (!grown)
				continue;
			rt->seen = grown;
			r = &rt->seen[rt->nseen++];
			snprintf(r->vmk, sizeof(r->vmk), "%s", bind->vmk);
			r->fault = c.fault;
			if (first && c.fault != COMPLIANT) {
				log_warn("binding %s to %s is not compliant: %s: %s Remedy: %s", bind->vmk,
					 m->iscsi.adapter, compliance_fault_name(c.fault), c.message,
					 c.remedy);
				queue_startup(b, bind->vmk, false);
			}
			continue;
		}
		if (r->fault == c.fault)
			continue;
		if (c.fault != COMPLIANT) {
			log_warn("binding %s to %s is no longer compliant: %s: %s Remedy: %s",
				 bind->vmk, m->iscsi.adapter, compliance_fault_name(c.fault),
				 c.message, c.remedy);
			queue_startup(b, bind->vmk, false);
		} else {
			log_notice("binding %s to %s complies again", bind->vmk, m->iscsi.adapter);
			queue_startup(b, bind->vmk, true);
		}
		r->fault = c.fault;
	}
	/* Forget the bindings that are gone. */
	for (size_t i = 0; i < rt->nseen; i++) {
		if (model_iscsi_binding(m, rt->seen[i].vmk))
			rt->seen[kept++] = rt->seen[i];
	}
	rt->nseen = kept;
	iscsi_topology_free(&t);
}

static void on_reconcile_pass(const struct model *m, int ret, void *data)
{
	struct iscsi_runtime *rt = data;
	struct iscsi_batch *b = iscsi_batch_new(rt->d->loop, 1, false, 0);

	(void)ret;
	if (!b) {
		log_err("iSCSI binding compliance not checked: out of memory");
		return;
	}
	judge_bindings(rt, m, false, b);
	iscsi_runtime_background(rt, b, "updating node.startup after a compliance change");
}

int iscsi_runtime_usable_bindings(struct iscsi_runtime *rt, const struct model *m,
				  struct esx_strv *out, struct esx_err *err)
{
	struct topology t;
	int ret = iscsi_topology_take(rt->d->net, m, &t, err);

	if (ret < 0)
		return ret;
	for (size_t i = 0; ret == 0 && i < m->iscsi.nbindings; i++) {
		const struct iscsi_binding *bind = &m->iscsi.bindings[i];
		struct compliance c;

		compliance_check(m, &t, m->iscsi.adapter, bind->vmk, bind->uplink, &c);
		if (c.fault == COMPLIANT && strv_add(out, bind->vmk) < 0)
			ret = err_set(err, ENOMEM, "out of memory");
	}
	iscsi_topology_free(&t);
	return ret;
}

/* ---- iSCSI parameters on the node records ------------------------------- */

/* Give every record the adapter owns the stored parameters it lacks
 * (records a discovery just made start from iscsid.conf), and tell the
 * reconciler which portals they reach (DelayedAck). Queued on b, or with
 * b NULL run in the background. */
static void queue_record_settings(struct iscsi_runtime *rt, struct iscsi_batch *b,
				  const struct model *m)
{
	struct iscsi_batch *own = b ? NULL : iscsi_batch_new(rt->d->loop, 1, false, 0);
	struct esx_err err = { 0 };

	if (!m->iscsi.enabled || (!b && !own)) {
		iscsi_batch_free(own);
		return;
	}
	if (iscsi_param_sync_queue(rt->d, b ? b : own, m, &err) < 0)
		log_warn("iSCSI parameters not applied to the node records: %s", err.text);
	if (own)
		iscsi_runtime_background(rt, own, "applying the stored iSCSI parameters");
}

/* ---- records that cannot work --------------------------------------------- */

static bool has_session(const struct iscsi_session_info *s, size_t n,
			const struct iscsi_node_info *node)
{
	for (size_t i = 0; i < n; i++) {
		if (iscsi_ownership_session_of(&s[i], node))
			return true;
	}
	return false;
}

/* Delete every record of a bound vmk that cannot reach its portal
 * (discovery through several ifaces makes one per iface and portal,
 * PITFALLS.md), with a line each. One with a session stays: the network
 * says otherwise. Deleted here, not with iscsiadm (iscsi_idbm.h). */
static int prune(const struct model *m, struct iscsi_discovery_line **lines, size_t *n)
{
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_node_info *nodes = NULL;
	struct esx_err err = { 0 };
	size_t nnodes = 0, nsessions = 0;
	int ret = 0;

	if (m->iscsi.nbindings == 0)
		return 0;
	if (iscsi_state_nodes(&nodes, &nnodes, &err) < 0 ||
	    iscsi_state_sessions(&sessions, &nsessions, &err) < 0) {
		log_warn("Node records that cannot work not looked for: %s", err.text);
		goto out;
	}
	for (size_t i = 0; ret == 0 && i < nnodes; i++) {
		const struct iscsi_node_info *node = &nodes[i];
		char portal[MODEL_PORTAL_TEXT_MAX];

		if (!iscsi_ownership_unreachable(m, node) || has_session(sessions, nsessions, node))
			continue;
		model_portal_format(node->address, node->port, portal, sizeof(portal));
		err_reset(&err);
		if (iscsi_idbm_delete_node(node, &err) < 0) {
			log_warn("%s", err.text);
			ret = add_line(lines, n, false,
				       "Node record of %s at %s through %s, which %s cannot reach, not deleted: %s",
				       node->target, portal, node->iface, node->iface, err.text);
			continue;
		}
		log_info("Deleted the node record of %s at %s through %s: %s cannot reach %s",
			 node->target, portal, node->iface, node->iface, node->address);
		ret = add_line(lines, n, true,
			       "Node record of %s at %s through %s deleted: %s cannot reach %s",
			       node->target, portal, node->iface, node->iface, node->address);
	}
out:
	free(nodes);
	free(sessions);
	return ret;
}

/* ---- discovery ------------------------------------------------------------ */

const struct iscsi_discovery_status *iscsi_runtime_discovery(const struct iscsi_runtime *rt)
{
	return &rt->disc;
}

static void count_target(const struct iscsi_adm_discovered *rec, void *data)
{
	if (strv_add_unique(data, rec->target) < 0)
		log_err("out of memory counting discovered targets");
}

/* One line per sendtarget skipped, then per discovery command of b (tags:
 * "PORTAL through IFACES"); b may be NULL. */
static int discovery_lines(struct iscsi_batch *b, const struct esx_strv *skipped,
			   struct iscsi_discovery_line **lines, size_t *n)
{
	for (size_t i = 0; i < skipped->len; i++) {
		if (add_line(lines, n, false, "%s", skipped->items[i]) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; b && i < iscsi_batch_count(b); i++) {
		const struct iscsi_batch_item *item = iscsi_batch_item(b, i);
		const char *what = item->tag;
		struct esx_strv targets = { 0 };
		char why[600];
		int ret;

		if (item->ok) {
			iscsi_adm_parse_discovery(item->out, count_target, &targets);
			ret = add_line(lines, n, true, "Discovery at %s: %zu target%s found", what,
				       targets.len, targets.len == 1 ? "" : "s");
			strv_free(&targets);
		} else if (item->status == ISCSI_ADM_ERR_LOGIN_AUTH_FAILED) {
			/* The tag is "PORTAL through IFACES". */
			int portal_len = (int)strcspn(what, " ");

			ret = add_line(lines, n, false,
				       "Discovery at %s failed: authentication failed at the sendtarget (check its CHAP settings: iscsi adapter discovery sendtarget auth chap get -a %.*s)",
				       what, portal_len, what);
		} else {
			iscsi_batch_describe(item, why, sizeof(why));
			ret = add_line(lines, n, false, "Discovery at %s failed: %s", what, why);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void status_replace(struct iscsi_runtime *rt, struct iscsi_discovery_line *lines,
			   size_t n)
{
	free(rt->disc.lines);
	rt->disc.lines = lines;
	rt->disc.nlines = n;
}

static const char *through_text(const struct esx_strv *ifaces, char *buf, size_t len);

/* Queue one discovery per sendtarget through those of ifaces that can reach
 * it (none given: the default iface); one that none of them can reach is
 * skipped, with a line in skipped. The tags ("PORTAL through IFACES") live
 * in portals, which the batch's owner frees after the batch. */
static int queue_discoveries(struct iscsi_batch *b, const struct model *m,
			     const struct esx_strv *ifaces, struct esx_strv *portals,
			     struct esx_strv *skipped)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < m->iscsi.nsendtargets; i++) {
		const struct iscsi_sendtarget *st = &m->iscsi.sendtargets[i];
		char portal[MODEL_PORTAL_TEXT_MAX], through[256], text[512];
		struct esx_strv via = { 0 };

		model_portal_format(st->address, st->port, portal, sizeof(portal));
		for (size_t f = 0; ret == 0 && f < ifaces->len; f++) {
			if (iscsi_reach_ok(iscsi_reach(m, ifaces->items[f], st->address)))
				ret = strv_add(&via, ifaces->items[f]);
		}
		if (ret == 0 && ifaces->len && via.len == 0) {
			snprintf(text, sizeof(text),
				 "Discovery at %s not done: no compliant network portal bound to %s can reach it",
				 portal, m->iscsi.adapter);
			ret = strv_add(skipped, text);
		} else if (ret == 0) {
			through_text(&via, through, sizeof(through));
			snprintf(text, sizeof(text), "%s through %s", portal, through);
			ret = strv_add(portals, text);
			if (ret == 0)
				ret = iscsi_adm_discover(b, portal, (const char *const *)via.items,
							 via.len, portals->items[portals->len - 1]);
		}
		strv_free(&via);
	}
	return ret;
}

/* node.startup of each binding's records: automatic when usable. */
static void queue_all_startups(struct iscsi_batch *b, const struct model *m,
			       const struct esx_strv *usable)
{
	for (size_t i = 0; i < m->iscsi.nbindings; i++)
		queue_startup(b, m->iscsi.bindings[i].vmk,
			      strv_contains(usable, m->iscsi.bindings[i].vmk));
}

static const char *through_text(const struct esx_strv *ifaces, char *buf, size_t len)
{
	size_t used = 0;

	if (ifaces->len == 0) {
		snprintf(buf, len, "the default iface");
		return buf;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < ifaces->len && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 ifaces->items[i]);
	return buf;
}

static void chap_after_rediscovery(struct iscsi_runtime *rt);

static void rediscovery_done(struct iscsi_batch *b, void *data)
{
	struct iscsi_runtime *rt = data;
	struct iscsi_discovery_line *lines = NULL;
	const struct model *m = model_current(rt->d);
	struct iscsi_batch *after = iscsi_batch_new(rt->d->loop, 1, false, 0);
	size_t n = 0;

	if (discovery_lines(b, &rt->rediscovery_skipped, &lines, &n) < 0)
		log_err("out of memory recording the rediscovery's results");
	for (size_t i = 0; i < n; i++) {
		if (lines[i].ok)
			log_info("%s", lines[i].text);
		else
			log_warn("%s", lines[i].text);
	}
	/* Then the records that cannot work go, and node.startup follows
	 * the bindings' compliance. */
	if (m && prune(m, &lines, &n) < 0)
		log_err("out of memory deleting node records that cannot work");
	status_replace(rt, lines, n);
	rt->disc.running = false;
	rt->disc.finished = time(NULL);
	iscsi_batch_free(b);
	rt->rediscovery = NULL;
	strv_free(&rt->rediscovery_portals);
	strv_free(&rt->rediscovery_skipped);
	if (after && m) {
		queue_all_startups(after, m, &rt->rediscovery_ifaces);
		queue_record_settings(rt, after, m);
		iscsi_runtime_background(rt, after, "after the rediscovery");
	} else {
		iscsi_batch_free(after);
	}
	chap_after_rediscovery(rt);
	strv_free(&rt->rediscovery_ifaces);
	iscsi_runtime_release(rt);
}

static void rediscovery_chap_ready(int ret, const char *why, void *data);

int iscsi_runtime_rediscover(struct iscsi_runtime *rt, const struct model *m,
			     struct esx_err *err)
{
	struct iscsi_batch *b = NULL;
	struct iscsi_discovery_line *lines = NULL;
	size_t n = 0;
	int ret;

	ret = iscsi_runtime_claim(rt, "a rediscovery", err);
	if (ret < 0)
		return ret;
	strv_free(&rt->rediscovery_ifaces);
	ret = iscsi_runtime_usable_bindings(rt, m, &rt->rediscovery_ifaces, err);
	if (ret < 0)
		goto fail;
	rt->disc.started = time(NULL);
	rt->disc.finished = 0;
	if (m->iscsi.nbindings && rt->rediscovery_ifaces.len == 0) {
		/* Bound, but nothing complies: nothing new goes through them. */
		for (size_t i = 0; i < m->iscsi.nsendtargets; i++) {
			char portal[MODEL_PORTAL_TEXT_MAX];

			model_portal_format(m->iscsi.sendtargets[i].address,
					    m->iscsi.sendtargets[i].port, portal, sizeof(portal));
			add_line(&lines, &n, false,
				 "Discovery at %s not done: no network portal bound to %s complies",
				 portal, m->iscsi.adapter);
		}
		status_replace(rt, lines, n);
		rt->disc.finished = rt->disc.started;
		iscsi_runtime_release(rt);
		return 0;
	}
	b = iscsi_batch_new(rt->d->loop, DISCOVERY_PARALLEL, false, 0);
	if (!b) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	if (queue_discoveries(b, m, &rt->rediscovery_ifaces, &rt->rediscovery_portals,
			      &rt->rediscovery_skipped) < 0) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	/* The batch starts once the CHAP lines are in the records. */
	ret = iscsi_chap_apply(rt->d, true, ISCSI_ADM_QUICK_MS, rediscovery_chap_ready, rt,
			       &rt->chap, err);
	if (ret < 0)
		goto fail;
	status_replace(rt, NULL, 0);
	rt->disc.running = true;
	rt->rediscovery = b;
	return 0;
fail:
	iscsi_batch_free(b);
	strv_free(&rt->rediscovery_portals);
	strv_free(&rt->rediscovery_skipped);
	strv_free(&rt->rediscovery_ifaces);
	iscsi_runtime_release(rt);
	return ret;
}

/* ---- rescans ------------------------------------------------------------- */

enum rescan_phase { PHASE_DISCOVERY, PHASE_RECORDS, PHASE_SETTINGS, PHASE_LOGIN };

struct login_tag {
	char target[ISCSI_NAME_MAX];
	char portal[MODEL_PORTAL_TEXT_MAX];
	char iface[ISCSI_STATE_IFACE_MAX];
};

struct iscsi_rescan {
	struct iscsi_runtime *rt;
	struct model m;                  /* the configuration it started from */
	bool discover;
	char target[ISCSI_NAME_MAX];     /* "" for every target */
	uint64_t ends_at;
	enum rescan_phase phase;
	struct esx_strv usable;          /* ifaces new logins may use */
	struct esx_strv portals;         /* texts the discovery batch's tags point to */
	struct esx_strv skipped;         /* sendtargets no usable binding can reach */
	struct login_tag *tags;
	size_t ntags;
	struct iscsi_batch *batch;
	struct iscsi_discovery_line *lines;
	size_t nlines, failed;
	iscsi_rescan_done_fn done;
	void *data;
	struct loop_timer later;         /* reports from the loop */
	struct iscsi_chap_job *chap;     /* CHAP lines being written */
	bool chap_before, chap_after;    /* ... before discovery, before logins: done */
};

static void rescan_line(struct iscsi_rescan *rs, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rescan_line(struct iscsi_rescan *rs, bool ok, const char *fmt, ...)
{
	struct iscsi_discovery_line *grown = realloc(rs->lines, (rs->nlines + 1) * sizeof(*grown));
	va_list ap;

	if (!grown) {
		log_err("out of memory recording a rescan's results");
		rs->failed++;
		return;
	}
	rs->lines = grown;
	va_start(ap, fmt);
	vsnprintf(grown[rs->nlines].text, sizeof(grown[rs->nlines].text), fmt, ap);
	va_end(ap);
	grown[rs->nlines].ok = ok;
	rs->nlines++;
	if (!ok)
		rs->failed++;
}

static void rescan_finish(struct iscsi_rescan *rs)
{
	iscsi_rescan_done_fn done = rs->done;

	/* New sessions, new disks: multipath's side follows (nmp_runtime.h). */
	nmp_runtime_sessions_changed(rs->rt->d);
	rs->done = NULL;
	if (done)
		done(rs, rs->data);   /* may free rs */
}

static unsigned remaining_ms(const struct iscsi_rescan *rs)
{
	uint64_t now = loop_now_ms();

	return now >= rs->ends_at ? 1 : (unsigned)(rs->ends_at - now);
}

static void rescan_next(struct iscsi_rescan *rs);

/* Discovery's lines (b NULL: nothing was run), for the rescan and for
 * `discovery status get`. */
static void rescan_discovered(struct iscsi_rescan *rs, struct iscsi_batch *b)
{
	struct iscsi_discovery_line *lines = NULL;
	size_t n = 0;

	if (discovery_lines(b, &rs->skipped, &lines, &n) < 0)
		log_err("out of memory recording discovery results");
	for (size_t i = 0; i < n; i++)
		rescan_line(rs, lines[i].ok, "%s", lines[i].text);
	status_replace(rs->rt, lines, n);
	rs->rt->disc.finished = time(NULL);
}

static void rescan_batch_done(struct iscsi_batch *b, void *data)
{
	struct iscsi_rescan *rs = data;
	char text[600];

	if (rs->phase == PHASE_DISCOVERY) {
		rescan_discovered(rs, b);
	} else if (rs->phase == PHASE_RECORDS || rs->phase == PHASE_SETTINGS) {
		for (size_t i = 0; i < iscsi_batch_count(b); i++) {
			const struct iscsi_batch_item *item = iscsi_batch_item(b, i);

			if (item->ok)
				continue;
			iscsi_batch_describe(item, text, sizeof(text));
			rescan_line(rs, false, "%s", text);
		}
	} else {
		for (size_t i = 0; i < iscsi_batch_count(b); i++) {
			const struct iscsi_batch_item *item = iscsi_batch_item(b, i);
			const struct login_tag *tag = item->tag;

			if (item->ok) {
				rescan_line(rs, true, "Login to %s at %s through %s: successful",
					    tag->target, tag->portal, tag->iface);
				continue;
			}
			if (item->status == ISCSI_ADM_ERR_LOGIN_AUTH_FAILED) {
				rescan_line(rs, false,
					    "Login to %s at %s through %s failed: authentication failed for target %s at %s through %s (check its CHAP settings: iscsi adapter target portal auth chap get -A %s -a %s -n %s)",
					    tag->target, tag->portal, tag->iface, tag->target,
					    tag->portal, tag->iface, rs->m.iscsi.adapter, tag->portal,
					    tag->target);
				continue;
			}
			iscsi_batch_describe(item, text, sizeof(text));
			rescan_line(rs, false, "Login to %s at %s through %s failed: %s%s%s",
				    tag->target, tag->portal, tag->iface, text,
				    iscsi_adm_exit_text(item->status)[0] ? " - " : "",
				    iscsi_adm_exit_text(item->status));
		}
	}
	iscsi_batch_free(b);
	rs->batch = NULL;
	rs->phase++;
	rescan_next(rs);
}

static int start_batch(struct iscsi_rescan *rs, struct iscsi_batch *b)
{
	struct esx_err err = { 0 };

	if (iscsi_batch_count(b) == 0) {
		iscsi_batch_free(b);
		return 1;
	}
	if (iscsi_batch_start(b, rescan_batch_done, rs, &err) < 0) {
		rescan_line(rs, false, "%s", err.text);
		iscsi_batch_free(b);
		return -1;
	}
	rs->batch = b;
	return 0;
}

static bool have_node(const struct iscsi_node_info *nodes, size_t n, const char *target,
		      const char *address, unsigned port, const char *iface)
{
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(nodes[i].target, target) == 0 &&
		    strcmp(nodes[i].address, address) == 0 && nodes[i].port == port &&
		    strcmp(nodes[i].iface, iface) == 0)
			return true;
	}
	return false;
}

/* The ifaces new records and logins go through. */
static const struct esx_strv *login_ifaces(const struct iscsi_rescan *rs,
					   struct esx_strv *fallback)
{
	if (rs->m.iscsi.nbindings)
		return &rs->usable;
	return fallback;
}

/* prune()'s lines become the rescan's (a failure counts). */
static int prune_rescan(struct iscsi_rescan *rs)
{
	struct iscsi_discovery_line *lines = NULL;
	size_t n = 0;
	int ret = prune(&rs->m, &lines, &n);

	for (size_t i = 0; i < n; i++)
		rescan_line(rs, lines[i].ok, "%s", lines[i].text);
	free(lines);
	return ret;
}

static int queue_records(struct iscsi_rescan *rs, struct iscsi_batch *b)
{
	struct esx_strv fallback = { 0 };
	const struct esx_strv *ifaces;
	struct iscsi_node_info *nodes = NULL;
	struct esx_err err = { 0 };
	size_t nnodes = 0;
	int ret = 0;

	if (strv_add(&fallback, DEFAULT_IFACE) < 0)
		return -ENOMEM;
	ifaces = login_ifaces(rs, &fallback);
	ret = prune_rescan(rs);
	if (ret == 0 && rs->m.iscsi.nstatics && iscsi_state_nodes(&nodes, &nnodes, &err) < 0)
		rescan_line(rs, false, "%s", err.text);
	for (size_t i = 0; ret == 0 && i < rs->m.iscsi.nstatics; i++) {
		const struct iscsi_static_target *t = &rs->m.iscsi.statics[i];
		char portal[MODEL_PORTAL_TEXT_MAX];

		model_portal_format(t->address, t->port, portal, sizeof(portal));
		for (size_t f = 0; ret == 0 && f < ifaces->len; f++) {
			const char *iface = ifaces->items[f];

			if (have_node(nodes, nnodes, t->name, t->address, t->port, iface))
				continue;
			/* Port binding does not route: no record that cannot work. */
			if (rs->m.iscsi.nbindings && !iscsi_reach_ok(iscsi_reach(&rs->m, iface,
										   t->address))) {
				rescan_line(rs, true, "No node record of %s at %s through %s: %s cannot reach %s",
					    t->name, portal, iface, iface, t->address);
				continue;
			}
			/* A known portal group keeps open-iscsi from writing an
			 * old-style record, one per portal for every iface. */
			ret = iscsi_adm_node_new(b, t->name, portal, ISCSI_ADM_TPGT_DEFAULT, iface,
						 NULL);
		}
	}
	if (ret == 0)
		queue_all_startups(b, &rs->m, &rs->usable);
	free(nodes);
	strv_free(&fallback);
	return ret;
}

/* Whether node gets a login; the reasons it does not (when report) become
 * failed lines. */
static bool wants_login(struct iscsi_rescan *rs, const struct esx_strv *ifaces,
			const struct iscsi_session_info *sessions, size_t nsessions,
			const struct iscsi_node_info *node, bool report)
{
	const struct iscsi_binding *bind = model_iscsi_binding(&rs->m, node->iface);

	if (rs->target[0] && strcasecmp(node->target, rs->target) != 0)
		return false;
	if (has_session(sessions, nsessions, node))
		return false;
	if (bind && !strv_contains(ifaces, node->iface)) {
		if (report)
			rescan_line(rs, false,
				    "Not logged in to %s at %s through %s: the binding of %s to %s does not comply",
				    node->target, node->address, node->iface, node->iface,
				    rs->m.iscsi.adapter);
		return false;
	}
	/* A login that cannot connect costs minutes of retries. */
	if (bind && !iscsi_reach_ok(iscsi_reach(&rs->m, node->iface, node->address))) {
		if (report)
			rescan_line(rs, false, "Not logged in to %s at %s through %s: %s cannot reach %s",
				    node->target, node->address, node->iface, node->iface,
				    node->address);
		return false;
	}
	return strv_contains(ifaces, node->iface);
}

static int queue_logins(struct iscsi_rescan *rs, struct iscsi_batch *b)
{
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_node_info *nodes = NULL;
	struct esx_strv fallback = { 0 };
	const struct esx_strv *ifaces;
	struct esx_err err = { 0 };
	size_t nnodes = 0, nsessions = 0, count = 0;
	int ret = 0;

	if (strv_add(&fallback, DEFAULT_IFACE) < 0)
		return -ENOMEM;
	ifaces = login_ifaces(rs, &fallback);
	if (iscsi_state_nodes(&nodes, &nnodes, &err) < 0 ||
	    iscsi_state_sessions(&sessions, &nsessions, &err) < 0) {
		rescan_line(rs, false, "%s", err.text);
		goto out;
	}
	for (size_t i = 0; i < nnodes; i++)
		count += wants_login(rs, ifaces, sessions, nsessions, &nodes[i], true);
	rs->tags = calloc(count ? count : 1, sizeof(*rs->tags));
	if (!rs->tags) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; ret == 0 && i < nnodes; i++) {
		const struct iscsi_node_info *node = &nodes[i];
		struct login_tag *tag;

		if (!wants_login(rs, ifaces, sessions, nsessions, node, false))
			continue;
		tag = &rs->tags[rs->ntags++];
		snprintf(tag->target, sizeof(tag->target), "%s", node->target);
		model_portal_format(node->address, node->port, tag->portal, sizeof(tag->portal));
		snprintf(tag->iface, sizeof(tag->iface), "%s", node->iface);
		ret = iscsi_adm_login(b, tag->target, tag->portal, tag->iface, tag);
	}
out:
	free(nodes);
	free(sessions);
	strv_free(&fallback);
	return ret;
}

static bool rescan_chap_step(struct iscsi_rescan *rs);

static void rescan_next(struct iscsi_rescan *rs)
{
	for (;;) {
		struct iscsi_batch *b;
		int ret = 0;

		if (rescan_chap_step(rs))
			return;      /* rescan_chap_done goes on */
		if (rs->phase > PHASE_LOGIN) {
			rescan_finish(rs);
			return;
		}
		if (rs->phase == PHASE_DISCOVERY && (!rs->discover || rs->m.iscsi.nsendtargets == 0)) {
			rs->phase++;
			continue;
		}
		if (rs->phase == PHASE_DISCOVERY && rs->m.iscsi.nbindings && rs->usable.len == 0) {
			rescan_line(rs, false,
				    "Discovery not done: no network portal bound to %s complies",
				    rs->m.iscsi.adapter);
			rs->phase++;
			continue;
		}
		b = iscsi_batch_new(rs->rt->d->loop,
				    rs->phase == PHASE_DISCOVERY ? DISCOVERY_PARALLEL :
				    rs->phase == PHASE_LOGIN ? LOGIN_PARALLEL : 1,
				    false, remaining_ms(rs));
		if (!b) {
			rescan_line(rs, false, "out of memory");
			rescan_finish(rs);
			return;
		}
		if (rs->phase == PHASE_DISCOVERY)
			ret = queue_discoveries(b, &rs->m, &rs->usable, &rs->portals, &rs->skipped);
		else if (rs->phase == PHASE_RECORDS)
			ret = queue_records(rs, b);
		else if (rs->phase == PHASE_SETTINGS)
			queue_record_settings(rs->rt, b, &rs->m);
		else
			ret = queue_logins(rs, b);
		if (ret < 0) {
			rescan_line(rs, false, "out of memory");
			iscsi_batch_free(b);
			rescan_finish(rs);
			return;
		}
		if (rs->phase == PHASE_DISCOVERY && iscsi_batch_count(b) == 0)
			rescan_discovered(rs, NULL);
		ret = start_batch(rs, b);
		if (ret == 0)
			return;      /* rescan_batch_done goes on */
		rs->phase++;
	}
}

static void rescan_begin(struct esx_loop *loop, void *data)
{
	(void)loop;
	rescan_next(data);
}

int iscsi_rescan_start(struct iscsi_runtime *rt, const struct model *m, bool discover,
		       const char *target, unsigned deadline_ms, iscsi_rescan_done_fn done,
		       void *data, struct iscsi_rescan **out, struct esx_err *err)
{
	struct iscsi_rescan *rs = calloc(1, sizeof(*rs));
	int ret;

	*out = NULL;
	if (!rs)
		return err_set(err, ENOMEM, "out of memory");
	rs->rt = rt;
	rs->discover = discover;
	snprintf(rs->target, sizeof(rs->target), "%s", target ? target : "");
	rs->ends_at = loop_now_ms() + deadline_ms;
	rs->done = done;
	rs->data = data;
	if (model_clone(m, &rs->m) < 0) {
		free(rs);
		return err_set(err, ENOMEM, "out of memory");
	}
	ret = iscsi_runtime_usable_bindings(rt, m, &rs->usable, err);
	if (ret < 0) {
		iscsi_rescan_free(rs);
		return ret;
	}
	if (discover)
		rt->disc.started = time(NULL);
	loop_timer_init(&rs->later, rescan_begin, rs);
	loop_timer_arm(rt->d->loop, &rs->later, loop_now_ms());
	*out = rs;
	return 0;
}

size_t iscsi_rescan_lines(const struct iscsi_rescan *rs, const struct iscsi_discovery_line **lines,
			  size_t *failed)
{
	*lines = rs->lines;
	if (failed)
		*failed = rs->failed;
	return rs->nlines;
}

void iscsi_rescan_free(struct iscsi_rescan *rs)
{
	if (!rs)
		return;
	loop_timer_disarm(rs->rt->d->loop, &rs->later);
	iscsi_chap_job_free(rs->chap);
	iscsi_batch_free(rs->batch);
	model_free(&rs->m);
	strv_free(&rs->usable);
	strv_free(&rs->portals);
	strv_free(&rs->skipped);
	free(rs->tags);
	free(rs->lines);
	free(rs);
}

/* ---- CHAP: the records follow the settings around every discovery -------
 * Discovery reads the SendTargets record's auth lines, so they are written
 * (and the record made) before it; records it creates start from
 * iscsid.conf, so every record gets its lines again before logins. */

static void rediscovery_chap_ready(int ret, const char *why, void *data)
{
	struct iscsi_runtime *rt = data;
	struct iscsi_discovery_line *lines = NULL;
	struct esx_err err = { 0 };
	size_t n = 0;

	iscsi_chap_job_free(rt->chap);
	rt->chap = NULL;
	if (ret < 0)
		log_warn("Rediscovery: CHAP settings not written to open-iscsi's records: %s", why);
	if (iscsi_batch_start(rt->rediscovery, rediscovery_done, rt, &err) == 0)
		return;
	log_err("Rediscovery not started: %s", err.text);
	add_line(&lines, &n, false, "Rediscovery not started: %s", err.text);
	status_replace(rt, lines, n);
	rt->disc.running = false;
	rt->disc.finished = time(NULL);
	iscsi_batch_free(rt->rediscovery);
	rt->rediscovery = NULL;
	strv_free(&rt->rediscovery_portals);
	strv_free(&rt->rediscovery_ifaces);
	iscsi_runtime_release(rt);
}

static void chap_after_done(int ret, const char *why, void *data)
{
	struct iscsi_runtime *rt = data;

	if (ret < 0)
		log_warn("CHAP settings not written to open-iscsi's records after a rediscovery: %s",
			 why);
	iscsi_chap_job_free(rt->chap_after);
	rt->chap_after = NULL;
}

static void chap_after_rediscovery(struct iscsi_runtime *rt)
{
	struct esx_err err = { 0 };

	/* One that still runs writes older news: the new one replaces it. */
	iscsi_chap_job_free(rt->chap_after);
	rt->chap_after = NULL;
	if (iscsi_chap_apply(rt->d, false, ISCSI_ADM_QUICK_MS, chap_after_done, rt,
			     &rt->chap_after, &err) < 0)
		log_err("CHAP settings not written after a rediscovery: %s", err.text);
}

static void rescan_chap_done(int ret, const char *why, void *data)
{
	struct iscsi_rescan *rs = data;

	iscsi_chap_job_free(rs->chap);
	rs->chap = NULL;
	if (ret < 0)
		rescan_line(rs, false, "CHAP settings not written to open-iscsi's records: %s", why);
	rescan_next(rs);
}

/* Before a discovery that runs, and before the logins: start writing the
 * CHAP lines (true: rescan_chap_done goes on). */
static bool rescan_chap_step(struct iscsi_rescan *rs)
{
	bool discovering = rs->phase == PHASE_DISCOVERY && rs->discover &&
			   rs->m.iscsi.nsendtargets &&
			   !(rs->m.iscsi.nbindings && rs->usable.len == 0);
	bool before = discovering && !rs->chap_before;
	struct esx_err err = { 0 };

	if (before)
		rs->chap_before = true;
	else if (rs->phase == PHASE_LOGIN && !rs->chap_after)
		rs->chap_after = true;
	else
		return false;
	if (iscsi_chap_apply(rs->rt->d, before, remaining_ms(rs), rescan_chap_done, rs, &rs->chap,
			     &err) < 0) {
		rescan_line(rs, false, "CHAP settings not written to open-iscsi's records: %s",
			    err.text);
		return false;
	}
	return true;
}

/* ---- life -------------------------------------------------------------- */

static void startup_over(struct iscsi_runtime *rt)
{
	void (*fn)(void *data) = rt->started_fn;

	rt->started = true;
	rt->started_fn = NULL;
	nmp_runtime_sessions_changed(rt->d);
	if (fn)
		fn(rt->started_data);
}

static void startup_done(struct iscsi_batch *b, void *data)
{
	struct iscsi_runtime *rt = data;

	log_failures(b, "iSCSI start-up");
	iscsi_batch_free(b);
	rt->startup = NULL;
	startup_over(rt);
}

/* A binding whose iface record is gone (deleted by hand, a restored
 * /etc/iscsi) gets it back as port binding made it, before open-iscsi's
 * boot-time logins need it. */
static void queue_missing_ifaces(const struct model *m, struct iscsi_batch *b)
{
	for (size_t i = 0; m->iscsi.enabled && i < m->iscsi.nbindings; i++) {
		const char *vmk = m->iscsi.bindings[i].vmk;
		struct esx_err err = { 0 };
		bool exists;

		if (iscsi_state_iface_exists(vmk, &exists, &err) < 0) {
			log_warn("%s", err.text);
			continue;
		}
		if (exists)
			continue;
		log_notice("The iface record %s of the binding of %s to %s is missing: re-creating it",
			   vmk, vmk, m->iscsi.adapter);
		if (iscsi_adm_iface_new(b, vmk, NULL) < 0 ||
		    iscsi_adm_iface_update(b, vmk, "iface.net_ifacename", vmk, NULL) < 0 ||
		    iscsi_adm_iface_update(b, vmk, "iface.initiatorname", m->iscsi.iqn, NULL) < 0)
			log_err("Unable to queue the re-creation of iface record %s: out of memory", vmk);
	}
}

/* At start-up, in order: missing iface records, then node.startup of the
 * bindings that do not comply (the network may have changed while the
 * daemon was down). */
static void startup_begin(struct iscsi_runtime *rt, const struct model *m)
{
	struct iscsi_batch *b = iscsi_batch_new(rt->d->loop, 1, false, 0);
	struct esx_err err = { 0 };

	if (!b) {
		log_err("iSCSI start-up checks skipped: out of memory");
		startup_over(rt);
		return;
	}
	queue_missing_ifaces(m, b);
	judge_bindings(rt, m, true, b);
	queue_record_settings(rt, b, m);
	if (iscsi_batch_count(b) == 0) {
		iscsi_batch_free(b);
		startup_over(rt);
		return;
	}
	if (iscsi_batch_start(b, startup_done, rt, &err) < 0) {
		log_err("iSCSI start-up checks: %s", err.text);
		iscsi_batch_free(b);
		startup_over(rt);
		return;
	}
	rt->startup = b;
}

void iscsi_runtime_when_started(struct iscsi_runtime *rt, void (*fn)(void *data), void *data)
{
	if (!rt || rt->started) {
		fn(data);
		return;
	}
	rt->started_fn = fn;
	rt->started_data = data;
}

int iscsi_runtime_new(struct esxd *d, struct iscsi_runtime **out, struct esx_err *err)
{
	struct iscsi_runtime *rt = calloc(1, sizeof(*rt));

	*out = NULL;
	if (!rt)
		return err_set(err, ENOMEM, "out of memory");
	rt->d = d;
	if (d->reconciler)
		reconcile_set_pass_hook(d->reconciler, on_reconcile_pass, rt);
	if (d->model)
		startup_begin(rt, d->model);
	else
		rt->started = true;
	*out = rt;
	return 0;
}

void iscsi_runtime_free(struct iscsi_runtime *rt)
{
	if (!rt)
		return;
	if (rt->d->reconciler)
		reconcile_set_pass_hook(rt->d->reconciler, NULL, NULL);
	while (rt->nadopted) {
		struct adopted a = rt->adopted[--rt->nadopted];

		a.free_fn(a.work);
	}
	free(rt->adopted);
	while (rt->nbg)
		drop_background(rt, rt->bg[rt->nbg - 1]);
	free(rt->bg);
	iscsi_batch_free(rt->rediscovery);
	iscsi_chap_job_free(rt->chap);
	iscsi_chap_job_free(rt->chap_after);
	iscsi_batch_free(rt->startup);
	strv_free(&rt->rediscovery_portals);
	strv_free(&rt->rediscovery_skipped);
	strv_free(&rt->rediscovery_ifaces);
	free(rt->seen);
	free(rt->disc.lines);
	free(rt);
}
