/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command model: what one esxcli command is (its path, option table,
 * handler and output schema), the parsed arguments a handler receives, and
 * the call context it runs in. One static table per esxcli namespace file
 * (ns_*.c) declares its commands; the engine knows commands only through them.
 */
#ifndef ESXD_COMMAND_H
#define ESXD_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "errors.h"
#include "result.h"

struct esxd;
struct esx_strv;

enum esx_opt_type {
	OPT_STRING,      /* --opt=<str> */
	OPT_INT,         /* --opt=<long>, with an optional range */
	OPT_BOOL,        /* --opt=<bool>: takes a value, ESXi's boolean words */
	OPT_FLAG,        /* --opt: no value */
	OPT_ENUM,        /* --opt=a|b|c */
	OPT_STRING_LIST, /* --opt=<str>[]: may be repeated, values appended */
};

/* Option flags. */
#define OPT_REQUIRED 0x1u
#define OPT_SECRET 0x2u  /* never logged, echoed or kept in history */
#define OPT_HAS_RANGE 0x4u

/* Offers completions for an option's value: appends candidates that start
 * with prefix. Returns 0 or a negative errno. */
typedef int (*esx_completer_fn)(struct esxd *d, const char *prefix, struct esx_strv *out);

struct esx_option {
	const char *long_name;      /* "nic-name" */
	char short_name;            /* 'n', or 0 */
	enum esx_opt_type type;
	unsigned flags;             /* OPT_* */
	const char *enum_values;    /* OPT_ENUM: "uni|mutual" */
	long long min, max;         /* OPT_INT with OPT_HAS_RANGE */
	const char *default_value;  /* applied when absent; parsed like a value */
	const char *help;
	esx_completer_fn complete;  /* live values for Tab completion, or NULL */
};

/* Command flags. A command without CMD_READONLY changes state and needs the
 * admin role: the safe default. */
#define CMD_READONLY 0x1u

struct esx_call;
/* A handler returns 0, or a negative errno with call->err set, or
 * ESX_PENDING when it has started work that ends later in call_finish(). */
typedef int (*esx_handler_fn)(struct esx_call *call);
#define ESX_PENDING 1

struct esx_command {
	const char *path;                 /* "network nic get" */
	const char *description;          /* one line, ESXi's wording where known */
	const struct esx_option *options; /* terminated by an entry with long_name NULL */
	esx_handler_fn handler;
	enum esx_shape shape;             /* what the handler returns */
	const struct esx_schema *schema;  /* fields of a record (table/structs/struct) */
	enum esx_vtype scalar_type;       /* for ESX_SHAPE_SCALAR */
	unsigned flags;                   /* CMD_* */
};

/* A namespace's description ("network nic" → "Operations having to do with
 * physical NICs."). */
struct esx_namespace {
	const char *path;
	const char *description;
};

/* One parsed option value. */
struct esx_arg {
	bool present;        /* given by the caller (not only defaulted) */
	bool has_value;      /* given, or a default applies */
	const char *str;     /* the raw text (string, enum, int, bool) */
	long long num;       /* OPT_INT */
	bool boolean;        /* OPT_BOOL, OPT_FLAG */
	const char **list;   /* OPT_STRING_LIST */
	size_t list_len;
};

struct esx_args {
	const struct esx_command *cmd;
	struct esx_arg *values;   /* one per option, in table order */
	size_t count;
};

/* Accessors by long option name. Asking for an option the command does not
 * declare is a programming error and aborts (caught by every test). */
bool args_has(const struct esx_args *a, const char *name);           /* given by the caller */
const char *args_str(const struct esx_args *a, const char *name);    /* NULL when absent */
long long args_int(const struct esx_args *a, const char *name, long long fallback);
bool args_bool(const struct esx_args *a, const char *name, bool fallback);
size_t args_list(const struct esx_args *a, const char *name, const char *const **items);

enum esx_role {
	ROLE_NONE = 0,
	ROLE_READONLY,
	ROLE_ADMIN,
};

/* Who is calling: read once from the socket when the client connected. */
struct esx_caller {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	enum esx_role role;
	char uid_name[64];   /* user name, or the number */
};

struct call_private;

/* Stops a pending call's work when its client has gone; after it returns
 * the handler must not touch the call again. */
typedef void (*esx_cancel_fn)(struct esx_call *call);

struct esx_call {
	struct esxd *daemon;
	const struct esx_caller *caller;
	const struct esx_command *cmd;
	struct esx_args args;
	struct esx_result *result;
	struct esx_err err;
	/* For a handler that returned ESX_PENDING: */
	esx_cancel_fn cancel;
	void *handler_data;
	struct call_private *priv;    /* the engine's */
};

/* End a pending call: ret is 0 (the result is filled) or a negative errno
 * (call->err set). The call is freed; do not touch it afterwards. */
void call_finish(struct esx_call *call, int ret);

#endif
