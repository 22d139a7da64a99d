/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deleting one open-iscsi node record by hand, under open-iscsi's lock. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iscsi_idbm.h"
#include "iscsi_records.h"
#include "iscsi_state.h"

/* Debian's open-iscsi: ISCSI_CONFIG_ROOT and LOCK_DIR (usr/idbm.h). */
#define CONFIG_DIR "/etc/iscsi"
#define LOCK_DIR "/run/lock/iscsi"
#define LOCK_TRIES 50        /* x 10 ms: iscsiadm waits 30 s, we do not */
#define LOCK_WAIT_NS 10000000L

static char config_root[256] = CONFIG_DIR;
static char lock_root[256] = LOCK_DIR;

void iscsi_idbm_set_roots(const char *config_dir, const char *lock_dir)
{
	snprintf(config_root, sizeof(config_root), "%s",
		 config_dir && config_dir[0] ? config_dir : CONFIG_DIR);
	snprintf(lock_root, sizeof(lock_root), "%s", lock_dir && lock_dir[0] ? lock_dir : LOCK_DIR);
}

/* A path component read from a record: never one that leaves its folder. */
static bool component_ok(const char *s)
{
	return s[0] && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int path(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int path(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* open-iscsi's lock (iscsi_records.h), waited for a little: LOCK_TRIES x
 * 10 ms at most, as idbm_lock() waits between its tries. */
static int lock_take(struct esx_err *err)
{
	const struct iscsi_db db = { config_root, lock_root };
	struct timespec wait = { 0, LOCK_WAIT_NS };

	for (int i = 0; i < LOCK_TRIES; i++) {
		int ret = iscsi_db_trylock(&db, err);

		if (ret != -EAGAIN)
			return ret;
		nanosleep(&wait, NULL);
	}
	return err_set(err, EBUSY, "open-iscsi's records are locked (%s/lock.write); try again",
		       lock_root);
}

static void lock_release(void)
{
	const struct iscsi_db db = { config_root, lock_root };

	iscsi_db_unlock(&db);
}

static int remove_file(const char *file, struct esx_err *err)
{
	if (unlink(file) < 0 && errno != ENOENT)
		return err_set(err, errno, "Unable to delete %s: %s", file, strerror(errno));
	return 0;
}

static bool is_regular(const char *file)
{
	struct stat st;

	return lstat(file, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether an old-style record file is iface's (it holds whichever iface
 * was written last). */
static bool old_record_of(const char *file, const char *iface)
{
	char *text = NULL, value[64];
	size_t len = 0;
	FILE *f = fopen(file, "re");
	bool mine = false;

	if (!f)
		return false;
	if (getdelim(&text, &len, '\0', f) > 0) {
		iscsi_state_record_value(text, "iface.iscsi_ifacename", value, sizeof(value));
		mine = strcmp(value, iface) == 0;
	}
	free(text);
	fclose(f);
	return mine;
}

/* With the lock held. */
static int delete_locked(const struct iscsi_node_info *node, struct esx_err *err)
{
	char target[600], portal[700], record[800], link_path[1200];
	int ret;

	if (path(target, sizeof(target), "%s/nodes/%s", config_root, node->target) < 0)
		return err_set(err, ENAMETOOLONG, "The record path of %s is too long", node->target);
	/* open-iscsi writes a record of unknown portal group (-1) the old
	 * way: a file named ADDR,PORT, one per portal whatever the iface. */
	if (node->tpgt < 0) {
		if (path(record, sizeof(record), "%s/%s,%u", target, node->address, node->port) < 0)
			return err_set(err, ENAMETOOLONG, "The record path is too long");
		if (!is_regular(record) || !old_record_of(record, node->iface))
			return 0;
		ret = remove_file(record, err);
		if (ret == 0)
			rmdir(target);
		return ret;
	}
	if (path(portal, sizeof(portal), "%s/%s,%u,%d", target, node->address, node->port,
		 node->tpgt) < 0 ||
	    path(record, sizeof(record), "%s/%s", portal, node->iface) < 0)
		return err_set(err, ENAMETOOLONG, "The record path is too long");
	ret = remove_file(record, err);
	if (ret < 0)
		return ret;
	if (strcmp(node->discovery_type, "send_targets") == 0 &&
	    component_ok(node->discovery_address) &&
	    path(link_path, sizeof(link_path), "%s/send_targets/%s,%u/%s,%s,%u,%d,%s", config_root,
		 node->discovery_address, node->discovery_port, node->target, node->address,
		 node->port, node->tpgt, node->iface) == 0)
		remove_file(link_path, err);
	/* Emptied folders go, as iscsiadm removes them; others stay. */
	if (rmdir(portal) == 0)
		rmdir(target);
	return 0;
}

int iscsi_idbm_delete_node(const struct iscsi_node_info *node, struct esx_err *err)
{
	int ret;

	if (!component_ok(node->target) || !component_ok(node->address) ||
	    !component_ok(node->iface))
		return err_set(err, EINVAL, "Refusing to delete a node record with the name %s/%s/%s",
			       node->target, node->address, node->iface);
	ret = lock_take(err);
	if (ret < 0)
		return ret;
	ret = delete_locked(node, err);
	lock_release();
	return ret;
}
