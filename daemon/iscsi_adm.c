/* SPDX-License-Identifier: GPL-3.0-or-later */
/* open-iscsi's command lines, queued on batches; discovery output. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iscsi_adm.h"

#define MAX_ARGS 96   /* enough for iscsi_adm_node_update_pairs at its most */

const char *iscsi_adm_iscsiadm_path(void)
{
	return access("/usr/sbin/iscsiadm", X_OK) == 0 ? "/usr/sbin/iscsiadm" : "/sbin/iscsiadm";
}

const char *iscsi_adm_modprobe_path(void)
{
	return access("/usr/sbin/modprobe", X_OK) == 0 ? "/usr/sbin/modprobe" : "/sbin/modprobe";
}

/* iscsiadm followed by args (NULL-terminated), queued with its limits. */
static int queue(struct iscsi_batch *b, unsigned timeout_ms, uint64_t ok_codes, void *tag,
		 const char *const *args)
{
	const char *argv[MAX_ARGS];
	size_t n = 0;

	argv[n++] = iscsi_adm_iscsiadm_path();
	for (size_t i = 0; args[i]; i++) {
		if (n + 1 >= MAX_ARGS)
			return -E2BIG;
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	return iscsi_batch_add(b, argv, timeout_ms, ok_codes, tag);
}

int iscsi_adm_modprobe(struct iscsi_batch *b, const char *module, void *tag)
{
	const char *argv[] = { iscsi_adm_modprobe_path(), module, NULL };

	return iscsi_batch_add(b, argv, ISCSI_ADM_QUICK_MS, 0, tag);
}

int iscsi_adm_probe_iscsid(struct iscsi_batch *b, void *tag)
{
	const char *args[] = { "-m", "session", NULL };

	return queue(b, ISCSI_ADM_QUICK_MS, ISCSI_OK_CODE(ISCSI_ADM_ERR_NO_OBJS_FOUND), tag, args);
}

int iscsi_adm_iface_new(struct iscsi_batch *b, const char *iface, void *tag)
{
	const char *args[] = { "-m", "iface", "-I", iface, "-o", "new", NULL };

	return queue(b, ISCSI_ADM_QUICK_MS, 0, tag, args);
}

int iscsi_adm_iface_update(struct iscsi_batch *b, const char *iface, const char *key,
			   const char *value, void *tag)
{
	const char *args[] = { "-m", "iface", "-I", iface, "-o", "update", "-n", key, "-v", value,
			       NULL };

	return queue(b, ISCSI_ADM_QUICK_MS, 0, tag, args);
}

int iscsi_adm_iface_delete(struct iscsi_batch *b, const char *iface, void *tag)
{
	const char *args[] = { "-m", "iface", "-I", iface, "-o", "delete", NULL };

	return queue(b, ISCSI_ADM_QUICK_MS, ISCSI_OK_CODE(ISCSI_ADM_ERR_NO_OBJS_FOUND), tag, args);
}

int iscsi_adm_node_new(struct iscsi_batch *b, const char *target, const char *portal, int tpgt,
		       const char *iface, void *tag)
{
	char with_tpgt[96];
	const char *args[] = { "-m", "node", "-T", target, "-p", with_tpgt, "-I", iface,
			       "-o", "new", NULL };
	int n = snprintf(with_tpgt, sizeof(with_tpgt), "%s,%d", portal, tpgt);

	if (n < 0 || (size_t)n >= sizeof(with_tpgt))
		return -E2BIG;
	return queue(b, ISCSI_ADM_QUICK_MS, 0, tag, args);
}

int iscsi_adm_node_update_iface(struct iscsi_batch *b, const char *iface, const char *key,
				const char *value, void *tag)
{
	const char *args[] = { "-m", "node", "-I", iface, "-o", "update", "-n", key, "-v", value,
			       NULL };

	/* No record through iface yet: nothing to change. */
	return queue(b, ISCSI_ADM_QUICK_MS, ISCSI_OK_CODE(ISCSI_ADM_ERR_NO_OBJS_FOUND), tag, args);
}

int iscsi_adm_node_update(struct iscsi_batch *b, const char *target, const char *portal,
			  const char *iface, const char *key, const char *value, void *tag)
{
	const char *args[] = { "-m", "node", "-T", target, "-p", portal, "-I", iface,
			       "-o", "update", "-n", key, "-v", value, NULL };

	return queue(b, ISCSI_ADM_QUICK_MS, 0, tag, args);
}

int iscsi_adm_node_update_pairs(struct iscsi_batch *b, const char *target, const char *portal,
				const char *iface, const char *const *keys,
				const char *const *values, size_t n, void *tag)
{
	const char *args[MAX_ARGS];
	size_t k = 0;

	if (n == 0 || n > ISCSI_ADM_PAIRS_MAX)
		return -EINVAL;
	args[k++] = "-m";
	args[k++] = "node";
	args[k++] = "-T";
	args[k++] = target;
	args[k++] = "-p";
	args[k++] = portal;
	args[k++] = "-I";
	args[k++] = iface;
	args[k++] = "-o";
	args[k++] = "update";
	for (size_t i = 0; i < n; i++) {
		if (k + 5 >= MAX_ARGS)
			return -E2BIG;
		args[k++] = "-n";
		args[k++] = keys[i];
		args[k++] = "-v";
		args[k++] = values[i];
	}
	args[k] = NULL;
	return queue(b, ISCSI_ADM_QUICK_MS, 0, tag, args);
}

int iscsi_adm_discovery_delete(struct iscsi_batch *b, const char *portal, void *tag)
{
	const char *args[] = { "-m", "discoverydb", "-t", "sendtargets", "-p", portal,
			       "-o", "delete", NULL };

	return queue(b, ISCSI_ADM_QUICK_MS, ISCSI_OK_CODE(ISCSI_ADM_ERR_NO_OBJS_FOUND), tag, args);
}

int iscsi_adm_discover(struct iscsi_batch *b, const char *portal, const char *const *ifaces,
		       size_t nifaces, void *tag)
{
	const char *args[MAX_ARGS];
	size_t n = 0;

	args[n++] = "-m";
	args[n++] = "discoverydb";
	args[n++] = "-t";
	args[n++] = "sendtargets";
	args[n++] = "-p";
	args[n++] = portal;
	args[n++] = "--discover";
	for (size_t i = 0; i < nifaces; i++) {
		if (n + 5 >= MAX_ARGS)
			return -E2BIG;
		args[n++] = "-I";
		args[n++] = ifaces[i];
	}
	if (nifaces == 0) {
		args[n++] = "-I";
		args[n++] = "default";
	}
	args[n++] = "-o";
	args[n++] = "new";
	args[n] = NULL;
	return queue(b, ISCSI_ADM_DISCOVERY_MS, 0, tag, args);
}

int iscsi_adm_discoverydb_new(struct iscsi_batch *b, const char *portal, void *tag)
{
	const char *args[] = { "-m", "discoverydb", "-t", "sendtargets", "-p", portal, "-o", "new",
			       NULL };

	return queue(b, ISCSI_ADM_QUICK_MS, 0, tag, args);
}

int iscsi_adm_login(struct iscsi_batch *b, const char *target, const char *portal,
		    const char *iface, void *tag)
{
	const char *args[] = { "-m", "node", "-T", target, "-p", portal, "-I", iface, "--login",
			       NULL };

	return queue(b, ISCSI_ADM_LOGIN_MS, ISCSI_OK_CODE(ISCSI_ADM_ERR_SESS_EXISTS), tag, args);
}

int iscsi_adm_logout_session(struct iscsi_batch *b, unsigned sid, void *tag)
{
	char id[16];
	const char *args[] = { "-m", "session", "-r", id, "-u", NULL };

	snprintf(id, sizeof(id), "%u", sid);
	/* Gone already: what was asked is true. */
	return queue(b, ISCSI_ADM_LOGOUT_MS,
		     ISCSI_OK_CODE(ISCSI_ADM_ERR_SESS_NOT_FOUND) |
		     ISCSI_OK_CODE(ISCSI_ADM_ERR_NO_OBJS_FOUND), tag, args);
}

size_t iscsi_adm_parse_discovery(const char *out,
				 void (*fn)(const struct iscsi_adm_discovered *rec, void *data),
				 void *data)
{
	size_t count = 0;

	while (out && *out) {
		const char *end = strchr(out, '\n');
		size_t len = end ? (size_t)(end - out) : strlen(out);
		struct iscsi_adm_discovered rec;
		char line[512], *comma, *space;

		if (len < sizeof(line)) {
			memcpy(line, out, len);
			line[len] = '\0';
			comma = strrchr(line, ',');
			space = strchr(line, ' ');
			/* "portal,tpgt target": anything else is a message. */
			if (comma && space && comma < space && strchr(space + 1, ' ') == NULL &&
			    (size_t)(comma - line) < sizeof(rec.portal) &&
			    strlen(space + 1) < sizeof(rec.target) && space[1]) {
				memset(&rec, 0, sizeof(rec));
				memcpy(rec.portal, line, (size_t)(comma - line));
				*space = '\0';
				rec.tpgt = atoi(comma + 1);
				snprintf(rec.target, sizeof(rec.target), "%s", space + 1);
				if (fn)
					fn(&rec, data);
				count++;
			}
		}
		out = end ? end + 1 : out + len;
	}
	return count;
}

const char *iscsi_adm_exit_text(int status)
{
	static const char *const texts[] = {
		[1] = "generic error",
		[2] = "session not found",
		[3] = "out of memory",
		[4] = "transport error",
		[5] = "login failed",
		[6] = "error accessing the iSCSI database",
		[7] = "invalid argument",
		[8] = "connection timed out",
		[9] = "internal iscsid error",
		[10] = "logout failed",
		[11] = "iSCSI PDU timed out",
		[12] = "iSCSI transport module not loaded",
		[13] = "permission denied",
		[14] = "the transport does not support this",
		[15] = "session already logged in",
		[16] = "invalid request to iscsid",
		[17] = "iSNS not supported",
		[18] = "reading or writing to iscsid failed",
		[19] = "fatal login error",
		[20] = "iscsid is not running",
		[21] = "no records or sessions found",
		[22] = "sysfs lookup failed",
		[23] = "host not found",
		[24] = "authentication failed",
		[25] = "iSNS query failed",
		[26] = "iSNS registration failed",
		[27] = "operation not supported",
		[28] = "device or resource in use",
	};

	if (status > 0 && (size_t)status < sizeof(texts) / sizeof(texts[0]) && texts[status])
		return texts[status];
	return "";
}
