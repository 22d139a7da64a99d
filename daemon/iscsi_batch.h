/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A batch of external commands (iscsiadm, modprobe) run through exec
 * without blocking the event loop: one after another, or several at once,
 * each with its own time limit and the exit codes that count as success,
 * the whole within an optional deadline. Every command's outcome is kept for
 * the caller, who is told once when the batch is over. What the commands
 * mean is the caller's business.
 */
#ifndef ESXD_ISCSI_BATCH_H
#define ESXD_ISCSI_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct esx_loop;
struct iscsi_batch;

/* Bit n set: exit code n is a success (0 always is). */
#define ISCSI_OK_CODE(n) (UINT64_C(1) << (n))

struct iscsi_batch_item {
	char text[256];          /* the command line, for messages and the log */
	void *tag;               /* the caller's */
	bool ran;                /* started (false: skipped) */
	bool ok;                 /* ran and exited with an accepted code */
	int status;              /* exit code; -1 when killed or never started */
	bool timed_out;
	char *out;               /* its stdout and stderr; NULL if out of memory */
	char *err;
	char why[ESX_ERR_TEXT_MAX]; /* why it did not run or failed to start, or "" */
};

/* The batch is over: every item ran or was skipped. The batch is the
 * caller's to free, also from here. */
typedef void (*iscsi_batch_done_fn)(struct iscsi_batch *b, void *data);

/* parallel: how many commands may run at once (1: in order).
 * stop_on_failure: after a failure, start nothing more (the rest are
 * skipped). deadline_ms: 0, or the time the whole batch may take, after
 * which nothing new starts and running commands are cut short. */
struct iscsi_batch *iscsi_batch_new(struct esx_loop *loop, unsigned parallel,
				    bool stop_on_failure, unsigned deadline_ms);

/* Queue argv (argv[0] an absolute path; copied) with a time limit and the
 * accepted exit codes beyond 0. 0 or -ENOMEM. Only before start. */
int iscsi_batch_add(struct iscsi_batch *b, const char *const *argv, unsigned timeout_ms,
		    uint64_t ok_codes, void *tag);

/* Run it; done is called later from the loop, exactly once, even for an
 * empty batch. 0, or a negative errno when nothing could start. */
int iscsi_batch_start(struct iscsi_batch *b, iscsi_batch_done_fn done, void *data,
		      struct esx_err *err);

size_t iscsi_batch_count(const struct iscsi_batch *b);
const struct iscsi_batch_item *iscsi_batch_item(const struct iscsi_batch *b, size_t i);
/* Every item ran and succeeded. */
bool iscsi_batch_all_ok(const struct iscsi_batch *b);
/* The first item that did not succeed, or NULL. */
const struct iscsi_batch_item *iscsi_batch_first_failure(const struct iscsi_batch *b);
/* "iscsiadm ... failed (exit 15): <its first line of stderr>" for messages. */
void iscsi_batch_describe(const struct iscsi_batch_item *item, char *out, size_t len);

/* Kill whatever still runs and free everything; done is not called. NULL
 * is allowed. */
void iscsi_batch_free(struct iscsi_batch *b);

#endif
