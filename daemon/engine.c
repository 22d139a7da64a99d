/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command engine: builds one tree from the namespace tables, and from it
 * parses esxcli command lines exactly as ESXi does (ESXCLI.md §1), checks the
 * caller's role, runs handlers, and answers help and completion requests.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "daemon.h"
#include "engine.h"
#include "help.h"
#include "log.h"
#include "strv.h"

struct node {
	char *word;
	const char *description;
	const struct esx_command *cmd;   /* when this word ends a command */
	struct node **children;          /* sorted by word */
	size_t nchildren;
	int is_namespace;                /* declared or implied by a deeper path */
};

struct esx_engine {
	struct node root;
};

static const char *const true_words[] = { "1", "true", "t", "yes", "y", "on", NULL };
static const char *const false_words[] = { "0", "false", "f", "no", "n", "off", NULL };

/* ---- the tree ---------------------------------------------------------- */

static void node_free(struct node *n)
{
	for (size_t i = 0; i < n->nchildren; i++) {
		node_free(n->children[i]);
		free(n->children[i]);
	}
	free(n->children);
	free(n->word);
}

static struct node *node_child(const struct node *n, const char *word, size_t len)
{
	for (size_t i = 0; i < n->nchildren; i++) {
		if (strlen(n->children[i]->word) == len && strncmp(n->children[i]->word, word, len) == 0)
			return n->children[i];
	}
	return NULL;
}

static int compare_nodes(const void *a, const void *b)
{
	const struct node *const *x = a, *const *y = b;

	return strcmp((*x)->word, (*y)->word);
}

static struct node *node_add_child(struct node *n, const char *word, size_t len)
{
	struct node **children, *child = calloc(1, sizeof(*child));

	if (!child)
		return NULL;
	child->word = strndup(word, len);
	children = realloc(n->children, (n->nchildren + 1) * sizeof(*children));
	if (!child->word || !children) {
		free(child->word);
		free(child);
		if (children)
			n->children = children;
		return NULL;
	}
	n->children = children;
	n->children[n->nchildren++] = child;
	qsort(n->children, n->nchildren, sizeof(*n->children), compare_nodes);
	return child;
}

/* Walk (creating) the path's words; every word but the last is a namespace. */
static struct node *tree_insert(struct node *root, const char *path, struct esx_err *err)
{
	struct node *n = root;
	const char *p = path;

	while (*p) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct node *child;

		if (len == 0)
			return NULL;
		child = node_child(n, p, len);
		if (!child)
			child = node_add_child(n, p, len);
		if (!child) {
			err_set(err, ENOMEM, "out of memory building the command tree");
			return NULL;
		}
		n = child;
		if (!end)
			break;
		n->is_namespace = 1;
		p = end + 1;
	}
	return n;
}

static int check_options(const struct esx_command *cmd, struct esx_err *err)
{
	for (size_t i = 0; cmd->options[i].long_name; i++) {
		const struct esx_option *a = &cmd->options[i];

		if (a->type == OPT_ENUM && !a->enum_values)
			return err_set(err, EINVAL, "%s: --%s has no values", cmd->path, a->long_name);
		for (size_t j = i + 1; cmd->options[j].long_name; j++) {
			const struct esx_option *b = &cmd->options[j];

			if (strcmp(a->long_name, b->long_name) == 0 ||
			    (a->short_name && a->short_name == b->short_name))
				return err_set(err, EINVAL, "%s: options --%s and --%s clash",
					       cmd->path, a->long_name, b->long_name);
		}
	}
	return 0;
}

