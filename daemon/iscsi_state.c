/* SPDX-License-Identifier: GPL-3.0-or-later */
/* open-iscsi's sessions, nodes and ifaces, read through libopeniscsiusr. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libopeniscsiusr.h>

#include "iscsi_state.h"
#include "log.h"

#define SESSION_SYSFS "/sys/class/iscsi_session"
#define CONNECTION_SYSFS "/sys/class/iscsi_connection"
#define IFACE_DIR "/etc/iscsi/ifaces"   /* open-iscsi's, as Debian builds it */
#define NODE_DIR "/etc/iscsi/nodes"
#define SENDTARGETS_DIR "/etc/iscsi/send_targets"

/* libopeniscsiusr's messages go to our log, at debug level: a missing
 * record is an answer here, not a warning. */
static void library_log(struct iscsi_context *ctx, int priority, const char *file, int line,
			const char *func_name, const char *format, va_list args)
{
	char text[512];

	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	(void)func_name;
	vsnprintf(text, sizeof(text), format, args);
	text[strcspn(text, "\n")] = '\0';
	log_debug("libopeniscsiusr: %s", text);
}

static struct iscsi_context *context_new(struct esx_err *err)
{
	struct iscsi_context *ctx = iscsi_context_new();

	if (!ctx) {
		err_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	iscsi_context_log_func_set(ctx, library_log);
	return ctx;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* One sysfs attribute, its trailing newline cut; "" when the kernel does
 * not have it. */
static void sysfs_attr(const char *path, char *out, size_t len)
{
	ssize_t n;
	int fd;

	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0) {
		out[0] = '\0';
		return;
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	/* The kernel prints "(null)" for a parameter not negotiated yet. */
	if (strcmp(out, "(null)") == 0)
		out[0] = '\0';
}

static void session_attr(unsigned sid, const char *name, char *out, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), SESSION_SYSFS "/session%u/%s", sid, name);
	sysfs_attr(path, out, len);
}

static void connection_attr(unsigned sid, unsigned cid, const char *name, char *out, size_t len)
{
	char path[160];

	snprintf(path, sizeof(path), CONNECTION_SYSFS "/connection%u:%u/%s", sid, cid, name);
	sysfs_attr(path, out, len);
}

void iscsi_state_isid(unsigned sid, char *out, size_t len)
{
	snprintf(out, len, "00023d%06x", sid & 0xffffffu);
}

static void copy(char *to, size_t len, const char *from)
{
	snprintf(to, len, "%s", from ? from : "");
}

static bool software_transport(const char *name)
{
	return name && (strcmp(name, "tcp") == 0 || strcmp(name, "iser") == 0);
}

/* libopeniscsiusr's and iscsiadm's words for "nothing". */
static bool valid_text(const char *text)
{
	return text[0] && strcmp(text, "<empty>") != 0 && strcmp(text, "(null)") != 0 &&
	       strcmp(text, "default") != 0;
}

static void fill_session(struct iscsi_session *se, struct iscsi_session_info *s)
{
	struct iscsi_iface *iface = iscsi_session_iface_get(se);
	char username[64];

	memset(s, 0, sizeof(*s));
	s->sid = iscsi_session_sid_get(se);
	copy(s->target, sizeof(s->target), iscsi_session_target_name_get(se));
	copy(s->iface, sizeof(s->iface), iface ? iscsi_iface_name_get(iface) : "");
	copy(s->address, sizeof(s->address), iscsi_session_persistent_address_get(se));
	s->port = iscsi_session_persistent_port_get(se);
	s->tpgt = iscsi_session_tpgt_get(se);
	session_attr(s->sid, "state", s->state, sizeof(s->state));
	session_attr(s->sid, "isid", s->isid, sizeof(s->isid));
	session_attr(s->sid, "tsid", s->tsih, sizeof(s->tsih));
	session_attr(s->sid, "initiatorname", s->initiator, sizeof(s->initiator));
	session_attr(s->sid, "first_burst_len", s->first_burst, sizeof(s->first_burst));
	session_attr(s->sid, "max_burst_len", s->max_burst, sizeof(s->max_burst));
	session_attr(s->sid, "max_outstanding_r2t", s->max_r2t, sizeof(s->max_r2t));
	session_attr(s->sid, "initial_r2t", s->initial_r2t, sizeof(s->initial_r2t));
	session_attr(s->sid, "immediate_data", s->immediate_data, sizeof(s->immediate_data));
	session_attr(s->sid, "data_pdu_in_order", s->data_pdu_in_order,
		     sizeof(s->data_pdu_in_order));
	session_attr(s->sid, "data_seq_in_order", s->data_seq_in_order,
		     sizeof(s->data_seq_in_order));
	session_attr(s->sid, "erl", s->erl, sizeof(s->erl));
	session_attr(s->sid, "def_time2wait", s->time2wait, sizeof(s->time2wait));
	session_attr(s->sid, "def_time2retain", s->time2retain, sizeof(s->time2retain));
	/* Only whether CHAP is on: the name and secret stay where they are. */
	session_attr(s->sid, "username", username, sizeof(username));
	copy(s->username, sizeof(s->username), username[0] ? "set" : "");
	/* Offload drivers show the ISID; for iscsi_tcp and iser, iscsid makes
	 * it from the session id and tells only the target. */
	if (!s->isid[0] && iface && software_transport(iscsi_iface_transport_name_get(iface)))
		iscsi_state_isid(s->sid, s->isid, sizeof(s->isid));
	copy(s->local_address, sizeof(s->local_address),
	     iface ? iscsi_iface_ipaddress_get(iface) : "");
	if (!valid_text(s->local_address))
		s->local_address[0] = '\0';
}

