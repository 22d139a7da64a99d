/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The varlink methods: parse a request, call the engine, build the reply. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "daemon.h"
#include "engine.h"
#include "strv.h"
#include "varlink.h"

#define MAX_WORD_LEN 4096
#define DEFAULT_WIDTH 80
#define MAX_WIDTH 1000

static const char interface_description[] =
	"# esxcli-linux: the esxcli grammar, served by esxclid.\n"
	"interface io.esxcli.Shell\n\n"
	"# Run one esxcli command line (without the word esxcli).\n"
	"method Execute(argv: []string, width: ?int) -> (schemaVersion: int, result: ?object, help: ?string, message: ?string)\n\n"
	"# Candidates for the word being typed after the complete words argv.\n"
	"method Complete(argv: []string, word: string) -> (candidates: []string)\n\n"
	"# Help for a namespace or command.\n"
	"method Help(argv: []string, width: ?int) -> (help: string)\n\n"
	"error UnknownCommand (name: string, message: string, help: ?string)\n"
	"error InvalidOption (name: string, message: string, help: ?string)\n"
	"error MissingParameter (name: string, message: string, help: ?string)\n"
	"error DuplicatedOption (name: string, message: string, help: ?string)\n"
	"error InvalidValue (name: string, message: string, help: ?string)\n"
	"error NotFound (name: string, message: string, help: ?string)\n"
	"error AlreadyExists (name: string, message: string, help: ?string)\n"
	"error InUse (name: string, message: string, help: ?string)\n"
	"error PermissionDenied (name: string, message: string, help: ?string)\n"
	"error NotSupported (name: string, message: string, help: ?string)\n"
	"error Unavailable (name: string, message: string, help: ?string)\n"
	"error Busy (name: string, message: string, help: ?string)\n"
	"error Timeout (name: string, message: string, help: ?string)\n"
	"error RuntimeError (name: string, message: string, help: ?string)\n"
	"error ProtocolError (name: string, message: string, help: ?string)\n";

static char *to_text(struct json_object *reply)
{
	const char *s = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
	char *copy = s ? strdup(s) : NULL;

	json_object_put(reply);
	return copy;
}

/* An error's varlink name: ours are in our interface, varlink's own keep
 * their full name. */
static void full_error_name(const char *name, char *buf, size_t len)
{
	if (strchr(name, '.'))
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s.%s", ESX_INTERFACE, name);
}

static char *error_reply(const char *name, const char *message, const char *help)
{
	struct json_object *reply = json_object_new_object();
	struct json_object *params = json_object_new_object();
	char full[160];
	const char *dot = strrchr(name, '.');

	if (!reply || !params) {
		json_object_put(reply);
		json_object_put(params);
		return NULL;
	}
	full_error_name(name, full, sizeof(full));
	json_object_object_add(reply, ESX_KEY_ERROR, json_object_new_string(full));
	json_object_object_add(params, ESX_KEY_NAME, json_object_new_string(dot ? dot + 1 : name));
	json_object_object_add(params, ESX_KEY_MESSAGE, json_object_new_string(message));
	if (help)
		json_object_object_add(params, ESX_KEY_HELP, json_object_new_string(help));
	json_object_object_add(reply, ESX_KEY_PARAMETERS, params);
	return to_text(reply);
}

char *varlink_error_reply(const char *name, const char *message)
{
	return error_reply(name, message, NULL);
}

static char *ok_reply(struct json_object *params)
{
	struct json_object *reply = json_object_new_object();

	if (!reply) {
		json_object_put(params);
		return NULL;
	}
	json_object_object_add(reply, ESX_KEY_PARAMETERS, params);
	return to_text(reply);
}

/* argv: an array of at most ESX_MAX_ARGV strings without embedded NULs.
 * The pointers stay owned by the request object. */
static int read_argv(struct json_object *params, const char ***argv, size_t *argc)
{
	struct json_object *arr;
	size_t n;

	*argv = NULL;
	*argc = 0;
	if (!json_object_object_get_ex(params, ESX_KEY_ARGV, &arr))
		return 0;   /* no words: the top level */
	if (!json_object_is_type(arr, json_type_array))
		return -EINVAL;
	n = json_object_array_length(arr);
	if (n > ESX_MAX_ARGV)
		return -E2BIG;
	*argv = calloc(n + 1, sizeof(**argv));
	if (!*argv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *w = json_object_array_get_idx(arr, i);
		const char *s;

		if (!json_object_is_type(w, json_type_string))
			goto bad;
		s = json_object_get_string(w);
		if ((size_t)json_object_get_string_len(w) != strlen(s) || strlen(s) > MAX_WORD_LEN)
			goto bad;
		(*argv)[i] = s;
	}
	*argc = n;
	return 0;
bad:
	free(*argv);
	*argv = NULL;
	return -EINVAL;
}