int engine_new(const struct esx_command_set *sets, struct esx_engine **out, struct esx_err *err)
{
	struct esx_engine *e = calloc(1, sizeof(*e));
	int ret = 0;

	*out = NULL;
	if (!e)
		return err_set(err, ENOMEM, "out of memory");
	for (const struct esx_command_set *set = sets; set->commands; set++) {
		for (const struct esx_command *cmd = set->commands; cmd->path; cmd++) {
			struct node *n = tree_insert(&e->root, cmd->path, err);

			if (!n) {
				ret = err_set(err, EINVAL, "bad command path '%s'", cmd->path);
				goto out;
			}
			if (n->cmd) {
				ret = err_set(err, EINVAL, "command '%s' declared twice", cmd->path);
				goto out;
			}
			if (!cmd->options || !cmd->handler) {
				ret = err_set(err, EINVAL, "command '%s' lacks options or handler",
					      cmd->path);
				goto out;
			}
			ret = check_options(cmd, err);
			if (ret < 0)
				goto out;
			n->cmd = cmd;
			n->description = cmd->description;
		}
	}
	for (const struct esx_command_set *set = sets; set->commands; set++) {
		for (const struct esx_namespace *ns = set->namespaces; ns && ns->path; ns++) {
			struct node *n = tree_insert(&e->root, ns->path, err);

			if (!n) {
				ret = err_set(err, EINVAL, "bad namespace path '%s'", ns->path);
				goto out;
			}
			n->is_namespace = 1;
			n->description = ns->description;
		}
	}
	*out = e;
	e = NULL;
out:
	engine_free(e);
	return ret;
}

void engine_free(struct esx_engine *e)
{
	if (!e)
		return;
	node_free(&e->root);
	free(e);
}

/* A namespace's own commands first, then its sub-namespaces: the order
 * ESXi's command list uses. */
static void visit_node(const struct node *n, void (*visit)(const struct esx_command *, void *),
		       void *data)
{
	for (size_t i = 0; i < n->nchildren; i++) {
		if (n->children[i]->cmd)
			visit(n->children[i]->cmd, data);
	}
	for (size_t i = 0; i < n->nchildren; i++)
		visit_node(n->children[i], visit, data);
}

void engine_for_each_command(const struct esx_engine *e,
			     void (*visit)(const struct esx_command *cmd, void *data), void *data)
{
	visit_node(&e->root, visit, data);
}

/* ---- words and paths --------------------------------------------------- */

static int is_option_word(const char *w)
{
	return w[0] == '-' && w[1] != '\0';
}

static char *join_words(const char *const *argv, size_t n)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(argv[i]);

		if (i > 0)
			*p++ = ' ';
		memcpy(p, argv[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}

/* Follow the words before the first option. Sets *used to how many words
 * named tree nodes; returns the last node reached. */
static const struct node *resolve(const struct esx_engine *e, const char *const *argv,
				  size_t argc, size_t *used)
{
	const struct node *n = &e->root;
	size_t i;

	for (i = 0; i < argc && !is_option_word(argv[i]); i++) {
		const struct node *child = node_child(n, argv[i], strlen(argv[i]));

		if (!child)
			break;
		n = child;
		if (n->cmd && !n->nchildren) {
			i++;
			break;
		}
	}
	*used = i;
	return n;
}

/* ---- help -------------------------------------------------------------- */

static char *render_namespace_help(const struct node *n, const char *path, int width)
{
	struct help_entry *nss = calloc(n->nchildren + 1, sizeof(*nss));
	struct help_entry *cmds = calloc(n->nchildren + 1, sizeof(*cmds));
	size_t nns = 0, ncmd = 0, size = 0;
	char *text = NULL;
	FILE *out = NULL;

	if (!nss || !cmds)
		goto out;
	for (size_t i = 0; i < n->nchildren; i++) {
		const struct node *c = n->children[i];

		if (c->is_namespace || c->nchildren)
			nss[nns++] = (struct help_entry){ c->word, c->description };
		if (c->cmd)
			cmds[ncmd++] = (struct help_entry){ c->word, c->cmd->description };
	}
	out = open_memstream(&text, &size);
	if (!out)
		goto out;
	help_namespace(out, path, nss, nns, cmds, ncmd, width);
	fclose(out);
out:
	free(nss);
	free(cmds);
	return text;
}

static char *render_command_help(const struct esx_command *cmd, int width)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		return NULL;
	help_command(out, cmd, width);
	fclose(out);
	return text;
}

