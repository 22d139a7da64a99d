/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Claiming the adapter's new LUNs for dm-multipath (see mpath_claim.h).
 *
 * One pass: `udevadm settle` (so the disks the kernel just made are known to
 * udev, whose ID_SERIAL multipath takes as the WWID), sysfs's disks of the
 * adapter's sessions, multipathd's paths (`show paths raw format`: which
 * disks it has in a map, and the WWID it computed for the ones it ignored),
 * the wwids file; then, one disk after the other, `multipath -a /dev/sdX`
 * for a WWID not recorded yet and `add path sdX`. multipathd's cli_add_path
 * takes a path it already holds as an orphan through ev_add_path again,
 * whose should_multipath() now finds the WWID in the file and makes the map
 * (multipath-tools 0.9.4). Everything runs through exec.h and
 * mpath_client.h: the loop never waits.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "exec.h"
#include "file_read.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "mpath_claim.h"
#include "mpath_client.h"
#include "transaction.h"

#define CLAIM_SETTLE_TIMEOUT_MS 15000
#define CLAIM_MULTIPATH_TIMEOUT_MS 30000
#define CLAIM_RETRY_MS 3000
#define CLAIM_RETRIES 5                 /* 15 s for a new session's LUNs to show */
#define CLAIM_WWIDS_MAX (4u * 1024 * 1024)

enum claim_step { STEP_IDLE, STEP_SETTLE, STEP_PATHS, STEP_RECORD, STEP_ADD, STEP_WAIT };

struct mpath_claim {
	struct esxd *d;
	enum claim_step step;
	bool again;                     /* a run was asked for during the pass */
	unsigned retries;               /* passes left for late disks */
	struct loop_timer timer;
	struct exec_job *job;
	struct mpath_request *req;
	struct esx_strv ifaces;
	struct iscsi_path *paths;
	size_t npaths;
	struct esx_strv wwids;          /* the file's, and those recorded since */
	struct mpath_claim_disk *disks;
	size_t ndisks, next;
	bool pending;                   /* a session of the adapter had no disk yet, or
					 * multipathd could not add one: pass again */
};

/* ---- pure parts ---- */

int mpath_claim_ifaces(const struct iscsi_config *iscsi, struct esx_strv *out)
{
	if (!iscsi->enabled)
		return 0;
	if (iscsi->nbindings == 0)
		return strv_add(out, "default");
	for (size_t i = 0; i < iscsi->nbindings; i++) {
		int ret = strv_add_unique(out, iscsi->bindings[i].vmk);

		if (ret < 0)
			return ret;
	}
	return 0;
}

