/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Storage paths of the software adapter, from sysfs, and what they mean for
 * the vmks they go through: Path Status and the impact of a vmk or an
 * uplink going away. A path is a SCSI device of an iSCSI session: the kernel
 * makes one per (session, LUN), and a session is one (iface, portal,
 * target), so a device reached through two bound vmks has two paths.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iscsi_paths.h"

/* ---- sysfs ---- */

/* A whole small sysfs file; -errno when it cannot be read. */
static ssize_t read_file(const char *path, void *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

/* A text attribute without its trailing blanks and newline; "" when the
 * kernel does not have it (or gives "(null)"). */
static void read_attr(const char *dir, const char *name, char *out, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int w = snprintf(path, sizeof(path), "%s/%s", dir, name);

	out[0] = '\0';
	if (w < 0 || (size_t)w >= sizeof(path))
		return;
	n = read_file(path, out, len - 1);
	if (n <= 0)
		return;
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '\t'))
		out[--n] = '\0';
	if (strcmp(out, "(null)") == 0)
		out[0] = '\0';
}

static bool join(char *out, size_t len, const char *a, const char *b)
{
	int w = snprintf(out, len, "%s/%s", a, b);

	return w >= 0 && (size_t)w < len;
}

/* "H:C:T:L", four decimal numbers. */
static bool is_hctl(const char *name)
{
	int fields = 0;

	for (const char *p = name; *p; ) {
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		fields++;
		if (*p == ':')
			p++;
		else if (*p)
			return false;
	}
	return fields == 4 && name[strlen(name) - 1] != ':';
}

/* "sessionN" -> N. */
static bool session_number(const char *name, unsigned *sid)
{
	char *end;
	unsigned long v;

	if (strncmp(name, "session", 7) != 0 || name[7] < '0' || name[7] > '9')
		return false;
	v = strtoul(name + 7, &end, 10);
	if (*end || v > UINT_MAX)
		return false;
	*sid = (unsigned)v;
	return true;
}

/* The portal of session sid: its connection's persistent address (the one
 * it logs in to again after a redirect), else the current one. */
static void session_portal(const char *root, unsigned sid, char *out, size_t len)
{
	char dir[PATH_MAX], conn[PATH_MAX], prefix[32], address[ISCSI_STATE_ADDR_MAX], port[16];
	struct dirent *e;
	DIR *d = NULL;

	out[0] = '\0';
	snprintf(prefix, sizeof(prefix), "connection%u:", sid);
	if (!join(dir, sizeof(dir), root, "class/iscsi_connection"))
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
		    !join(conn, sizeof(conn), dir, e->d_name))
			continue;
		read_attr(conn, "persistent_address", address, sizeof(address));
		read_attr(conn, "persistent_port", port, sizeof(port));
		if (!address[0]) {
			read_attr(conn, "address", address, sizeof(address));
			read_attr(conn, "port", port, sizeof(port));
		}
		if (address[0])
			snprintf(out, len, strchr(address, ':') ? "[%s]:%s" : "%s:%s", address,
				 port[0] ? port : "3260");
		break;
	}
	closedir(d);
}

/* The first entry of a directory (a SCSI device's block/ holds one); ""
 * when there is none or it does not fit. */
static void first_entry(const char *dir, char *out, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	out[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		if (n < len)
			memcpy(out, e->d_name, n + 1);
		break;
	}
	closedir(d);
}

static void spaces_to_underscores(char *s)
{
	for (; *s; s++) {
		if (*s == ' ')
			*s = '_';
	}
}

/* The Unit Serial Number VPD page (80h): the serial, blanks cut. */
static void vpd80_serial(const char *dev, char *out, size_t len)
{
	unsigned char page[256];
	char path[PATH_MAX];
	ssize_t n;
	size_t s, e;

	out[0] = '\0';
	if (!join(path, sizeof(path), dev, "vpd_pg80"))
		return;
	n = read_file(path, page, sizeof(page));
	if (n < 4 || page[1] != 0x80)
		return;
	e = 4 + (size_t)page[3];
	if (e > (size_t)n)
		e = (size_t)n;
	for (s = 4; s < e && page[s] == ' '; s++)
		;
	while (e > s && (page[e - 1] == ' ' || page[e - 1] == '\0'))
		e--;
	for (size_t i = s; i < e; i++) {
		if (page[i] < 0x21 || page[i] > 0x7e)
			return;   /* not a printable serial: do not guess */
	}
	snprintf(out, len, "%.*s", (int)(e - s), (const char *)page + s);
}