static int read_width(struct json_object *params)
{
	struct json_object *w;
	int width;

	if (!json_object_object_get_ex(params, ESX_KEY_WIDTH, &w) ||
	    !json_object_is_type(w, json_type_int))
		return DEFAULT_WIDTH;
	width = json_object_get_int(w);
	if (width <= 0)
		return 0;
	return width > MAX_WIDTH ? MAX_WIDTH : width;
}

static char *engine_reply_to_text(struct engine_reply *r)
{
	struct json_object *params;

	if (r->err.code)
		return error_reply(err_name(&r->err), r->err.text, r->help);
	params = json_object_new_object();
	if (!params)
		return NULL;
	json_object_object_add(params, ESX_KEY_SCHEMA_VERSION, json_object_new_int(ESX_SCHEMA_VERSION));
	if (r->help)
		json_object_object_add(params, ESX_KEY_HELP, json_object_new_string(r->help));
	if (r->result) {
		json_object_object_add(params, ESX_KEY_RESULT, r->result);
		r->result = NULL;
	}
	if (r->message)
		json_object_object_add(params, ESX_KEY_MESSAGE, json_object_new_string(r->message));
	return ok_reply(params);
}

/* What an Execute needs to answer when the engine is done. */
struct execute_ctx {
	varlink_reply_fn reply;
	void *data;
	bool oneway;
};

static void execute_done(struct engine_reply *r, void *data)
{
	struct execute_ctx *ctx = data;
	char *text = engine_reply_to_text(r);

	if (ctx->oneway) {
		free(text);
		text = NULL;
	}
	ctx->reply(text, ctx->data);
	free(ctx);
}

static struct esx_call *do_execute(struct esxd *d, const struct esx_caller *caller,
				   struct json_object *params, bool oneway,
				   varlink_reply_fn reply, void *data)
{
	struct execute_ctx *ctx;
	const char **argv = NULL;
	size_t argc = 0;
	struct esx_call *pending;

	if (read_argv(params, &argv, &argc) < 0) {
		reply(error_reply(ESX_ERR_INVALID_PARAMETER,
				  "argv must be an array of at most 256 strings", NULL), data);
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		free(argv);
		reply(NULL, data);
		return NULL;
	}
	ctx->reply = reply;
	ctx->data = data;
	ctx->oneway = oneway;
	pending = engine_start(d->engine, d, caller, argv, argc, read_width(params), execute_done, ctx);
	free(argv);
	return pending;
}

static char *do_help(struct esxd *d, const struct esx_caller *caller, struct json_object *params)
{
	struct engine_reply r;
	const char **argv = NULL;
	size_t argc = 0;
	char *text;

	if (read_argv(params, &argv, &argc) < 0)
		return error_reply(ESX_ERR_INVALID_PARAMETER,
				   "argv must be an array of at most 256 strings", NULL);
	engine_help(d->engine, caller, argv, argc, read_width(params), &r);
	text = engine_reply_to_text(&r);
	engine_reply_free(&r);
	free(argv);
	return text;
}

void varlink_cancel(struct esx_call *pending)
{
	struct execute_ctx *ctx;

	if (!pending)
		return;
	ctx = engine_call_data(pending);
	engine_cancel(pending);
	free(ctx);
}