int mpath_wwids_parse(const char *text, struct esx_strv *out)
{
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		const char *end = eol ? eol : line + strlen(line);

		if (line[0] == '/') {
			const char *close = memchr(line + 1, '/', (size_t)(end - line - 1));
			size_t len = close ? (size_t)(close - line - 1) : 0;

			if (len > 0 && len < MPATH_WWID_MAX) {
				char wwid[MPATH_WWID_MAX];
				int ret;

				memcpy(wwid, line + 1, len);
				wwid[len] = '\0';
				ret = strv_add_unique(out, wwid);
				if (ret < 0)
					return ret;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return 0;
}

/* field of at most len - 1 characters from [start, end), or false. */
static bool copy_field(const char *start, const char *end, char *out, size_t len)
{
	size_t n = (size_t)(end - start);

	if (n == 0 || n >= len)
		return false;
	memcpy(out, start, n);
	out[n] = '\0';
	return true;
}

int mpath_known_paths_parse(const char *text, struct mpath_known_path **out, size_t *count)
{
	struct mpath_known_path *known = NULL;
	size_t n = 0;
	const char *line = text;
	int ret = 0;

	*out = NULL;
	*count = 0;
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		const char *end = eol ? eol : line + strlen(line);
		const char *bar1 = memchr(line, '|', (size_t)(end - line));
		const char *bar2 = bar1 ? memchr(bar1 + 1, '|', (size_t)(end - bar1 - 1)) : NULL;
		struct mpath_known_path p = { 0 };
		struct mpath_known_path *grown;
		char map[256];
		bool ok;

		while (bar2 && end > bar2 + 1 && (end[-1] == ' ' || end[-1] == '\r'))
			end--;
		/* A WWID may be empty: multipathd could not get one. */
		ok = bar2 && copy_field(line, bar1, p.dev, sizeof(p.dev)) &&
		     copy_field(bar1 + 1, bar2, map, sizeof(map)) &&
		     (end == bar2 + 1 || copy_field(bar2 + 1, end, p.wwid, sizeof(p.wwid)));
		line = eol ? eol + 1 : NULL;
		if (!ok)
			continue;
		p.mapped = strcmp(map, "[orphan]") != 0;
		grown = realloc(known, (n + 1) * sizeof(*grown));
		if (!grown) {
			ret = -ENOMEM;
			goto out;
		}
		known = grown;
		known[n++] = p;
	}
	*out = known;
	*count = n;
	known = NULL;
out:
	free(known);
	return ret;
}

bool mpath_added_wwid(const char *output, char *wwid, size_t len)
{
	static const char prefix[] = "wwid '";
	static const char suffix[] = "' added";
	const char *start = strstr(output, prefix);
	const char *end;

	if (!start)
		return false;
	start += sizeof(prefix) - 1;
	end = strstr(start, suffix);
	if (!end || memchr(start, '\n', (size_t)(end - start)))
		return false;
	return copy_field(start, end, wwid, len);
}

static const struct mpath_known_path *find_known(const struct mpath_known_path *known, size_t n,
						 const char *dev)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(known[i].dev, dev) == 0)
			return &known[i];
	return NULL;
}

/* Whether an earlier candidate records wwid already. */
static bool recorded_before(const struct mpath_claim_disk *disks, size_t n, const char *wwid)
{
	for (size_t i = 0; i < n; i++)
		if (disks[i].record && strcmp(disks[i].wwid, wwid) == 0)
			return true;
	return false;
}

int mpath_claim_candidates(const struct iscsi_path *paths, size_t n,
			   const struct esx_strv *ifaces,
			   const struct mpath_known_path *known, size_t nknown,
			   const struct esx_strv *wwids,
			   struct mpath_claim_disk **out, size_t *count)
{
	struct mpath_claim_disk *disks = NULL;
	size_t ndisks = 0;

	*out = NULL;
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		const struct iscsi_path *p = &paths[i];
		const struct mpath_known_path *k;
		struct mpath_claim_disk *grown, *disk;

		if (!p->working || !p->block[0] || !strv_contains(ifaces, p->iface))
			continue;
		k = find_known(known, nknown, p->block);
		if (k && k->mapped)
			continue;
		grown = realloc(disks, (ndisks + 1) * sizeof(*grown));
		if (!grown) {
			free(disks);
			return -ENOMEM;
		}
		disks = grown;
		disk = &disks[ndisks];
		memset(disk, 0, sizeof(*disk));
		snprintf(disk->block, sizeof(disk->block), "%s", p->block);
		snprintf(disk->device, sizeof(disk->device), "%s", p->device);
		if (k)
			snprintf(disk->wwid, sizeof(disk->wwid), "%s", k->wwid);
		disk->record = !disk->wwid[0] ||
			       (!strv_contains(wwids, disk->wwid) &&
				!recorded_before(disks, ndisks, disk->wwid));
		ndisks++;
	}
	*out = disks;
	*count = ndisks;
	return 0;
}

bool mpath_claim_disks_pending(const struct iscsi_session_info *sessions, size_t nsessions,
			       const struct iscsi_path *paths, size_t n,
			       const struct esx_strv *ifaces)
{
	for (size_t i = 0; i < nsessions; i++) {
		bool has_disk = false;

		if (!iscsi_session_logged_in(&sessions[i]) ||
		    !strv_contains(ifaces, sessions[i].iface))
			continue;
		for (size_t j = 0; j < n && !has_disk; j++)
			has_disk = paths[j].sid == sessions[i].sid && paths[j].block[0];
		if (!has_disk)
			return true;
	}
	return false;
}

