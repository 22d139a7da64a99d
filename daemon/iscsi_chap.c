/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CHAP settings in open-iscsi's records: ownership, the auth lines, the
 * rules, and the job that writes them (iscsi_chap.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "daemon.h"
#include "iscsi_adm.h"
#include "iscsi_batch.h"
#include "iscsi_chap.h"
#include "loop.h"
#include "transaction.h"

#define DEFAULT_IFACE "default"
#define PREPARE_PARALLEL 4

/* ---- which records, which lines ---- */

/* A record's address in the model's canonical form. */
static bool canonical(const char *address, char *out)
{
	unsigned port;

	return address[0] && model_portal_parse(address, MODEL_ISCSI_PORT_DEFAULT, out, &port) == 0;
}

static bool our_iface(const struct model *m, const char *iface)
{
	return strcmp(iface, DEFAULT_IFACE) == 0 || model_iscsi_binding(m, iface) != NULL;
}

static void copy_secret(char *out, size_t size, const char *text)
{
	size_t len = strnlen(text, size - 1);

	memcpy(out, text, len);
	out[len] = '\0';
}

static void auth_from(const struct iscsi_effective *e, struct iscsi_auth *auth)
{
	const struct iscsi_chap_setting *uni = &e->chap[CHAP_UNI], *mutual = &e->chap[CHAP_MUTUAL];

	memset(auth, 0, sizeof(*auth));
	auth->chap = uni->level != CHAP_PROHIBITED;
	if (auth->chap) {
		copy_secret(auth->username, sizeof(auth->username), uni->name);
		copy_secret(auth->password, sizeof(auth->password), uni->secret);
	}
	/* Written even over a uni level that is not required (which the
	 * commands refuse): open-iscsi then fails the login rather than log
	 * in without authenticating the target. */
	if (mutual->level == CHAP_REQUIRED) {
		copy_secret(auth->username_in, sizeof(auth->username_in), mutual->name);
		copy_secret(auth->password_in, sizeof(auth->password_in), mutual->secret);
	}
}

int iscsi_chap_record_auth(const struct model *m, const struct iscsi_record *rec,
			   struct iscsi_auth *auth)
{
	const struct iscsi_sendtarget *st = NULL;
	const struct iscsi_target_portal *tp;
	struct iscsi_effective e;
	char address[MODEL_ADDR_MAX];

	if (!m->iscsi.enabled || !canonical(rec->address, address))
		return 0;
	if (rec->kind == ISCSI_RECORD_SENDTARGETS) {
		st = model_iscsi_sendtarget(m, address, rec->port);
		if (!st)
			return 0;
		iscsi_settings_resolve(m, st, NULL, &e);
	} else {
		if (!our_iface(m, rec->iface))
			return 0;
		if (rec->discovered)
			st = iscsi_settings_parent(m, rec->discovery_address, rec->discovery_port);
		if (!st && !model_iscsi_static(m, address, rec->port, rec->target))
			return 0;
		tp = model_iscsi_portal(m, address, rec->port, rec->target);
		iscsi_settings_resolve(m, st, tp, &e);
	}
	auth_from(&e, auth);
	explicit_bzero(&e, sizeof(e));
	return 1;
}

int iscsi_chap_check(const struct iscsi_effective *e, const char *where, struct esx_err *err)
{
	static const char *const direction[] = { "Unidirectional", "Mutual" };
	const struct iscsi_chap_setting *uni = &e->chap[CHAP_UNI], *mutual = &e->chap[CHAP_MUTUAL];

	if (mutual->level != CHAP_PROHIBITED && mutual->level != CHAP_REQUIRED)
		return err_set(err, EINVAL,
			       "Mutual CHAP can only be prohibited or required (it would be %s for %s)",
			       chap_level_name(mutual->level), where);
	if (mutual->level == CHAP_REQUIRED && uni->level != CHAP_REQUIRED)
		return err_set(err, EINVAL,
			       "Mutual CHAP is required for %s, which needs unidirectional CHAP at level required, not %s: set -d uni -l required first, or -d mutual -l prohibited",
			       where, chap_level_name(uni->level));
	for (int d = 0; d < CHAP_DIRECTIONS; d++) {
		const struct iscsi_chap_setting *c = &e->chap[d];
		const char *why;

		if (c->level == CHAP_PROHIBITED)
			continue;
		if (!c->name[0])
			return err_set(err, EINVAL,
				       "%s CHAP at level %s needs a CHAP name for %s: give -N|--authname",
				       direction[d], chap_level_name(c->level), where);
		if (!c->secret[0])
			return err_set(err, EINVAL,
				       "%s CHAP at level %s needs a CHAP secret for %s: give -S|--secret (without a value, esxcli prompts for it)",
				       direction[d], chap_level_name(c->level), where);
		why = iscsi_auth_text_invalid(c->name);
		if (why)
			return err_set(err, EINVAL, "Invalid CHAP name '%s': %s", c->name, why);
		why = iscsi_auth_text_invalid(c->secret);
		if (why)
			return err_set(err, EINVAL, "Invalid CHAP secret: %s", why);
	}
	return 0;
}

struct parent_search {
	const struct model *m;
	const char *target, *address;
	unsigned port;
	const struct iscsi_sendtarget *parent;
	bool found;
};

static int find_parent(const struct iscsi_record *rec, void *data)
{
	struct parent_search *ps = data;
	char address[MODEL_ADDR_MAX];

	if (rec->kind != ISCSI_RECORD_NODE || strcasecmp(rec->target, ps->target) != 0 ||
	    rec->port != ps->port || !canonical(rec->address, address) ||
	    strcmp(address, ps->address) != 0 || !our_iface(ps->m, rec->iface))
		return 0;
	ps->found = true;
	if (rec->discovered && !ps->parent)
		ps->parent = iscsi_settings_parent(ps->m, rec->discovery_address,
						   rec->discovery_port);
	return 0;
}

const struct iscsi_sendtarget *iscsi_chap_portal_parent(const struct model *m, const char *target,
							const char *address, unsigned port,
							bool *known)
{
	struct parent_search ps = { m, target, address, port, NULL, false };

	iscsi_records_scan(&iscsi_db_system, find_parent, &ps, NULL);
	*known = ps.found || model_iscsi_static(m, address, port, target) != NULL;
	return ps.parent;
}

/* ---- the job ---- */

struct iscsi_chap_job {
	struct esxd *d;
	unsigned timeout_ms;
	struct iscsi_batch *batch;
	struct iscsi_records_job *records;
	iscsi_chap_done_fn done;
	void *data;
	char why[ESX_ERR_TEXT_MAX];
	int ret;
};

static void fail(struct iscsi_chap_job *job, int ret, const char *text)
{
	if (job->ret)
		return;
	job->ret = ret;
	snprintf(job->why, sizeof(job->why), "%s", text);
}

static int want(const struct iscsi_record *rec, struct iscsi_auth *auth, void *data)
{
	struct iscsi_chap_job *job = data;
	const struct model *m = model_current(job->d);

	return m ? iscsi_chap_record_auth(m, rec, auth) : 0;
}

static void records_done(const struct iscsi_records_outcome *o, void *data)
{
	struct iscsi_chap_job *job = data;

	if (o->locked_out || (o->failed && !o->owned))
		fail(job, -EAGAIN, o->first_error);
	else if (o->failed)
		fail(job, -EIO, o->first_error);
	/* o is the records job's: free it only now. */
	iscsi_records_job_free(job->records);
	job->records = NULL;
	job->done(job->ret, job->why, job->data);   /* may free the job */
}

static void write_records(struct iscsi_chap_job *job)
{
	struct esx_err err = { 0 };

	if (iscsi_records_update(job->d->loop, &iscsi_db_system, job->timeout_ms, want, job,
				 records_done, job, &job->records, &err) < 0) {
		fail(job, -ENOMEM, err.text);
		job->done(job->ret, job->why, job->data);
	}
}

static void prepared(struct iscsi_batch *b, void *data)
{
	struct iscsi_chap_job *job = data;
	const struct iscsi_batch_item *item = iscsi_batch_first_failure(b);
	char text[600], why[ESX_ERR_TEXT_MAX];

	if (item) {
		iscsi_batch_describe(item, text, sizeof(text));
		snprintf(why, sizeof(why), "Unable to make a SendTargets discovery record: %s", text);
		fail(job, -EIO, why);
	}
	iscsi_batch_free(b);
	job->batch = NULL;
	write_records(job);
}

/* The SendTargets record of portal exists already. */
static bool have_st_record(const struct iscsi_sendtarget *st)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/send_targets/%s,%u/st_config", iscsi_db_system.dir,
			 st->address, st->port);

	return n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0;
}