static char *do_complete(struct esxd *d, const struct esx_caller *caller, struct json_object *params)
{
	struct esx_strv candidates = { 0 };
	struct esx_err err = { 0 };
	struct json_object *word_obj, *out = NULL, *list;
	const char **argv = NULL;
	const char *word = "";
	size_t argc = 0;
	char *text = NULL;

	if (read_argv(params, &argv, &argc) < 0)
		return error_reply(ESX_ERR_INVALID_PARAMETER,
				   "argv must be an array of at most 256 strings", NULL);
	if (json_object_object_get_ex(params, ESX_KEY_WORD, &word_obj)) {
		if (!json_object_is_type(word_obj, json_type_string)) {
			text = error_reply(ESX_ERR_INVALID_PARAMETER, "word must be a string", NULL);
			goto out;
		}
		word = json_object_get_string(word_obj);
	}
	if (engine_complete(d->engine, d, caller, argv, argc, word, &candidates, &err) < 0) {
		text = error_reply(err_name(&err), err.text, NULL);
		goto out;
	}
	out = json_object_new_object();
	list = json_object_new_array();
	if (!out || !list) {
		json_object_put(list);
		goto out;
	}
	for (size_t i = 0; i < candidates.len; i++)
		json_object_array_add(list, json_object_new_string(candidates.items[i]));
	json_object_object_add(out, ESX_KEY_CANDIDATES, list);
	text = ok_reply(out);
	out = NULL;
out:
	json_object_put(out);
	strv_free(&candidates);
	free(argv);
	return text;
}

static char *do_get_info(void)
{
	struct json_object *p = json_object_new_object();
	struct json_object *ifaces = json_object_new_array();

	if (!p || !ifaces) {
		json_object_put(p);
		json_object_put(ifaces);
		return NULL;
	}
	json_object_object_add(p, "vendor", json_object_new_string("esxcli-linux"));
	json_object_object_add(p, "product", json_object_new_string("esxclid"));
	json_object_object_add(p, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(p, "url", json_object_new_string(""));
	json_object_array_add(ifaces, json_object_new_string("org.varlink.service"));
	json_object_array_add(ifaces, json_object_new_string(ESX_INTERFACE));
	json_object_object_add(p, "interfaces", ifaces);
	return ok_reply(p);
}

static char *do_get_interface(struct json_object *params)
{
	struct json_object *name, *p;

	if (!json_object_object_get_ex(params, "interface", &name) ||
	    !json_object_is_type(name, json_type_string) ||
	    strcmp(json_object_get_string(name), ESX_INTERFACE) != 0)
		return error_reply("org.varlink.service.InterfaceNotFound", "no such interface", NULL);
	p = json_object_new_object();
	if (!p)
		return NULL;
	json_object_object_add(p, "description", json_object_new_string(interface_description));
	return ok_reply(p);
}

struct esx_call *varlink_handle(struct esxd *d, const struct esx_caller *caller,
				const char *request, varlink_reply_fn reply, void *data)
{
	struct json_object *req = json_tokener_parse(request), *method_obj, *params, *oneway_obj;
	struct json_object *empty = NULL;
	struct esx_call *pending = NULL;
	const char *method;
	char *text = NULL;
	bool oneway = false;

	if (!req || !json_object_is_type(req, json_type_object)) {
		text = error_reply(ESX_ERR_PROTOCOL, "the request is not a JSON object", NULL);
		goto out;
	}
	if (!json_object_object_get_ex(req, ESX_KEY_METHOD, &method_obj) ||
	    !json_object_is_type(method_obj, json_type_string)) {
		text = error_reply(ESX_ERR_PROTOCOL, "the request names no method", NULL);
		goto out;
	}
	method = json_object_get_string(method_obj);
	if (json_object_object_get_ex(req, "oneway", &oneway_obj))
		oneway = json_object_get_boolean(oneway_obj);
	if (!json_object_object_get_ex(req, ESX_KEY_PARAMETERS, &params)) {
		empty = json_object_new_object();
		params = empty;
	}
	if (!params || !json_object_is_type(params, json_type_object)) {
		text = error_reply(ESX_ERR_INVALID_PARAMETER, "parameters must be an object", NULL);
		goto out;
	}
	if (strcmp(method, ESX_METHOD_EXECUTE) == 0) {
		pending = do_execute(d, caller, params, oneway, reply, data);
		json_object_put(empty);
		json_object_put(req);
		return pending;
	}
	if (strcmp(method, ESX_METHOD_HELP) == 0)
		text = do_help(d, caller, params);
	else if (strcmp(method, ESX_METHOD_COMPLETE) == 0)
		text = do_complete(d, caller, params);
	else if (strcmp(method, ESX_METHOD_GETINFO) == 0)
		text = do_get_info();
	else if (strcmp(method, ESX_METHOD_GETINTERFACE) == 0)
		text = do_get_interface(params);
	else
		text = error_reply(ESX_ERR_METHOD_NOT_FOUND, "no such method", NULL);
	if (oneway) {
		free(text);
		text = NULL;
	}
out:
	json_object_put(empty);
	json_object_put(req);
	reply(text, data);
	return NULL;
}