/* ---- the pass ---- */

static const char *program(const char *usr, const char *root)
{
	return access(usr, X_OK) == 0 ? usr : root;
}

static void pass_reset(struct mpath_claim *c)
{
	strv_free(&c->ifaces);
	strv_free(&c->wwids);
	free(c->paths);
	c->paths = NULL;
	c->npaths = 0;
	free(c->disks);
	c->disks = NULL;
	c->ndisks = c->next = 0;
	c->pending = false;
}

static void pass_start(struct mpath_claim *c);

/* The pass is over: another if one was asked for, or a later one while a
 * session of the adapter still waits for its disks. */
static void pass_end(struct mpath_claim *c)
{
	bool pending = c->pending;

	log_debug("dm-multipath: claim pass over, %zu disk(s) to claim%s", c->ndisks,
		  pending && c->retries > 0 ? "; another pass follows" : "");
	pass_reset(c);
	if (c->again) {
		c->again = false;
		c->retries = CLAIM_RETRIES;
		pass_start(c);
	} else if (pending && c->retries > 0) {
		c->retries--;
		c->step = STEP_WAIT;
		loop_timer_arm(c->d->loop, &c->timer, loop_now_ms() + CLAIM_RETRY_MS);
	} else {
		c->step = STEP_IDLE;
	}
}

static void disk_next(struct mpath_claim *c);

static void add_done(const struct mpath_reply *reply, void *data)
{
	struct mpath_claim *c = data;
	const struct mpath_claim_disk *disk = &c->disks[c->next];

	c->req = NULL;
	if (reply->status < 0)
		log_warn("dm-multipath: add path %s: %s", disk->block, reply->err->text);
	else if (strncmp(reply->text, "blacklisted", 11) == 0)
		log_info("dm-multipath: %s (%s) is blacklisted in multipath's configuration: not claimed",
			 disk->block, disk->device);
	else if (strncmp(reply->text, "ok", 2) != 0 && c->retries > 0) {
		/* Typically udev has not given the new disk its ID_SERIAL yet;
		 * multipathd maps it on its own uevent then (the WWID is in the
		 * file), and the next pass checks. */
		log_info("dm-multipath: multipathd could not add path %s yet: %.*s; tried again",
			 disk->block, (int)strcspn(reply->text, "\n"), reply->text);
		c->pending = true;
	} else if (strncmp(reply->text, "ok", 2) != 0)
		log_warn("dm-multipath: multipathd refused add path %s: %.*s", disk->block,
			 (int)strcspn(reply->text, "\n"), reply->text);
	else
		log_debug("dm-multipath: %s handed to multipathd", disk->block);
	c->next++;
	disk_next(c);
}

static void add_path(struct mpath_claim *c)
{
	const struct mpath_claim_disk *disk = &c->disks[c->next];
	struct esx_err err = { 0 };
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "add path %s", disk->block);
	c->step = STEP_ADD;
	if (mpath_request(c->d->loop, c->d->cfg.mpathd_socket, cmd, 0, add_done, c, &c->req,
			  &err) < 0) {
		log_warn("dm-multipath: add path %s: %s", disk->block, err.text);
		c->next++;
		disk_next(c);
	}
}

