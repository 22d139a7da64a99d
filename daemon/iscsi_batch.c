/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Batches of external commands over exec: in order or several at once. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "iscsi_batch.h"
#include "log.h"
#include "loop.h"

struct entry {
	struct iscsi_batch_item item;
	char **argv;
	unsigned timeout_ms;
	uint64_t ok_codes;
	struct exec_job *job;    /* while it runs */
	struct iscsi_batch *batch;
	bool finished;
};

struct iscsi_batch {
	struct esx_loop *loop;
	struct entry *entries;
	size_t count;
	size_t next;             /* the first not yet started */
	unsigned running;
	unsigned parallel;
	bool stop_on_failure;
	bool failed;
	bool started;
	unsigned deadline_ms;
	uint64_t ends_at;        /* loop_now_ms() + deadline, or 0 */
	struct loop_timer empty; /* reports an empty batch from the loop */
	iscsi_batch_done_fn done;
	void *data;
};

static char *copy_text(const char *s, size_t len)
{
	char *c = malloc(len + 1);

	if (!c)
		return NULL;
	memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

static void entry_release(struct entry *e)
{
	if (e->argv) {
		for (char **a = e->argv; *a; a++)
			free(*a);
		free(e->argv);
	}
	free(e->item.out);
	free(e->item.err);
}

struct iscsi_batch *iscsi_batch_new(struct esx_loop *loop, unsigned parallel,
				    bool stop_on_failure, unsigned deadline_ms)
{
	struct iscsi_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->loop = loop;
	b->parallel = parallel ? parallel : 1;
	b->stop_on_failure = stop_on_failure;
	b->deadline_ms = deadline_ms;
	return b;
}

int iscsi_batch_add(struct iscsi_batch *b, const char *const *argv, unsigned timeout_ms,
		    uint64_t ok_codes, void *tag)
{
	struct entry *grown, *e;
	size_t n = 0;

	if (b->started)
		return -EBUSY;
	while (argv[n])
		n++;
	grown = realloc(b->entries, (b->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	b->entries = grown;
	e = &b->entries[b->count];
	memset(e, 0, sizeof(*e));
	e->argv = calloc(n + 1, sizeof(*e->argv));
	if (!e->argv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		e->argv[i] = strdup(argv[i]);
		if (!e->argv[i]) {
			entry_release(e);
			return -ENOMEM;
		}
	}
	exec_format_argv(argv, e->item.text, sizeof(e->item.text));
	e->item.tag = tag;
	e->item.status = -1;
	e->timeout_ms = timeout_ms;
	e->ok_codes = ok_codes | ISCSI_OK_CODE(0);
	b->count++;
	return 0;
}

static void pump(struct iscsi_batch *b);

static void entry_done(const struct exec_result *r, void *data)
{
	struct entry *e = data;
	struct iscsi_batch *b = e->batch;

	e->job = NULL;
	e->finished = true;
	b->running--;
	e->item.status = r->exit_status;
	e->item.timed_out = r->timed_out;
	e->item.out = copy_text(r->out, r->out_len);
	e->item.err = copy_text(r->err, r->err_len);
	e->item.ok = !r->timed_out && r->exit_status >= 0 && r->exit_status < 64 &&
		     (e->ok_codes & ISCSI_OK_CODE(r->exit_status));
	if (r->timed_out)
		snprintf(e->item.why, sizeof(e->item.why), "did not finish within %u s",
			 (unsigned)((r->elapsed_ms + 999) / 1000));
	if (!e->item.ok) {
		b->failed = true;
		log_debug("%s: exit %d%s", e->item.text, r->exit_status,
			  r->timed_out ? " (timed out)" : "");
	}
	pump(b);
}

/* Start what may start; report when nothing runs and nothing is left. */
static void pump(struct iscsi_batch *b)
{
	uint64_t now = loop_now_ms();

	while (b->next < b->count && b->running < b->parallel) {
		struct entry *e = &b->entries[b->next++];
		struct exec_spec spec = { 0 };
		struct esx_err err = { 0 };
		unsigned timeout = e->timeout_ms;

		e->batch = b;
		if (b->stop_on_failure && b->failed) {
			snprintf(e->item.why, sizeof(e->item.why), "not run: an earlier step failed");
			continue;
		}
		if (b->ends_at && now >= b->ends_at) {
			snprintf(e->item.why, sizeof(e->item.why),
				 "not run: the operation's %u s deadline passed", b->deadline_ms / 1000);
			b->failed = true;
			continue;
		}
		if (b->ends_at && now + timeout > b->ends_at)
			timeout = (unsigned)(b->ends_at - now);
		spec.argv = (const char *const *)e->argv;
		spec.timeout_ms = timeout ? timeout : 1;
		e->item.ran = true;
		if (exec_start(b->loop, &spec, entry_done, e, &e->job, &err) < 0) {
			e->finished = true;
			b->failed = true;
			snprintf(e->item.why, sizeof(e->item.why), "%s", err.text);
			continue;
		}
		b->running++;
	}
	if (b->running == 0 && b->next >= b->count && b->done) {
		iscsi_batch_done_fn done = b->done;

		b->done = NULL;
		done(b, b->data);   /* may free b */
	}
}

static void report_empty(struct esx_loop *loop, void *data)
{
	(void)loop;
	pump(data);
}

int iscsi_batch_start(struct iscsi_batch *b, iscsi_batch_done_fn done, void *data,
		      struct esx_err *err)
{
	if (b->started)
		return err_set(err, EBUSY, "the batch has already started");
	b->started = true;
	b->done = done;
	b->data = data;
	if (b->deadline_ms)
		b->ends_at = loop_now_ms() + b->deadline_ms;
	/* done is never called from here: callers finish their own setup
	 * first. Starting happens from the loop too, for the same reason. */
	loop_timer_init(&b->empty, report_empty, b);
	loop_timer_arm(b->loop, &b->empty, loop_now_ms());
	return 0;
}

size_t iscsi_batch_count(const struct iscsi_batch *b)
{
	return b->count;
}

const struct iscsi_batch_item *iscsi_batch_item(const struct iscsi_batch *b, size_t i)
{
	return i < b->count ? &b->entries[i].item : NULL;
}

bool iscsi_batch_all_ok(const struct iscsi_batch *b)
{
	return iscsi_batch_first_failure(b) == NULL;
}

const struct iscsi_batch_item *iscsi_batch_first_failure(const struct iscsi_batch *b)
{
	for (size_t i = 0; i < b->count; i++) {
		if (!b->entries[i].item.ok)
			return &b->entries[i].item;
	}
	return NULL;
}

/* The first non-empty line of text, without its newline. */
static void first_line(const char *text, char *out, size_t len)
{
	const char *end;

	while (text && (*text == '\n' || *text == ' '))
		text++;
	if (!text || !*text) {
		out[0] = '\0';
		return;
	}
	end = strchr(text, '\n');
	snprintf(out, len, "%.*s", (int)(end ? (size_t)(end - text) : strlen(text)), text);
}

void iscsi_batch_describe(const struct iscsi_batch_item *item, char *out, size_t len)
{
	char line[200];

	if (item->why[0] && !item->ran) {
		snprintf(out, len, "%s: %s", item->text, item->why);
		return;
	}
	if (item->why[0]) {
		snprintf(out, len, "%s %s", item->text, item->why);
		return;
	}
	first_line(item->err, line, sizeof(line));
	if (!line[0])
		first_line(item->out, line, sizeof(line));
	if (item->ok)
		snprintf(out, len, "%s succeeded", item->text);
	else
		snprintf(out, len, "%s failed (exit %d)%s%s", item->text, item->status,
			 line[0] ? ": " : "", line);
}

void iscsi_batch_free(struct iscsi_batch *b)
{
	if (!b)
		return;
	if (b->started)
		loop_timer_disarm(b->loop, &b->empty);
	for (size_t i = 0; i < b->count; i++) {
		if (b->entries[i].job)
			exec_cancel(b->entries[i].job);
		entry_release(&b->entries[i]);
	}
	free(b->entries);
	free(b);
}
