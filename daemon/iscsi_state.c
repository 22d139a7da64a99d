/* SPDX-License-Identifier: GPL-3.0-or-later */
/* open-iscsi's sessions, nodes and ifaces, read through libopeniscsiusr. */
#include "config.h"

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
#define IFACE_DIR "/etc/iscsi/ifaces"   /* open-iscsi's, as Debian builds it */
#define NODE_DIR "/etc/iscsi/nodes"

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

/* One sysfs attribute of a session, its trailing newline cut; "" when the
 * kernel does not have it. */
static void session_attr(unsigned sid, const char *name, char *out, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	out[0] = '\0';
	snprintf(path, sizeof(path), SESSION_SYSFS "/session%u/%s", sid, name);
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

static void copy(char *to, size_t len, const char *from)
{
	snprintf(to, len, "%s", from ? from : "");
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