static void record_done(const struct exec_result *r, void *data)
{
	struct mpath_claim *c = data;
	const struct mpath_claim_disk *disk = &c->disks[c->next];
	char wwid[MPATH_WWID_MAX];

	c->job = NULL;
	if (r->exit_status != 0 || !mpath_added_wwid(r->out, wwid, sizeof(wwid))) {
		/* Without a word on stdout multipath found no WWID to record:
		 * the admin's blacklist, most likely, which is respected. */
		if (r->exit_status == 1 && !r->timed_out && r->out[strspn(r->out, " \n")] == '\0')
			log_info("dm-multipath: %s (%s) not claimed: multipath -a found no WWID for it "
				 "(blacklisted?)", disk->block, disk->device);
		else
			log_warn("dm-multipath: multipath -a /dev/%s failed (status %d%s): %.*s%.*s",
				 disk->block, r->exit_status, r->timed_out ? ", timed out" : "",
				 (int)strcspn(r->out, "\n"), r->out, (int)strcspn(r->err, "\n"),
				 r->err);
		c->next++;
		disk_next(c);
		return;
	}
	/* Once per WWID: the file had it not, and no disk of this pass added it. */
	if (!strv_contains(&c->wwids, wwid)) {
		log_notice("dm-multipath: claimed %s (WWID %s, via %s) for multipathing: its WWID "
			   "is now in %s", disk->device, wwid, disk->block, MPATH_WWIDS_FILE);
		if (strv_add(&c->wwids, wwid) < 0)
			log_err("out of memory remembering a claimed WWID");
	}
	add_path(c);
}

static void record(struct mpath_claim *c)
{
	const struct mpath_claim_disk *disk = &c->disks[c->next];
	char dev[ISCSI_PATH_BLOCK_MAX + 8];
	const char *argv[] = {
		program("/usr/sbin/multipath", "/sbin/multipath"), "-a", dev, NULL
	};
	struct exec_spec spec = { .argv = argv, .timeout_ms = CLAIM_MULTIPATH_TIMEOUT_MS };
	struct esx_err err = { 0 };

	snprintf(dev, sizeof(dev), "/dev/%s", disk->block);
	c->step = STEP_RECORD;
	if (exec_start(c->d->loop, &spec, record_done, c, &c->job, &err) < 0) {
		log_warn("dm-multipath: %s not claimed: %s", disk->block, err.text);
		c->next++;
		disk_next(c);
	}
}

static void disk_next(struct mpath_claim *c)
{
	struct mpath_claim_disk *disk;

	if (c->next >= c->ndisks) {
		pass_end(c);
		return;
	}
	disk = &c->disks[c->next];
	/* A WWID recorded by an earlier disk of this pass needs no second -a. */
	if (disk->record && disk->wwid[0] && strv_contains(&c->wwids, disk->wwid))
		disk->record = false;
	if (disk->record)
		record(c);
	else
		add_path(c);
}

/* Read the wwids file: ENOENT is none recorded; other failures only cost
 * a redundant `multipath -a` (it checks the file again itself). */
static void read_wwids(struct mpath_claim *c)
{
	struct esx_err err = { 0 };
	char *text = NULL;
	int ret = file_read_all(MPATH_WWIDS_FILE, CLAIM_WWIDS_MAX, &text, NULL, &err);

	if (ret < 0 && ret != -ENOENT)
		log_warn("dm-multipath: %s", err.text);
	if (ret == 0 && mpath_wwids_parse(text, &c->wwids) < 0)
		log_err("out of memory reading %s", MPATH_WWIDS_FILE);
	free(text);
}

static void paths_done(const struct mpath_reply *reply, void *data)
{
	struct mpath_claim *c = data;
	struct mpath_known_path *known = NULL;
	size_t nknown = 0;

	c->req = NULL;
	if (reply->status < 0) {
		log_info("dm-multipath: multipathd does not answer (%s): new LUNs not claimed",
			 reply->err->text);
		goto end;
	}
	if (mpath_known_paths_parse(reply->text, &known, &nknown) < 0) {
		log_err("out of memory reading multipathd's paths");
		goto end;
	}
	read_wwids(c);
	if (mpath_claim_candidates(c->paths, c->npaths, &c->ifaces, known, nknown, &c->wwids,
				   &c->disks, &c->ndisks) < 0) {
		log_err("out of memory choosing the disks to claim");
		goto end;
	}
	free(known);
	disk_next(c);
	return;
end:
	free(known);
	pass_end(c);
}