/* The LUN's identity: see iscsi_paths_read(). A device without a serial
 * gets its block device's name: two LUNs of one model without serials
 * must not pass for one device with two paths. */
static void device_id(const char *dev, const char *block, char *out, size_t len)
{
	char vendor[64], model[64], serial[128], path[PATH_MAX];
	unsigned char page[1024];
	ssize_t n;

	read_attr(dev, "wwid", out, len);
	if (out[0])
		return;
	if (join(path, sizeof(path), dev, "vpd_pg83")) {
		n = read_file(path, page, sizeof(page));
		if (n > 0 && iscsi_paths_vpd83_id(page, (size_t)n, out, len))
			return;
	}
	read_attr(dev, "vendor", vendor, sizeof(vendor));
	read_attr(dev, "model", model, sizeof(model));
	vpd80_serial(dev, serial, sizeof(serial));
	if (vendor[0] && model[0] && serial[0]) {
		snprintf(out, len, "t10.%s_%s_%s", vendor, model, serial);
		spaces_to_underscores(out);
		return;
	}
	snprintf(out, len, "%s", block);
}

struct path_list {
	struct iscsi_path *items;
	size_t len, cap;
};

static struct iscsi_path *path_add(struct path_list *l)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct iscsi_path *items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return NULL;
		l->items = items;
		l->cap = cap;
	}
	memset(&l->items[l->len], 0, sizeof(l->items[0]));
	return &l->items[l->len++];
}

/* The SCSI devices of one session: targetH:C:T/H:C:T:L under its device. */
static int session_paths(const char *session_dir, const struct iscsi_path *proto,
			 struct path_list *l)
{
	char sdev[PATH_MAX], tdir[PATH_MAX], dev[PATH_MAX], blockdir[PATH_MAX];
	DIR *sd = NULL, *td = NULL;
	struct dirent *t, *e;
	int ret = 0;

	if (!join(sdev, sizeof(sdev), session_dir, "device"))
		return 0;
	sd = opendir(sdev);
	if (!sd)
		return 0;   /* a session going away */
	while (ret == 0 && (t = readdir(sd))) {
		if (strncmp(t->d_name, "target", 6) != 0 || !join(tdir, sizeof(tdir), sdev, t->d_name))
			continue;
		td = opendir(tdir);
		if (!td)
			continue;
		while (ret == 0 && (e = readdir(td))) {
			struct iscsi_path *p;
			char block[ISCSI_PATH_BLOCK_MAX];

			if (!is_hctl(e->d_name) || !join(dev, sizeof(dev), tdir, e->d_name) ||
			    !join(blockdir, sizeof(blockdir), dev, "block"))
				continue;
			/* No block device (an array's controller LUN): not a
			 * path to storage. */
			first_entry(blockdir, block, sizeof(block));
			if (!block[0])
				continue;
			p = path_add(l);
			if (!p) {
				ret = -ENOMEM;
				break;
			}
			*p = *proto;
			snprintf(p->hctl, sizeof(p->hctl), "%s", e->d_name);
			snprintf(p->block, sizeof(p->block), "%s", block);
			read_attr(dev, "state", p->scsi_state, sizeof(p->scsi_state));
			read_attr(dev, "vendor", p->vendor, sizeof(p->vendor));
			read_attr(dev, "model", p->model, sizeof(p->model));
			device_id(dev, block, p->device, sizeof(p->device));
			p->working = strcmp(p->session_state, "LOGGED_IN") == 0 &&
				     strcmp(p->scsi_state, "running") == 0;
		}
		closedir(td);
		td = NULL;
	}
	closedir(sd);
	return ret;
}