/* ---- option parsing ---------------------------------------------------- */

static const struct esx_option *find_long(const struct esx_command *cmd, const char *name,
					  size_t len)
{
	for (size_t i = 0; cmd->options[i].long_name; i++) {
		if (strlen(cmd->options[i].long_name) == len &&
		    strncmp(cmd->options[i].long_name, name, len) == 0)
			return &cmd->options[i];
	}
	return NULL;
}

static const struct esx_option *find_short(const struct esx_command *cmd, char c)
{
	for (size_t i = 0; cmd->options[i].long_name; i++) {
		if (cmd->options[i].short_name == c)
			return &cmd->options[i];
	}
	return NULL;
}

/* The option a word names ("--nic-name", "--nic-name=x", "-n", "-n=x"), with
 * where its inline value starts, or NULL. */
static const struct esx_option *option_for_word(const struct esx_command *cmd, const char *w,
						 const char **inline_value)
{
	const char *eq;

	*inline_value = NULL;
	if (strncmp(w, "--", 2) == 0) {
		const char *name = w + 2;

		eq = strchr(name, '=');
		if (eq)
			*inline_value = eq + 1;
		return find_long(cmd, name, eq ? (size_t)(eq - name) : strlen(name));
	}
	if (w[0] == '-' && w[1] && (w[2] == '\0' || w[2] == '=')) {
		if (w[2] == '=')
			*inline_value = w + 3;
		return find_short(cmd, w[1]);
	}
	return NULL;
}

static int word_in(const char *w, const char *const *words)
{
	for (size_t i = 0; words[i]; i++) {
		if (strcasecmp(w, words[i]) == 0)
			return 1;
	}
	return 0;
}

static int is_help_word(const struct esx_command *cmd, const char *w)
{
	if (strcmp(w, "--help") == 0 || strcmp(w, "-?") == 0)
		return 1;
	return strcmp(w, "-h") == 0 && !find_short(cmd, 'h');
}

/* The option as typed, without an inline value: "--nic-name" of "--nic-name=x". */
static void typed_name(const char *w, char *buf, size_t len)
{
	const char *eq = strchr(w, '=');
	size_t n = eq ? (size_t)(eq - w) : strlen(w);

	if (n >= len)
		n = len - 1;
	memcpy(buf, w, n);
	buf[n] = '\0';
}