/* The adapter's disks, and whether some of its sessions wait for theirs;
 * false when there is nothing to claim. */
static bool read_disks(struct mpath_claim *c)
{
	struct iscsi_session_info *sessions = NULL;
	size_t nsessions = 0;
	struct esx_err err = { 0 };
	bool any = false;

	if (iscsi_paths_read(ISCSI_PATHS_SYSFS, &c->paths, &c->npaths, &err) < 0) {
		log_warn("dm-multipath: new LUNs not claimed: %s", err.text);
		goto out;
	}
	if (iscsi_state_sessions(&sessions, &nsessions, &err) < 0)
		log_warn("dm-multipath: cannot list the iSCSI sessions: %s", err.text);
	c->pending = mpath_claim_disks_pending(sessions, nsessions, c->paths, c->npaths,
					       &c->ifaces);
	for (size_t i = 0; i < c->npaths && !any; i++)
		any = c->paths[i].working && c->paths[i].block[0] &&
		      strv_contains(&c->ifaces, c->paths[i].iface);
out:
	free(sessions);
	return any;
}

/* After udev settled: the disks, then multipathd's view of them. */
static void look(struct mpath_claim *c)
{
	struct esx_err err = { 0 };

	if (!read_disks(c)) {
		pass_end(c);
		return;
	}
	c->step = STEP_PATHS;
	if (mpath_request(c->d->loop, c->d->cfg.mpathd_socket, "show paths raw format %d|%m|%w",
			  0, paths_done, c, &c->req, &err) < 0) {
		log_info("dm-multipath: multipathd does not answer (%s): new LUNs not claimed",
			 err.text);
		pass_end(c);
	}
}

static void settle_done(const struct exec_result *r, void *data)
{
	struct mpath_claim *c = data;

	c->job = NULL;
	if (r->exit_status != 0)
		log_debug("dm-multipath: udevadm settle ended with status %d", r->exit_status);
	look(c);
}

static void pass_start(struct mpath_claim *c)
{
	const struct model *m = model_current(c->d);
	const char *argv[] = {
		program("/usr/bin/udevadm", "/bin/udevadm"), "settle", "--timeout=10", NULL
	};
	struct exec_spec spec = { .argv = argv, .timeout_ms = CLAIM_SETTLE_TIMEOUT_MS };
	struct esx_err err = { 0 };

	c->step = STEP_SETTLE;
	if (!m || mpath_claim_ifaces(&m->iscsi, &c->ifaces) < 0 || c->ifaces.len == 0) {
		pass_end(c);
		return;
	}
	if (exec_start(c->d->loop, &spec, settle_done, c, &c->job, &err) < 0) {
		/* Late disks are waited for by the retries anyway. */
		log_debug("dm-multipath: udevadm settle not run: %s", err.text);
		look(c);
	}
}

static void retry(struct esx_loop *loop, void *data)
{
	struct mpath_claim *c = data;

	(void)loop;
	pass_start(c);
}

void mpath_claim_run(struct mpath_claim *c)
{
	if (!c)
		return;
	if (c->step == STEP_WAIT) {
		loop_timer_disarm(c->d->loop, &c->timer);
		c->step = STEP_IDLE;
	}
	if (c->step != STEP_IDLE) {
		c->again = true;
		return;
	}
	c->retries = CLAIM_RETRIES;
	pass_start(c);
}

int mpath_claim_new(struct esxd *d, struct mpath_claim **out, struct esx_err *err)
{
	struct mpath_claim *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return err_set(err, ENOMEM, "out of memory");
	c->d = d;
	loop_timer_init(&c->timer, retry, c);
	*out = c;
	return 0;
}

void mpath_claim_free(struct mpath_claim *c)
{
	if (!c)
		return;
	loop_timer_disarm(c->d->loop, &c->timer);
	if (c->job)
		exec_cancel(c->job);
	if (c->req)
		mpath_request_cancel(c->req);
	pass_reset(c);
	free(c);
}
