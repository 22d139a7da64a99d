/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * open-iscsi's record files, written directly for what must never be on a
 * command line: the CHAP lines (node.session.auth.* of node records,
 * discovery.sendtargets.auth.* of SendTargets discovery records). Every
 * write holds open-iscsi's own database lock, taken as usr/idbm.c takes it
 * (link() of LOCK_DIR/lock to LOCK_DIR/lock.write), and replaces the file
 * atomically (temporary file 0600, fsync, rename, fsync of the directory),
 * keeping every line that is not an auth line. Waiting for the lock never
 * blocks the event loop: an update retries every 10 ms from a timer, as
 * idbm_lock() does with usleep, up to a time limit; once it holds the lock
 * it does all its work at once and releases it before returning to the
 * loop.
 */
#ifndef ESXD_ISCSI_RECORDS_H
#define ESXD_ISCSI_RECORDS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "iqn.h"

struct esx_loop;

/* Where open-iscsi keeps its records and its lock. */
struct iscsi_db {
	const char *dir;          /* "/etc/iscsi": nodes/, send_targets/ */
	const char *lock_dir;     /* "/run/lock/iscsi": lock, lock.write */
};
extern const struct iscsi_db iscsi_db_system;

/* open-iscsi keeps a CHAP name or secret in 256 bytes with its NUL
 * (AUTH_STR_MAX_LEN); a record line is cut at 256 (VALUE_MAXVAL). */
#define ISCSI_AUTH_TEXT_MAX 255

/* Why text cannot be a CHAP name or secret in a record file, or NULL:
 * empty, longer than ISCSI_AUTH_TEXT_MAX bytes, a control character
 * (a newline would start a new record line), a byte outside ASCII, or a
 * blank at either end (open-iscsi strips them when it reads the line). */
const char *iscsi_auth_text_invalid(const char *text);

enum iscsi_record_kind { ISCSI_RECORD_NODE, ISCSI_RECORD_SENDTARGETS };

#define ISCSI_RECORD_ADDR_MAX 64
#define ISCSI_RECORD_IFACE_MAX 65

/* One record file and what identifies it. */
struct iscsi_record {
	enum iscsi_record_kind kind;
	char path[PATH_MAX];
	/* A node record: */
	char target[ISCSI_NAME_MAX];
	int tpgt;                                 /* -1 when unknown */
	char iface[ISCSI_RECORD_IFACE_MAX];
	bool discovered;                          /* node.discovery_type = send_targets */
	char discovery_address[ISCSI_RECORD_ADDR_MAX];   /* "" for a static record */
	unsigned discovery_port;
	/* The node's portal, or the SendTargets address: */
	char address[ISCSI_RECORD_ADDR_MAX];
	unsigned port;
};

/* The auth lines a record should have. An empty string removes its line
 * (open-iscsi writes no line for an empty value). */
struct iscsi_auth {
	bool chap;                                   /* authmethod CHAP, else None */
	char username[ISCSI_AUTH_TEXT_MAX + 1];
	char password[ISCSI_AUTH_TEXT_MAX + 1];
	char username_in[ISCSI_AUTH_TEXT_MAX + 1];   /* mutual CHAP: the target's */
	char password_in[ISCSI_AUTH_TEXT_MAX + 1];
};

/* Called for every record; a non-zero return stops the walk and is
 * returned. */
typedef int (*iscsi_records_visit_fn)(const struct iscsi_record *rec, void *data);

/* Visit the node records (nodes/TARGET/PORTAL,TPGT/IFACE, and the old
 * nodes/TARGET/PORTAL files) and the SendTargets records
 * (send_targets/PORTAL/st_config). Reads without the lock: fine for
 * finding records; what is written is read again under it. Directories
 * that do not exist hold no record. */
int iscsi_records_scan(const struct iscsi_db *db, iscsi_records_visit_fn visit, void *data,
		       struct esx_err *err);

/* Take and release the lock. trylock: 0 (held now), -EAGAIN (someone
 * else holds it) or another negative errno with a message. */
int iscsi_db_trylock(const struct iscsi_db *db, struct esx_err *err);
void iscsi_db_unlock(const struct iscsi_db *db);

/* Give rec the auth lines of auth (its kind says which keys), keeping
 * every other line; *changed says whether the file was rewritten (it is
 * left alone when it already says so). The caller holds the lock. A name
 * or secret that iscsi_auth_text_invalid refuses is -EINVAL: nothing is
 * written. */
int iscsi_record_set_auth(const struct iscsi_record *rec, const struct iscsi_auth *auth,
			  bool *changed, struct esx_err *err);

/* ---- an update of many records, from the loop ---- */

/* Which auth lines rec should have: 1 and auth filled (the record is the
 * caller's), 0 (not the caller's: left alone). Called with the lock held. */
typedef int (*iscsi_records_want_fn)(const struct iscsi_record *rec, struct iscsi_auth *auth,
				     void *data);

struct iscsi_records_outcome {
	size_t owned;          /* records the caller claimed */
	size_t written;        /* of those, rewritten */
	size_t failed;         /* of those, not written (first_error says why) */
	bool locked_out;       /* the lock was not had within the time limit */
	char first_error[ESX_ERR_TEXT_MAX];
};

typedef void (*iscsi_records_done_fn)(const struct iscsi_records_outcome *outcome, void *data);

struct iscsi_records_job;

/* Take the lock (retrying every 10 ms for up to lock_timeout_ms), then for
 * every record ask want and give it those auth lines, release the lock and
 * call done, always from the loop and exactly once (unless the job is
 * freed first). */
int iscsi_records_update(struct esx_loop *loop, const struct iscsi_db *db,
			 unsigned lock_timeout_ms, iscsi_records_want_fn want, void *want_data,
			 iscsi_records_done_fn done, void *data, struct iscsi_records_job **out,
			 struct esx_err *err);
/* Stop waiting and free; done is not called. NULL is allowed. Never
 * called while the lock is held (the job holds it only inside one
 * callback). */
void iscsi_records_job_free(struct iscsi_records_job *job);

#endif