static int enum_has(const char *values, const char *v)
{
	const char *p = values;
	size_t vlen = strlen(v);

	while (*p) {
		const char *end = strchr(p, '|');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == vlen && strncmp(p, v, len) == 0)
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* Convert and check one value for one option into its slot. */
static int set_value(const struct esx_option *opt, struct esx_arg *arg, const char *typed,
		     const char *value, struct esx_err *err)
{
	switch (opt->type) {
	case OPT_INT: {
		char *end = NULL;
		long long num;

		errno = 0;
		num = strtoll(value, &end, 10);
		if (value[0] == '\0' || *end != '\0' || errno == ERANGE)
			return err_set_named(err, EINVAL, ESX_ERR_INVALID_VALUE,
				"While processing '%s'. Argument type mismatch. Expecting integer value. Got '%s'",
				typed, value);
		if ((opt->flags & OPT_HAS_RANGE) && num < opt->min)
			return err_set_named(err, ERANGE, ESX_ERR_INVALID_VALUE, "'%s' < %lld",
					     value, opt->min);
		if ((opt->flags & OPT_HAS_RANGE) && num > opt->max)
			return err_set_named(err, ERANGE, ESX_ERR_INVALID_VALUE, "'%s' > %lld",
					     value, opt->max);
		arg->num = num;
		break;
	}
	case OPT_BOOL:
		if (word_in(value, true_words))
			arg->boolean = true;
		else if (word_in(value, false_words))
			arg->boolean = false;
		else
			return err_set_named(err, EINVAL, ESX_ERR_INVALID_VALUE,
				"While processing '%s'. Argument type mismatch. Expecting one of {0, 1, n[o], y[es], f[alse], t[rue], off, on}. Got '%s'",
				typed, value);
		break;
	case OPT_ENUM:
		if (!enum_has(opt->enum_values, value))
			return err_set_named(err, EINVAL, ESX_ERR_INVALID_VALUE,
					     "'%s' must be one of [%s]", value, opt->enum_values);
		break;
	case OPT_STRING_LIST: {
		const char **list = realloc(arg->list, (arg->list_len + 1) * sizeof(*list));

		if (!list)
			return err_set(err, ENOMEM, "out of memory");
		arg->list = list;
		arg->list[arg->list_len++] = value;
		break;
	}
	case OPT_FLAG:
		arg->boolean = true;
		break;
	case OPT_STRING:
		break;
	}
	arg->str = value;
	arg->has_value = true;
	return 0;
}

static void args_release(struct esx_args *a)
{
	for (size_t i = 0; i < a->count; i++)
		free(a->values[i].list);
	free(a->values);
	a->values = NULL;
	a->count = 0;
}

/* Parse the option words of a resolved command into call->args. Stops at the
 * first error, as ESXi does, then checks required options. Sets *wants_help
 * when the words ask for the command's help. */
static int parse_options(const struct esx_command *cmd, const char *const *argv, size_t argc,
			 struct esx_args *args, int *wants_help, struct esx_err *err)
{
	size_t nopts = 0;
	char missing[1024] = "";

	while (cmd->options[nopts].long_name)
		nopts++;
	args->cmd = cmd;
	args->count = nopts;
	args->values = calloc(nopts ? nopts : 1, sizeof(*args->values));
	if (!args->values)
		return err_set(err, ENOMEM, "out of memory");

	for (size_t i = 0; i < argc; i++) {
		const char *w = argv[i], *value;
		const struct esx_option *opt;
		struct esx_arg *arg;
		char typed[128];
		int ret;

		if (is_help_word(cmd, w)) {
			*wants_help = 1;
			return 0;
		}
		typed_name(w, typed, sizeof(typed));
		opt = is_option_word(w) ? option_for_word(cmd, w, &value) : NULL;
		if (!opt)
			return err_set_named(err, EINVAL, ESX_ERR_INVALID_OPTION, "Invalid option %s",
					     typed);
		arg = &args->values[opt - cmd->options];
		if (arg->present && opt->type != OPT_STRING_LIST)
			return err_set_named(err, EINVAL, ESX_ERR_DUPLICATED_OPTION,
					     "Duplicated option %s", typed);
		if (opt->type == OPT_FLAG) {
			if (value)
				return err_set_named(err, EINVAL, ESX_ERR_INVALID_VALUE,
					"'%s' is a flag and cannot accept any values.", typed);
			value = "true";
		} else if (!value) {
			/* The next word is the value, unless it is itself an option. */
			const char *next = i + 1 < argc ? argv[i + 1] : NULL;
			const char *ignored;

			if (!next || (is_option_word(next) &&
				      (strncmp(next, "--", 2) == 0 || option_for_word(cmd, next, &ignored))))
				return err_set_named(err, EINVAL, ESX_ERR_MISSING_PARAMETER,
						     "%s must have value", typed);
			value = next;
			i++;
		}
		ret = set_value(opt, arg, typed, value, err);
		if (ret < 0)
			return ret;
		arg->present = true;
	}

	for (size_t i = 0; i < nopts; i++) {
		const struct esx_option *opt = &cmd->options[i];
		struct esx_arg *arg = &args->values[i];

		if (!arg->present && opt->default_value) {
			struct esx_err ignored = { 0 };

			set_value(opt, arg, opt->long_name, opt->default_value, &ignored);
		}
		if ((opt->flags & OPT_REQUIRED) && !arg->present) {
			char names[96];
			size_t used = strlen(missing);

			help_option_names(opt, names, sizeof(names));
			snprintf(missing + used, sizeof(missing) - used, "%s%s",
				 used ? "\n       " : "", names);
		}
	}
	if (missing[0])
		return err_set_named(err, EINVAL, ESX_ERR_MISSING_PARAMETER,
				     "Missing required parameter %s", missing);
	return 0;
}

/* ---- argument accessors for handlers ----------------------------------- */

static const struct esx_arg *arg_named(const struct esx_args *a, const char *name)
{
	for (size_t i = 0; i < a->count; i++) {
		if (strcmp(a->cmd->options[i].long_name, name) == 0)
			return &a->values[i];
	}
	log_err("command '%s' asked for undeclared option --%s", a->cmd->path, name);
	abort();
}

bool args_has(const struct esx_args *a, const char *name)
{
	return arg_named(a, name)->present;
}

const char *args_str(const struct esx_args *a, const char *name)
{
	const struct esx_arg *arg = arg_named(a, name);

	return arg->has_value ? arg->str : NULL;
}

long long args_int(const struct esx_args *a, const char *name, long long fallback)
{
	const struct esx_arg *arg = arg_named(a, name);

	return arg->has_value ? arg->num : fallback;
}

bool args_bool(const struct esx_args *a, const char *name, bool fallback)
{
	const struct esx_arg *arg = arg_named(a, name);

	return arg->has_value ? arg->boolean : fallback;
}

size_t args_list(const struct esx_args *a, const char *name, const char *const **items)
{
	const struct esx_arg *arg = arg_named(a, name);

	*items = arg->list;
	return arg->list_len;
}

/* ---- authorisation ----------------------------------------------------- */

static int authorise(const struct esx_caller *caller, const char *what, bool changes,
		     struct esx_err *err)
{
	if (caller->role == ROLE_ADMIN)
		return 0;
	if (caller->role == ROLE_READONLY && !changes)
		return 0;
	if (caller->role == ROLE_READONLY)
		return err_set_named(err, EPERM, ESX_ERR_PERMISSION_DENIED,
			"No permission to execute %s: uid %u (%s) may only run list and get commands; changes need root or the admin group",
			what, (unsigned)caller->uid, caller->uid_name);
	return err_set_named(err, EPERM, ESX_ERR_PERMISSION_DENIED,
		"No permission to execute %s: uid %u (%s) is in neither the admin nor the read-only group of esxclid",
		what, (unsigned)caller->uid, caller->uid_name);
}

/* ---- execute, help, complete ------------------------------------------- */

void engine_reply_free(struct engine_reply *r)
{
	free(r->help);
	free(r->message);
	json_object_put(r->result);
	memset(r, 0, sizeof(*r));
}

static void unknown_words(struct engine_reply *out, const char *const *argv, size_t argc)
{
	size_t n = 0;
	char *words;

	while (n < argc && !is_option_word(argv[n]))
		n++;
	words = join_words(argv, n);
	err_set_named(&out->err, EINVAL, ESX_ERR_UNKNOWN_COMMAND, "Unknown command or namespace %s",
		      words ? words : "");
	free(words);
}

/* ---- running a command ------------------------------------------------- */

struct call_private {
	char **argv;            /* our copy: parsed values point into it */
	size_t argc;
	engine_done_fn done;
	void *data;
	struct engine_reply reply;
};

static void call_free(struct esx_call *call)
{
	if (!call)
		return;
	args_release(&call->args);
	result_free(call->result);
	if (call->priv) {
		for (size_t i = 0; i < call->priv->argc; i++)
			free(call->priv->argv[i]);
		free(call->priv->argv);
		engine_reply_free(&call->priv->reply);
		free(call->priv);
	}
	free(call);
}

static struct esx_call *call_new(struct esxd *d, const struct esx_caller *caller,
				 const char *const *argv, size_t argc, engine_done_fn done,
				 void *data)
{
	struct esx_call *call = calloc(1, sizeof(*call));

	if (!call)
		return NULL;
	call->daemon = d;
	call->caller = caller;
	call->priv = calloc(1, sizeof(*call->priv));
	if (!call->priv)
		goto fail;
	call->priv->done = done;
	call->priv->data = data;
	call->priv->argv = calloc(argc + 1, sizeof(*call->priv->argv));
	if (!call->priv->argv)
		goto fail;
	for (size_t i = 0; i < argc; i++) {
		call->priv->argv[i] = strdup(argv[i]);
		if (!call->priv->argv[i])
			goto fail;
		call->priv->argc = i + 1;
	}
	return call;
fail:
	call_free(call);
	return NULL;
}

/* Hand the reply over and free the call. */
static void call_deliver(struct esx_call *call)
{
	call->priv->done(&call->priv->reply, call->priv->data);
	call_free(call);
}

void call_finish(struct esx_call *call, int ret)
{
	struct engine_reply *out = &call->priv->reply;
	const struct esx_command *cmd = call->cmd;
	const char *message = NULL;
	char why[256];

	if (ret < 0) {
		if (call->err.code == 0)
			err_set(&call->err, ret, "%s failed: %s", cmd->path, strerror(-ret));
		out->err = call->err;
		goto out;
	}
	ret = result_finish(call->result, &out->result, &message, why, sizeof(why));
	if (ret < 0) {
		log_err("%s returned an invalid result: %s", cmd->path, why);
		err_set(&out->err, ret, "Runtime error: %s returned an invalid result", cmd->path);
		goto out;
	}
	if (message) {
		out->message = strdup(message);
		if (!out->message)
			err_set(&out->err, ENOMEM, "out of memory");
	}
	out->changed = !(cmd->flags & CMD_READONLY);
	if (out->changed) {
		char *line = engine_redacted_line(cmd, (const char *const *)call->priv->argv,
						  call->priv->argc);

		log_notice("uid %u (%s) changed state: esxcli %s", (unsigned)call->caller->uid,
			   call->caller->uid_name, line ? line : cmd->path);
		free(line);
	}
out:
	call_deliver(call);
}

void engine_cancel(struct esx_call *call)
{
	if (!call)
		return;
	if (call->cancel)
		call->cancel(call);
	call_free(call);
}

void *engine_call_data(const struct esx_call *call)
{
	return call->priv->data;
}

/* Parse and check; fills the reply when there is nothing to run. Returns
 * the command to run, or NULL. */
static const struct esx_command *prepare(struct esx_engine *e, struct esx_call *call, int width)
{
	const char *const *argv = (const char *const *)call->priv->argv;
	size_t argc = call->priv->argc, used;
	struct engine_reply *out = &call->priv->reply;
	const struct esx_caller *caller = call->caller;
	const struct node *n = resolve(e, argv, argc, &used);
	int wants_help = 0;

	if (!n->cmd || (used < argc && !is_option_word(argv[used]) && n->nchildren)) {
		char *path;

		/* A namespace: its help, unless a word did not resolve. */
		if (used < argc && !is_option_word(argv[used])) {
			unknown_words(out, argv, argc);
			return NULL;
		}
		path = join_words(argv, used);
		if (!path) {
			err_set(&out->err, ENOMEM, "out of memory");
			return NULL;
		}
		if (authorise(caller, path[0] ? path : "esxcli", false, &out->err) == 0) {
			out->help = render_namespace_help(n, path, width);
			if (!out->help)
				err_set(&out->err, ENOMEM, "out of memory");
		}
		free(path);
		return NULL;
	}
	/* Someone in neither group learns nothing more than the refusal. */
	if (caller->role == ROLE_NONE) {
		authorise(caller, n->cmd->path, true, &out->err);
		return NULL;
	}
	if (used < argc && !is_option_word(argv[used])) {
		/* A word after the command that is not an option. */
		err_set_named(&out->err, EINVAL, ESX_ERR_INVALID_OPTION, "Invalid option %s",
			      argv[used]);
		goto with_help;
	}
	if (parse_options(n->cmd, argv + used, argc - used, &call->args, &wants_help,
			  &out->err) < 0)
		goto with_help;
	if (wants_help) {
		if (authorise(caller, n->cmd->path, false, &out->err) == 0)
			out->help = render_command_help(n->cmd, width);
		return NULL;
	}
	if (authorise(caller, n->cmd->path, !(n->cmd->flags & CMD_READONLY), &out->err) < 0)
		return NULL;
	return n->cmd;
with_help:
	out->help = render_command_help(n->cmd, width);
	return NULL;
}

struct esx_call *engine_start(struct esx_engine *e, struct esxd *d,
			      const struct esx_caller *caller, const char *const *argv,
			      size_t argc, int width, engine_done_fn done, void *data)
{
	struct esx_call *call = call_new(d, caller, argv, argc, done, data);
	const struct esx_command *cmd;
	int ret;

	if (!call) {
		struct engine_reply oom = { 0 };

		err_set(&oom.err, ENOMEM, "out of memory");
		done(&oom, data);
		engine_reply_free(&oom);
		return NULL;
	}
	cmd = prepare(e, call, width);
	if (!cmd) {
		call_deliver(call);
		return NULL;
	}
	call->cmd = cmd;
	call->result = result_new(cmd->shape, cmd->schema, cmd->scalar_type);
	if (!call->result) {
		err_set(&call->priv->reply.err, ENOMEM, "out of memory");
		call_deliver(call);
		return NULL;
	}
	ret = cmd->handler(call);
	if (ret == ESX_PENDING)
		return call;
	call_finish(call, ret > 0 ? -EPROTO : ret);
	return NULL;
}

struct sync_reply {
	struct engine_reply *out;
};

static void take_reply(struct engine_reply *reply, void *data)
{
	struct sync_reply *sync = data;

	*sync->out = *reply;
	memset(reply, 0, sizeof(*reply));
}

void engine_execute(struct esx_engine *e, struct esxd *d, const struct esx_caller *caller,
		    const char *const *argv, size_t argc, int width, struct engine_reply *out)
{
	struct sync_reply sync = { out };
	struct esx_call *pending;

	memset(out, 0, sizeof(*out));
	pending = engine_start(e, d, caller, argv, argc, width, take_reply, &sync);
	if (pending) {
		engine_cancel(pending);
		err_set(&out->err, EINPROGRESS, "Runtime error: the command did not finish at once");
	}
}

void engine_help(struct esx_engine *e, const struct esx_caller *caller,
		 const char *const *argv, size_t argc, int width, struct engine_reply *out)
{
	const struct node *n;
	size_t used;
	char *path;

	memset(out, 0, sizeof(*out));
	n = resolve(e, argv, argc, &used);
	if (used < argc && !is_option_word(argv[used]) && !n->cmd) {
		unknown_words(out, argv, argc);
		return;
	}
	path = join_words(argv, used);
	if (!path) {
		err_set(&out->err, ENOMEM, "out of memory");
		return;
	}
	if (authorise(caller, path[0] ? path : "esxcli", false, &out->err) == 0) {
		out->help = n->cmd && !n->nchildren ? render_command_help(n->cmd, width)
						    : render_namespace_help(n, path, width);
		if (!out->help)
			err_set(&out->err, ENOMEM, "out of memory");
	}
	free(path);
}

static int complete_value(struct esxd *d, const struct esx_option *opt, const char *prefix,
			  const char *word, struct esx_strv *out)
{
	struct esx_strv values = { 0 };
	int ret = 0;

	switch (opt->type) {
	case OPT_BOOL:
		ret = strv_add(&values, "true");
		if (ret == 0)
			ret = strv_add(&values, "false");
		break;
	case OPT_ENUM: {
		const char *p = opt->enum_values;

		while (ret == 0 && *p) {
			const char *end = strchr(p, '|');
			char *v = strndup(p, end ? (size_t)(end - p) : strlen(p));

			ret = v ? strv_add(&values, v) : -ENOMEM;
			free(v);
			if (!end)
				break;
			p = end + 1;
		}
		break;
	}
	default:
		if (opt->complete && d)
			ret = opt->complete(d, word, &values);
		break;
	}
	for (size_t i = 0; ret == 0 && i < values.len; i++) {
		char buf[512];

		if (strncmp(values.items[i], word, strlen(word)) != 0)
			continue;
		snprintf(buf, sizeof(buf), "%s%s", prefix, values.items[i]);
		ret = strv_add(out, buf);
	}
	strv_free(&values);
	return ret;
}

int engine_complete(struct esx_engine *e, struct esxd *d, const struct esx_caller *caller,
		    const char *const *argv, size_t argc, const char *word,
		    struct esx_strv *out, struct esx_err *err)
{
	const struct node *n;
	const struct esx_command *cmd;
	size_t used;
	int ret = 0;

	if (authorise(caller, "completion", false, err) < 0)
		return -EPERM;
	n = resolve(e, argv, argc, &used);
	if (used < argc && !is_option_word(argv[used]))
		return 0;   /* an unknown word: nothing fits after it */
	if (used == argc && (!n->cmd || n->nchildren)) {
		for (size_t i = 0; ret == 0 && i < n->nchildren; i++)
			ret = strv_add_if_prefix(out, n->children[i]->word, word);
		goto out;
	}
	cmd = n->cmd;
	if (!cmd)
		goto out;
	/* After an option that takes a value: complete the value. */
	if (argc > used) {
		const char *last = argv[argc - 1], *inline_value;
		const struct esx_option *opt = option_for_word(cmd, last, &inline_value);

		if (opt && !inline_value && opt->type != OPT_FLAG) {
			ret = complete_value(d, opt, "", word, out);
			goto out;
		}
	}
	if (strncmp(word, "--", 2) == 0 && strchr(word, '=')) {
		const char *inline_value;
		const struct esx_option *opt = option_for_word(cmd, word, &inline_value);
		char prefix[160];

		if (opt && inline_value) {
			snprintf(prefix, sizeof(prefix), "--%s=", opt->long_name);
			ret = complete_value(d, opt, prefix, inline_value, out);
		}
		goto out;
	}
	/* Otherwise the option names not used yet. */
	for (size_t i = 0; ret == 0 && cmd->options[i].long_name; i++) {
		const struct esx_option *opt = &cmd->options[i];
		char name[96];
		int seen = 0;

		for (size_t j = used; j < argc && opt->type != OPT_STRING_LIST; j++) {
			const char *inline_value;

			if (option_for_word(cmd, argv[j], &inline_value) == opt)
				seen = 1;
		}
		if (seen)
			continue;
		snprintf(name, sizeof(name), "--%s", opt->long_name);
		ret = strv_add_if_prefix(out, name, word);
	}
	if (ret == 0 && !find_short(cmd, 'h'))
		ret = strv_add_if_prefix(out, "--help", word);
out:
	if (ret < 0)
		return err_set(err, ret, "out of memory");
	strv_sort_unique(out);
	return 0;
}

char *engine_redacted_line(const struct esx_command *cmd, const char *const *argv, size_t argc)
{
	const char **copy = calloc(argc + 1, sizeof(*copy));
	char **owned = calloc(argc + 1, sizeof(*owned));
	char *line = NULL;

	if (!copy || !owned)
		goto out;
	for (size_t i = 0; i < argc; i++) {
		const char *inline_value;
		const struct esx_option *opt;

		copy[i] = argv[i];
		opt = is_option_word(argv[i]) ? option_for_word(cmd, argv[i], &inline_value) : NULL;
		if (!opt || !(opt->flags & OPT_SECRET))
			continue;
		if (inline_value) {
			if (asprintf(&owned[i], "%.*s=***", (int)(inline_value - argv[i] - 1),
				     argv[i]) < 0) {
				owned[i] = NULL;
				goto out;
			}
			copy[i] = owned[i];
		} else if (i + 1 < argc) {
			copy[++i] = "***";
		}
	}
	line = join_words(copy, argc);
out:
	for (size_t i = 0; owned && i < argc; i++)
		free(owned[i]);
	free(owned);
	free(copy);
	return line;
}