int iscsi_state_sessions(struct iscsi_session_info **out, size_t *count, struct esx_err *err)
{
	struct iscsi_context *ctx = NULL;
	struct iscsi_session **ses = NULL;
	struct iscsi_session_info *list = NULL;
	uint32_t n = 0;
	int ret = 0, rc;

	*out = NULL;
	*count = 0;
	if (!exists(SESSION_SYSFS))
		return 0;   /* no iSCSI transport in the kernel: no session */
	ctx = context_new(err);
	if (!ctx)
		return -ENOMEM;
	rc = iscsi_sessions_get(ctx, &ses, &n);
	if (rc != LIBISCSI_OK) {
		ret = err_set(err, EIO, "Unable to read the iSCSI sessions: %s", iscsi_strerror(rc));
		goto out;
	}
	if (n) {
		list = calloc(n, sizeof(*list));
		if (!list) {
			ret = err_set(err, ENOMEM, "out of memory");
			goto out;
		}
	}
	for (uint32_t i = 0; i < n; i++)
		fill_session(ses[i], &list[i]);
	*out = list;
	*count = n;
	list = NULL;
out:
	free(list);
	if (ses)
		iscsi_sessions_free(ses, n);
	iscsi_context_free(ctx);
	return ret;
}

bool iscsi_session_logged_in(const struct iscsi_session_info *s)
{
	return strcmp(s->state, "LOGGED_IN") == 0;
}

int iscsi_state_node_set_read(struct iscsi_state_node_set *set, struct esx_err *err)
{
	int rc;

	memset(set, 0, sizeof(*set));
	if (!exists(NODE_DIR))
		return 0;
	set->ctx = context_new(err);
	if (!set->ctx)
		return -ENOMEM;
	rc = iscsi_nodes_get(set->ctx, &set->nodes, &set->n);
	if (rc != LIBISCSI_OK) {
		iscsi_state_node_set_free(set);
		return err_set(err, EIO, "Unable to read the iSCSI node records: %s",
			       iscsi_strerror(rc));
	}
	return 0;
}

void iscsi_state_node_set_free(struct iscsi_state_node_set *set)
{
	if (set->nodes)
		iscsi_nodes_free(set->nodes, set->n);
	if (set->ctx)
		iscsi_context_free(set->ctx);
	memset(set, 0, sizeof(*set));
}

void iscsi_state_record_value(const char *dump, const char *key, char *out, size_t len)
{
	size_t keylen = strlen(key);

	out[0] = '\0';
	for (const char *line = dump; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);

		if (n > keylen + 3 && strncmp(line, key, keylen) == 0 &&
		    strncmp(line + keylen, " = ", 3) == 0) {
			const char *value = line + keylen + 3;
			size_t vlen = n - keylen - 3;

			if (vlen >= len)
				vlen = len - 1;
			memcpy(out, value, vlen);
			out[vlen] = '\0';
			if (strcmp(out, "<empty>") == 0)
				out[0] = '\0';
			return;
		}
		line = end ? end + 1 : NULL;
	}
}

/* What libopeniscsiusr has no getter for, from its dump of the record
 * (secrets masked: show_secret false). */
static void fill_node_settings(struct iscsi_node *node, struct iscsi_node_info *info)
{
	char *dump = (char *)iscsi_node_dump_config(node, false);
	char port[16];

	if (!dump)
		return;
	iscsi_state_record_value(dump, "node.startup", info->startup, sizeof(info->startup));
	iscsi_state_record_value(dump, "node.discovery_type", info->discovery_type,
				 sizeof(info->discovery_type));
	iscsi_state_record_value(dump, "node.discovery_address", info->discovery_address,
				 sizeof(info->discovery_address));
	iscsi_state_record_value(dump, "node.discovery_port", port, sizeof(port));
	info->discovery_port = (unsigned)strtoul(port, NULL, 10);
	free(dump);
}

