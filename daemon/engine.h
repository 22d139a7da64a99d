/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command engine: one tree built from every namespace file's tables
 * drives parsing (ESXi's grammar and error texts), authorisation, dispatch to
 * the handler, help and Tab completion. It never calls a backend itself.
 */
#ifndef ESXD_ENGINE_H
#define ESXD_ENGINE_H

#include <stddef.h>

#include "command.h"
#include "commands.h"

struct esxd;
struct esx_strv;
struct json_object;

struct esx_engine;

/* What one Execute produced: an error (err.code != 0, with the command's help
 * when the command itself was recognised), a help text, or a result. */
struct engine_reply {
	struct esx_err err;
	char *help;
	struct json_object *result;
	char *message;
	bool changed;   /* a state-changing command succeeded */
};

/* Build the tree. Tables are checked: a duplicated path or option is a
 * programming error reported as -EINVAL. */
int engine_new(const struct esx_command_set *sets, struct esx_engine **out, struct esx_err *err);
void engine_free(struct esx_engine *e);

/* Receives the outcome of a command exactly once. The reply is the engine's:
 * take what is needed (or steal its pointers, setting them NULL). */
typedef void (*engine_done_fn)(struct engine_reply *reply, void *data);

/* Parse argv as esxcli words, check the caller's role, run the handler, and
 * report through done. Returns NULL when done was already called, or the
 * pending call, which engine_cancel() abandons. argv is copied. */
struct esx_call *engine_start(struct esx_engine *e, struct esxd *d,
			      const struct esx_caller *caller, const char *const *argv,
			      size_t argc, int width, engine_done_fn done, void *data);
/* The client of a pending call has gone: stop its work, never call done. */
void engine_cancel(struct esx_call *call);
/* The data given to engine_start. */
void *engine_call_data(const struct esx_call *call);

/* The same, for callers that need the reply now (tests): a handler that
 * would finish later is an error here. */
void engine_execute(struct esx_engine *e, struct esxd *d, const struct esx_caller *caller,
		    const char *const *argv, size_t argc, int width, struct engine_reply *out);
void engine_reply_free(struct engine_reply *r);

/* Help for a namespace or command path (as "--help" would print it). */
void engine_help(struct esx_engine *e, const struct esx_caller *caller,
		 const char *const *argv, size_t argc, int width, struct engine_reply *out);

/* Candidates for the word being typed after the complete words argv. */
int engine_complete(struct esx_engine *e, struct esxd *d, const struct esx_caller *caller,
		    const char *const *argv, size_t argc, const char *word,
		    struct esx_strv *out, struct esx_err *err);

/* Visit every command, in path order. */
void engine_for_each_command(const struct esx_engine *e,
			     void (*visit)(const struct esx_command *cmd, void *data), void *data);

/* The command line as it may be logged: secret option values replaced. */
char *engine_redacted_line(const struct esx_command *cmd, const char *const *argv, size_t argc);

#endif