/* "2:0:0:10" after "2:0:0:9": numerically, field by field. */
static int hctl_cmp(const char *a, const char *b)
{
	char *ea, *eb;

	while (*a && *b) {
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == ':' ? ea + 1 : ea;
		b = *eb == ':' ? eb + 1 : eb;
	}
	return (*a != '\0') - (*b != '\0');
}

static int path_cmp(const void *x, const void *y)
{
	const struct iscsi_path *a = x, *b = y;

	if (a->sid != b->sid)
		return a->sid < b->sid ? -1 : 1;
	return hctl_cmp(a->hctl, b->hctl);
}

int iscsi_paths_read(const char *root, struct iscsi_path **out, size_t *count,
		     struct esx_err *err)
{
	struct path_list l = { 0 };
	char dir[PATH_MAX], sdir[PATH_MAX];
	struct iscsi_path proto;
	struct dirent *e;
	DIR *d = NULL;
	int ret = 0;

	*out = NULL;
	*count = 0;
	if (!join(dir, sizeof(dir), root, "class/iscsi_session"))
		return err_set(err, ENAMETOOLONG, "The sysfs path %s is too long", root);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;   /* no iSCSI transport in the kernel */
		return err_set(err, errno, "Unable to read %s: %s", dir, strerror(errno));
	}
	while ((e = readdir(d))) {
		memset(&proto, 0, sizeof(proto));
		if (!session_number(e->d_name, &proto.sid) ||
		    !join(sdir, sizeof(sdir), dir, e->d_name))
			continue;
		read_attr(sdir, "ifacename", proto.iface, sizeof(proto.iface));
		read_attr(sdir, "targetname", proto.target, sizeof(proto.target));
		read_attr(sdir, "state", proto.session_state, sizeof(proto.session_state));
		session_portal(root, proto.sid, proto.portal, sizeof(proto.portal));
		ret = session_paths(sdir, &proto, &l);
		if (ret < 0) {
			ret = err_set(err, -ret, "out of memory");
			goto out;
		}
	}
	if (l.len)
		qsort(l.items, l.len, sizeof(l.items[0]), path_cmp);
	*out = l.items;
	*count = l.len;
	l.items = NULL;
out:
	free(l.items);
	closedir(d);
	return ret;
}

/* ---- VPD page 83h ---- */

/* How much a LUN designator is worth, as the kernel ranks them for `wwid`
 * (longer ones clash less); 0: not one to use. */
static int designator_rank(unsigned type, unsigned dlen, const unsigned char *d)
{
	switch (type) {
	case 8:         /* SCSI name string */
		return 8;
	case 3:         /* NAA */
		if (dlen == 16)
			return 7;
		if (dlen == 8)
			return (d[0] >> 4) == 5 ? 4 : 3;
		return 0;
	case 2:         /* EUI-64 */
		return dlen == 16 ? 6 : dlen == 12 ? 5 : dlen == 8 ? 2 : 0;
	case 1:         /* T10 vendor ID */
		return 1;
	default:
		return 0;
	}
}

