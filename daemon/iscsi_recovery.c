/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sessions' recovery_tmo, kept as their node records say (see
 * iscsi_recovery.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

		if (!rec || !iscsi_apply_owned(m, rec) ||
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