/* Queue a discoverydb record for every sendtarget that authenticates and
 * has none: iscsiadm -m discoverydb -o new would replace one that exists. */
static int queue_prepare(struct iscsi_batch *b, const struct model *m)
{
	for (size_t i = 0; i < m->iscsi.nsendtargets; i++) {
		const struct iscsi_sendtarget *st = &m->iscsi.sendtargets[i];
		char portal[MODEL_PORTAL_TEXT_MAX];
		struct iscsi_effective e;
		bool uses_chap;
		int ret;

		iscsi_settings_resolve(m, st, NULL, &e);
		uses_chap = e.chap[CHAP_UNI].level != CHAP_PROHIBITED ||
			    e.chap[CHAP_MUTUAL].level != CHAP_PROHIBITED;
		explicit_bzero(&e, sizeof(e));
		if (!uses_chap || have_st_record(st))
			continue;
		model_portal_format(st->address, st->port, portal, sizeof(portal));
		ret = iscsi_adm_discoverydb_new(b, portal, NULL);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int iscsi_chap_apply(struct esxd *d, bool prepare_discovery, unsigned timeout_ms,
		     iscsi_chap_done_fn done, void *data, struct iscsi_chap_job **out,
		     struct esx_err *err)
{
	struct iscsi_chap_job *job = calloc(1, sizeof(*job));
	const struct model *m = model_current(d);
	struct iscsi_batch *b = NULL;
	int ret = 0;

	*out = NULL;
	if (!job)
		return err_set(err, ENOMEM, "out of memory");
	job->d = d;
	job->timeout_ms = timeout_ms;
	job->done = done;
	job->data = data;
	if (prepare_discovery && m && m->iscsi.enabled) {
		b = iscsi_batch_new(d->loop, PREPARE_PARALLEL, false, timeout_ms);
		ret = b ? queue_prepare(b, m) : -ENOMEM;
		if (ret < 0)
			goto fail;
	}
	if (b && iscsi_batch_count(b)) {
		ret = iscsi_batch_start(b, prepared, job, err);
		if (ret < 0)
			goto out;
		job->batch = b;
		b = NULL;
	} else {
		ret = iscsi_records_update(d->loop, &iscsi_db_system, timeout_ms, want, job,
					   records_done, job, &job->records, err);
		if (ret < 0)
			goto out;
	}
	*out = job;
	job = NULL;
	goto out;
fail:
	ret = err_set(err, -ret, "out of memory");
out:
	iscsi_batch_free(b);
	free(job);
	return ret;
}

void iscsi_chap_job_free(struct iscsi_chap_job *job)
{
	if (!job)
		return;
	iscsi_batch_free(job->batch);
	iscsi_records_job_free(job->records);
	explicit_bzero(job, sizeof(*job));
	free(job);
}