static bool hex_id(const char *prefix, const unsigned char *d, unsigned dlen, char *out,
		   size_t outlen)
{
	size_t used = strlen(prefix);

	if (used + 2 * (size_t)dlen + 1 > outlen)
		return false;
	memcpy(out, prefix, used);
	for (unsigned i = 0; i < dlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%02x", d[i]);
	return true;
}

static bool text_id(const char *prefix, const unsigned char *d, unsigned dlen, char *out,
		    size_t outlen)
{
	size_t used = (size_t)snprintf(out, outlen, "%s", prefix);

	for (unsigned i = 0; i < dlen && d[i] && used + 1 < outlen; i++)
		out[used++] = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '?';
	out[used] = '\0';
	return used > strlen(prefix);
}

bool iscsi_paths_vpd83_id(const unsigned char *page, size_t len, char *out, size_t outlen)
{
	const unsigned char *best = NULL;
	unsigned best_type = 0, best_len = 0;
	int best_rank = 0;
	size_t end, off;

	if (len < 4 || page[1] != 0x83 || outlen == 0)
		return false;
	end = 4 + (((size_t)page[2] << 8) | page[3]);
	if (end > len)
		end = len;
	for (off = 4; off + 4 <= end; ) {
		const unsigned char *h = page + off;
		unsigned dlen = h[3], association = (h[1] >> 4) & 3, type = h[1] & 0x0f;
		int rank;

		if (off + 4 + dlen > end)
			break;
		off += 4 + dlen;
		if (association != 0 || dlen == 0)
			continue;   /* a port's or the target's, not the LUN's */
		rank = designator_rank(type, dlen, h + 4);
		if (rank > best_rank) {
			best_rank = rank;
			best = h + 4;
			best_type = type;
			best_len = dlen;
		}
	}
	if (!best)
		return false;
	switch (best_type) {
	case 3:
		return hex_id("naa.", best, best_len, out, outlen);
	case 2:
		return hex_id("eui.", best, best_len, out, outlen);
	case 1:
		return text_id("t10.", best, best_len, out, outlen);
	default:        /* a SCSI name string names its own kind: "naa.", "iqn."... */
		return text_id("", best, best_len, out, outlen);
	}
}

/* ---- Path Status ---- */

/* Whether a working path of device goes through an iface other than vmk. */
static bool works_elsewhere(const struct iscsi_path *paths, size_t n, const char *device,
			    const char *vmk)
{
	for (size_t i = 0; i < n; i++) {
		if (paths[i].working && strcmp(paths[i].iface, vmk) != 0 &&
		    strcmp(paths[i].device, device) == 0)
			return true;
	}
	return false;
}

enum iscsi_path_status iscsi_path_status(const struct iscsi_path *paths, size_t n,
					 const char *vmk)
{
	bool active = false;

	for (size_t i = 0; i < n; i++) {
		if (!paths[i].working || strcmp(paths[i].iface, vmk) != 0)
			continue;
		if (!works_elsewhere(paths, n, paths[i].device, vmk))
			return ISCSI_PATH_STATUS_LAST_ACTIVE;
		active = true;
	}
	return active ? ISCSI_PATH_STATUS_ACTIVE : ISCSI_PATH_STATUS_NOT_USED;
}

const char *iscsi_path_status_name(enum iscsi_path_status status)
{
	switch (status) {
	case ISCSI_PATH_STATUS_ACTIVE:
		return "active";
	case ISCSI_PATH_STATUS_LAST_ACTIVE:
		return "lastActive";
	case ISCSI_PATH_STATUS_NOT_USED:
	default:
		return "notUsed";
	}
}

/* ---- impact ---- */

static struct iscsi_device_impact *impact_device(struct iscsi_impact *im, const char *device)
{
	for (size_t i = 0; i < im->ndevices; i++) {
		if (strcmp(im->devices[i].device, device) == 0)
			return &im->devices[i];
	}
	return NULL;
}

/* "sdz" before "sdaa", as ls -v would. */
static int block_cmp(const void *x, const void *y)
{
	const char *a = *(const char *const *)x, *b = *(const char *const *)y;
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

/* The device's block devices, "sdb, sdd" (cut with "..." when too many). */
static int impact_blocks(const struct iscsi_path *paths, size_t n, struct iscsi_device_impact *di)
{
	const char **names = calloc(n ? n : 1, sizeof(*names));
	size_t k = 0, used = 0;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(paths[i].device, di->device) == 0)
			names[k++] = paths[i].block;
	}
	qsort(names, k, sizeof(*names), block_cmp);
	di->blocks[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		size_t need = strlen(names[i]) + (used ? 2 : 0);

		if (used + need + 4 >= sizeof(di->blocks)) {
			snprintf(di->blocks + used, sizeof(di->blocks) - used, "%s...",
				 used ? ", " : "");
			break;
		}
		used += (size_t)snprintf(di->blocks + used, sizeof(di->blocks) - used, "%s%s",
					 used ? ", " : "", names[i]);
	}
	free(names);
	return 0;
}

static int impact_cmp(const void *x, const void *y)
{
	const struct iscsi_device_impact *a = x, *b = y;

	if (a->last != b->last)
		return a->last ? -1 : 1;
	return strcmp(a->device, b->device);
}

