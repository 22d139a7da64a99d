/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sessions' recovery_tmo, kept as their node records say (see
 * iscsi_recovery.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "daemon.h"
#include "iscsi_apply.h"
#include "iscsi_recovery.h"
#include "log.h"
#include "transaction.h"

static int attr_path(const char *root, unsigned sid, char *out, size_t len)
{
	int w = snprintf(out, len, "%s/class/iscsi_session/session%u/recovery_tmo", root, sid);

	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

int iscsi_recovery_read(const char *root, unsigned sid, long long *value)
{
	char path[PATH_MAX], text[32], *end;
	ssize_t n;
	int fd = -1, ret = attr_path(root, sid, path, sizeof(path));

	if (ret < 0)
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	n = read(fd, text, sizeof(text) - 1);
	if (n <= 0) {
		ret = n < 0 ? -errno : -EIO;
		goto out;
	}
	text[n] = '\0';
	errno = 0;
	*value = strtoll(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		ret = -EIO;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

int iscsi_recovery_write(const char *root, unsigned sid, long long value, struct esx_err *err)
{
	char path[PATH_MAX], text[32];
	int fd = -1, len, ret = attr_path(root, sid, path, sizeof(path));

	if (ret < 0) {
		ret = err_set(err, -ret, "The sysfs path %s is too long", root);
		goto out;
	}
	len = snprintf(text, sizeof(text), "%lld", value);
	errno = 0;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, (size_t)len) != len)
		ret = err_set(err, errno ? errno : EIO,
			      "Unable to set recovery_tmo of session%u to %lld: %s", sid, value,
			      strerror(errno ? errno : EIO));
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

const struct iscsi_node_record *iscsi_recovery_record_of(const struct iscsi_session_info *s,
							  const struct iscsi_node_record *recs,
							  size_t n)
{
	char address[ISCSI_STATE_ADDR_MAX];
	unsigned port;

	/* Records hold IPv6 addresses canonical, sessions as given. */
	if (model_portal_parse(s->address, 1, address, &port) < 0 || strchr(s->address, ']'))
		snprintf(address, sizeof(address), "%s", s->address);
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(recs[i].target, s->target) == 0 &&
		    strcmp(recs[i].address, address) == 0 && recs[i].port == (unsigned)s->port &&
		    strcmp(recs[i].iface, s->iface) == 0)
			return &recs[i];
	}
	return NULL;
}

int iscsi_recovery_plan(const struct model *m, const struct iscsi_level_ref *at,
			const struct iscsi_node_record *recs, size_t n,
			struct iscsi_recovery_change **out, size_t *count, struct esx_err *err)
{
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_recovery_change *list = NULL;
	size_t nsessions = 0, used = 0;
	int ret = iscsi_state_sessions(&sessions, &nsessions, err);

	*out = NULL;
	*count = 0;
	if (ret < 0 || nsessions == 0)
		goto out;
	list = calloc(nsessions, sizeof(*list));
	if (!list) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nsessions; i++) {
		const struct iscsi_node_record *rec = iscsi_recovery_record_of(&sessions[i], recs, n);
		struct iscsi_recovery_change *c = &list[used];
		struct iscsi_effective eff;

		if (!rec || !iscsi_session_logged_in(&sessions[i]) ||
		    !iscsi_apply_reaches(m, at, ISCSI_P_RECOVERY_TIMEOUT, rec) ||
		    iscsi_recovery_read(ISCSI_RECOVERY_SYSFS, sessions[i].sid, &c->old) < 0)
			continue;
		iscsi_apply_resolve(m, rec, &eff);
		iscsi_apply_wipe(&eff);
		c->sid = sessions[i].sid;
		c->value = eff.params[ISCSI_P_RECOVERY_TIMEOUT];
		used++;
	}
	if (used == 0)
		goto out;
	*out = list;
	*count = used;
	list = NULL;
out:
	free(list);
	free(sessions);
	return ret;
}

static void undo_first(const struct iscsi_recovery_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct esx_err err = { 0 };

		if (c[i].old != c[i].value &&
		    iscsi_recovery_write(ISCSI_RECOVERY_SYSFS, c[i].sid, c[i].old, &err) < 0)
			log_err("recovery_tmo of session%u not put back to %lld: %s", c[i].sid,
				c[i].old, err.text);
	}
}

int iscsi_recovery_apply(const struct iscsi_recovery_change *c, size_t n, struct esx_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int ret;

		if (c[i].old == c[i].value)
			continue;
		ret = iscsi_recovery_write(ISCSI_RECOVERY_SYSFS, c[i].sid, c[i].value, err);
		if (ret < 0) {
			undo_first(c, i);
			return ret;
		}
		log_info("session%u: recovery_tmo %lld -> %lld (RecoveryTimeout)", c[i].sid,
			 c[i].old, c[i].value);
	}
	return 0;
}

void iscsi_recovery_undo(const struct iscsi_recovery_change *c, size_t n)
{
	undo_first(c, n);
}

long long iscsi_recovery_current(const struct iscsi_recovery_change *c, size_t n,
				 long long configured, char *message, size_t len)
{
	size_t used = 0, differ = 0;
	bool uniform = true;

	message[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w;

		uniform &= c[i].old == c[0].old;
		if (c[i].old == c[i].value)
			continue;
		w = snprintf(message + used, len - used, "%ssession%u (%lld)",
			     differ++ ? ", " : "", c[i].sid, c[i].old);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	if (differ) {
		char names[512];

		snprintf(names, sizeof(names), "%s", message);
		snprintf(message, len,
			 "RecoveryTimeout: the kernel's recovery_tmo is not the configured %lld on %s. "
			 "multipathd writes its fast_io_fail_tmo into recovery_tmo: an `overrides` "
			 "section in the multipath configuration (/etc/multipath.conf, "
			 "/etc/multipath/conf.d/) probably sets fast_io_fail_tmo.",
			 configured, names);
	}
	return n && uniform ? c[0].old : configured;
}

void iscsi_recovery_sync(struct esxd *d)
{
	const struct model *m = model_current(d);
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_node_record *recs = NULL;
	size_t nsessions = 0, nrecs = 0;
	struct esx_err err = { 0 };

	if (!m || !m->iscsi.enabled)
		return;
	if (iscsi_node_records_read(&recs, &nrecs, &err) < 0 ||
	    iscsi_state_sessions(&sessions, &nsessions, &err) < 0) {
		log_warn("recovery_tmo of the iSCSI sessions not checked: %s", err.text);
		goto out;
	}
	for (size_t i = 0; i < nsessions; i++) {
		const struct iscsi_session_info *s = &sessions[i];
		const struct iscsi_node_record *rec = iscsi_recovery_record_of(s, recs, nrecs);
		long long want, have;

		if (!rec || !iscsi_session_logged_in(s) || !iscsi_apply_owned(m, rec) ||
		    iscsi_node_parse(ISCSI_P_RECOVERY_TIMEOUT,
				     rec->values[ISCSI_P_RECOVERY_TIMEOUT], &want) < 0 ||
		    iscsi_recovery_read(ISCSI_RECOVERY_SYSFS, s->sid, &have) < 0 || have == want)
			continue;
		err_reset(&err);
		if (iscsi_recovery_write(ISCSI_RECOVERY_SYSFS, s->sid, want, &err) < 0) {
			log_warn("%s", err.text);
			continue;
		}
		log_info("session%u (%s at %s:%d through %s): recovery_tmo %lld -> %lld, its node record's replacement_timeout (RecoveryTimeout)",
			 s->sid, s->target, s->address, s->port, s->iface, have, want);
	}
out:
	free(sessions);
	free(recs);
}