int iscsi_state_nodes(struct iscsi_node_info **out, size_t *count, struct esx_err *err)
{
	struct iscsi_state_node_set set;
	struct iscsi_node_info *list = NULL;
	int ret = iscsi_state_node_set_read(&set, err);

	*out = NULL;
	*count = 0;
	if (ret < 0 || set.n == 0)
		goto out;
	list = calloc(set.n, sizeof(*list));
	if (!list) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < set.n; i++) {
		struct iscsi_node *node = set.nodes[i];

		copy(list[i].target, sizeof(list[i].target), iscsi_node_target_name_get(node));
		copy(list[i].address, sizeof(list[i].address), iscsi_node_conn_address_get(node));
		list[i].port = iscsi_node_conn_port_get(node);
		list[i].tpgt = iscsi_node_tpgt_get(node);
		copy(list[i].iface, sizeof(list[i].iface), iscsi_node_iface_name_get(node));
		fill_node_settings(node, &list[i]);
	}
	*out = list;
	*count = set.n;
out:
	iscsi_state_node_set_free(&set);
	return ret;
}

int iscsi_state_iface_exists(const char *name, bool *found, struct esx_err *err)
{
	char path[128];
	struct stat st;
	int n = snprintf(path, sizeof(path), IFACE_DIR "/%s", name);

	*found = false;
	if (n < 0 || (size_t)n >= sizeof(path) || strchr(name, '/') || name[0] == '.')
		return err_set(err, EINVAL, "Invalid iface name '%s'", name);
	if (lstat(path, &st) == 0) {
		*found = true;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
}

bool iscsi_state_discovery_exists(const char *address, unsigned port)
{
	char path[160];
	int n = snprintf(path, sizeof(path), SENDTARGETS_DIR "/%s,%u", address, port);

	return n > 0 && (size_t)n < sizeof(path) && !strchr(address, '/') && exists(path);
}

bool iscsi_state_connection_name(const char *name, unsigned *sid, unsigned *cid)
{
	char *end;
	unsigned long a, b;

	if (strncmp(name, "connection", 10) != 0 || name[10] < '0' || name[10] > '9')
		return false;
	a = strtoul(name + 10, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 10);
	if (*end || a > UINT32_MAX || b > UINT32_MAX)
		return false;
	*sid = (unsigned)a;
	*cid = (unsigned)b;
	return true;
}

static void fill_connection(const struct iscsi_session_info *s, unsigned cid,
			    struct iscsi_connection_info *c)
{
	memset(c, 0, sizeof(*c));
	c->sid = s->sid;
	c->cid = cid;
	copy(c->target, sizeof(c->target), s->target);
	copy(c->iface, sizeof(c->iface), s->iface);
	copy(c->isid, sizeof(c->isid), s->isid);
	copy(c->session_state, sizeof(c->session_state), s->state);
	copy(c->local_address, sizeof(c->local_address), s->local_address);
	connection_attr(s->sid, cid, "state", c->state, sizeof(c->state));
	connection_attr(s->sid, cid, "persistent_address", c->persistent_address,
			sizeof(c->persistent_address));
	connection_attr(s->sid, cid, "address", c->address, sizeof(c->address));
	connection_attr(s->sid, cid, "header_digest", c->header_digest, sizeof(c->header_digest));
	connection_attr(s->sid, cid, "data_digest", c->data_digest, sizeof(c->data_digest));
	connection_attr(s->sid, cid, "max_recv_dlength", c->max_recv_dlength,
			sizeof(c->max_recv_dlength));
	connection_attr(s->sid, cid, "max_xmit_dlength", c->max_xmit_dlength,
			sizeof(c->max_xmit_dlength));
}

static int by_ids(const void *a, const void *b)
{
	const struct iscsi_connection_info *x = a, *y = b;

	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	return x->cid < y->cid ? -1 : x->cid > y->cid;
}

int iscsi_state_connections(struct iscsi_connection_info **out, size_t *count,
			    struct esx_err *err)
{
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_connection_info *list = NULL, *grown;
	struct dirent *de;
	size_t nsessions = 0, n = 0;
	DIR *dir = NULL;
	int ret;

	*out = NULL;
	*count = 0;
	ret = iscsi_state_sessions(&sessions, &nsessions, err);
	if (ret < 0 || nsessions == 0)
		goto out;
	dir = opendir(CONNECTION_SYSFS);
	if (!dir) {
		if (errno != ENOENT)
			ret = err_set(err, errno, "Unable to read " CONNECTION_SYSFS ": %s",
				      strerror(errno));
		goto out;
	}
	while ((de = readdir(dir))) {
		const struct iscsi_session_info *s = NULL;
		unsigned sid, cid;

		if (!iscsi_state_connection_name(de->d_name, &sid, &cid))
			continue;
		for (size_t i = 0; i < nsessions && !s; i++)
			s = sessions[i].sid == sid ? &sessions[i] : NULL;
		if (!s)
			continue;   /* a session that went meanwhile */
		grown = realloc(list, (n + 1) * sizeof(*grown));
		if (!grown) {
			ret = err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		list = grown;
		fill_connection(s, cid, &list[n++]);
	}
	if (n)
		qsort(list, n, sizeof(*list), by_ids);
	*out = list;
	*count = n;
	list = NULL;
out:
	if (dir)
		closedir(dir);
	free(list);
	free(sessions);
	return ret;
}