int iscsi_impact(const struct iscsi_path *paths, size_t n, const struct esx_strv *gone,
		 struct iscsi_impact *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct iscsi_device_impact *di;

		if (!strv_contains(gone, paths[i].iface) || impact_device(out, paths[i].device))
			continue;
		if (!out->devices) {
			out->devices = calloc(n, sizeof(*out->devices));
			if (!out->devices)
				return -ENOMEM;
		}
		di = &out->devices[out->ndevices++];
		snprintf(di->device, sizeof(di->device), "%s", paths[i].device);
		for (size_t j = 0; j < n; j++) {
			bool lost;

			if (strcmp(paths[j].device, di->device) != 0)
				continue;
			lost = strv_contains(gone, paths[j].iface);
			di->paths++;
			di->lost += lost;
			di->working += paths[j].working;
			di->working_left += paths[j].working && !lost;
		}
		di->last = di->working > 0 && di->working_left == 0;
		out->lost += di->lost;
		if (di->last)
			out->severity = ISCSI_IMPACT_CRITICAL;
		else if (out->severity == ISCSI_IMPACT_NONE)
			out->severity = ISCSI_IMPACT_IMPORTANT;
		if (impact_blocks(paths, n, di) < 0) {
			iscsi_impact_free(out);
			return -ENOMEM;
		}
	}
	if (out->ndevices)
		qsort(out->devices, out->ndevices, sizeof(out->devices[0]), impact_cmp);
	return 0;
}

void iscsi_impact_free(struct iscsi_impact *im)
{
	free(im->devices);
	memset(im, 0, sizeof(*im));
}

/* What happens to one device, after "device X (sdb, sdd) ". */
static void device_fate(const struct iscsi_device_impact *di, char *out, size_t len)
{
	if (di->last && di->lost == di->paths && di->paths == 1)
		snprintf(out, len, "loses its last path and becomes inaccessible");
	else if (di->last && di->lost == di->paths)
		snprintf(out, len, "loses all %u of its paths and becomes inaccessible", di->paths);
	else if (di->last)
		snprintf(out, len, "loses %u of %u paths, the last working one%s, and becomes inaccessible",
			 di->lost, di->paths, di->working > 1 ? "s" : "");
	else if (di->lost == di->paths && di->paths == 1)
		snprintf(out, len, "loses its only path, which does not work now");
	else if (di->lost == di->paths)
		snprintf(out, len, "loses all %u of its paths, none of which works now", di->paths);
	else
		snprintf(out, len, "loses %u of %u paths", di->lost, di->paths);
}

const char *iscsi_impact_text(const struct iscsi_impact *im, char *out, size_t len)
{
	/* Room kept for the summary of devices that do not fit. */
	const size_t tail = 64;
	size_t used, shown = 0, more_last = 0;
	char fate[128], item[ISCSI_PATH_DEVICE_MAX + 320];

	if (len == 0)
		return out;
	if (!im->ndevices) {
		snprintf(out, len, "No impact on storage paths.");
		return out;
	}
	used = (size_t)snprintf(out, len, "Impact:");
	for (; shown < im->ndevices; shown++) {
		const struct iscsi_device_impact *di = &im->devices[shown];
		size_t need;

		device_fate(di, fate, sizeof(fate));
		need = (size_t)snprintf(item, sizeof(item), "%s device %s (%s) %s",
					shown ? ";" : "", di->device, di->blocks, fate);
		if (used + need + (shown + 1 < im->ndevices ? tail : 2) > len)
			break;
		memcpy(out + used, item, need + 1);
		used += need;
	}
	if (shown < im->ndevices) {
		size_t more = im->ndevices - shown;

		for (size_t i = shown; i < im->ndevices; i++)
			more_last += im->devices[i].last;
		if (more_last)
			snprintf(out + used, len - used, "%s %zu more device%s lose%s paths (%zu of them their last working one).",
				 shown ? "; and" : "", more, more == 1 ? "" : "s", more == 1 ? "s" : "",
				 more_last);
		else
			snprintf(out + used, len - used, "%s %zu more device%s lose%s paths.",
				 shown ? "; and" : "", more, more == 1 ? "" : "s", more == 1 ? "s" : "");
	} else if (used + 2 <= len) {
		out[used++] = '.';
		out[used] = '\0';
	}
	return out;
}
