/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the shell's own logic: splitting lines into words, keeping
 * secrets out of the history, and the client's deadlines and limits against
 * a small server forked for each test.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "client.h"
#include "secret.h"
#include "session.h"

/* ---- splitting ---- */

static void expect_words(const char *line, int flags, int argc, const char *const *argv,
			 bool open_word)
{
	struct words w;
	int i;

	ck_assert_int_eq(split_words(line, flags, &w), 0);
	ck_assert_int_eq(w.argc, argc);
	for (i = 0; i < argc; i++)
		ck_assert_str_eq(w.argv[i], argv[i]);
	ck_assert_ptr_null(w.argv ? w.argv[argc] : NULL);
	ck_assert_int_eq(w.open_word, open_word);
	words_free(&w);
}

START_TEST(split_plain)
{
	static const char *const want[] = { "network", "nic", "get", "-n", "vmnic0" };

	expect_words("  network\tnic  get -n vmnic0  ", 0, 5, want, false);
	expect_words("network nic get -n vmnic0", 0, 5, want, true);
	expect_words("", 0, 0, NULL, false);
	expect_words(" \t ", 0, 0, NULL, false);
}
END_TEST

START_TEST(split_quotes)
{
	static const char *const single[] = { "set", "a \"b\" \\c $d" };
	static const char *const dbl[] = { "x", "say \"hi\" \\ $ ` \\n #" };
	static const char *const joined[] = { "abc d", "" , "" };
	static const char *const hash[] = { "--alias", "a#b", "#c" };

	expect_words("set 'a \"b\" \\c $d'", 0, 2, single, true);
	expect_words("x \"say \\\"hi\\\" \\\\ \\$ \\` \\n #\"", 0, 2, dbl, true);
	expect_words("a'b'\"c d\" '' \"\"", 0, 3, joined, true);
	expect_words("--alias a#b \"#c\"", 0, 3, hash, true);
}
END_TEST

START_TEST(split_backslash)
{
	static const char *const want[] = { "a b", "'q'", "\\" };

	expect_words("a\\ b \\'q\\' \\\\", 0, 3, want, true);
}
END_TEST

START_TEST(split_unfinished)
{
	struct words w;

	ck_assert_int_eq(split_words("set -n \"vmnic0", 0, &w), -EINVAL);
	ck_assert_int_eq(w.argc, 0);
	ck_assert_ptr_null(w.argv);
	ck_assert_int_eq(split_words("set 'x", 0, &w), -EINVAL);
	ck_assert_int_eq(split_words("set x\\", 0, &w), -EINVAL);
}
END_TEST

START_TEST(split_partial)
{
	static const char *const quoted[] = { "set", "-n", "vm" };
	static const char *const trailing[] = { "set", "x" };
	static const char *const done[] = { "network" };

	expect_words("set -n \"vm", SPLIT_PARTIAL, 3, quoted, true);
	expect_words("set x\\", SPLIT_PARTIAL, 2, trailing, true);
	expect_words("network ", SPLIT_PARTIAL, 1, done, false);
	expect_words("network", SPLIT_PARTIAL, 1, done, true);
}
END_TEST

START_TEST(secrets)
{
	ck_assert(line_has_secret("iscsi adapter auth chap set -A vmhba64 -S hunter2"));
	ck_assert(line_has_secret("x -S=hunter2"));
	ck_assert(line_has_secret("x --secret hunter2"));
	ck_assert(line_has_secret("x --secret=hunter2"));
	ck_assert(line_has_secret("x --password=hunter2"));
	ck_assert(line_has_secret("x --mutual-secret y"));
	ck_assert(line_has_secret("x '--secret' y"));
	ck_assert(line_has_secret("x --secret=\"unterminated"));
	ck_assert(!line_has_secret("iscsi adapter auth chap get -A vmhba64"));
	ck_assert(!line_has_secret("x -s y"));
	ck_assert(!line_has_secret("x secret password"));
	ck_assert(!line_has_secret("x -n -Sx"));
}
END_TEST

/* ---- secret options without a value: asked for ---- */

struct asked {
	int calls;
	char prompts[4][64];
	int fail;              /* the reader's error, or 0 */
};

static int fake_reader(const char *prompt, char *buf, size_t size, void *data)
{
	struct asked *a = data;

	if (a->calls < 4)
		snprintf(a->prompts[a->calls], sizeof(a->prompts[0]), "%s", prompt);
	a->calls++;
	if (a->fail)
		return a->fail;
	return snprintf(buf, size, "typed-%d", a->calls);
}

/* argv is filled as want says (NULL: left alone, ret 1). */
static void expect_filled(const char *line, const char *const *want, int want_argc,
			  struct asked *a)
{
	struct words in, out;
	int ret;

	ck_assert_int_eq(split_words(line, 0, &in), 0);
	ret = secret_fill(in.argc, in.argv, &out, fake_reader, a);
	if (!want) {
		ck_assert_int_eq(ret, 1);
		ck_assert_int_eq(out.argc, 0);
		ck_assert_ptr_null(out.argv);
	} else {
		ck_assert_int_eq(ret, 0);
		ck_assert_int_eq(out.argc, want_argc);
		for (int i = 0; i < want_argc; i++)
			ck_assert_str_eq(out.argv[i], want[i]);
		ck_assert_ptr_null(out.argv[want_argc]);
	}
	words_free(&out);
	words_free(&in);
}

START_TEST(secret_prompted_when_missing)
{
	static const char *const last[] = { "iscsi", "adapter", "auth", "chap", "set", "-A",
					    "vmhba64", "-S=typed-1" };
	static const char *const before_option[] = { "x", "--secret=typed-1", "-N", "user" };
	static const char *const before_inline[] = { "x", "-S=typed-1", "-l=required" };
	static const char *const two[] = { "x", "-S=typed-1", "--mutual-secret=typed-2" };
	struct asked a = { 0 };

	expect_filled("iscsi adapter auth chap set -A vmhba64 -S", last, 8, &a);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_str_eq(a.prompts[0], "Secret: ");
	memset(&a, 0, sizeof(a));
	expect_filled("x --secret -N user", before_option, 4, &a);
	memset(&a, 0, sizeof(a));
	expect_filled("x -S -l=required", before_inline, 3, &a);
	memset(&a, 0, sizeof(a));
	expect_filled("x -S --mutual-secret", two, 3, &a);
	ck_assert_int_eq(a.calls, 2);
	ck_assert_str_eq(a.prompts[1], "Value for --mutual-secret: ");
}
END_TEST

START_TEST(secret_given_is_left_alone)
{
	struct asked a = { 0 };

	expect_filled("x -S hunter2", NULL, 0, &a);
	expect_filled("x -S=hunter2", NULL, 0, &a);
	expect_filled("x --secret= -N u", NULL, 0, &a);       /* an empty value, given */
	expect_filled("x -S -not-an-option", NULL, 0, &a);    /* a value that starts with - */
	expect_filled("x -s -N u", NULL, 0, &a);              /* -s is not -S */
	expect_filled("x --name secret", NULL, 0, &a);
	expect_filled("", NULL, 0, &a);
	ck_assert_int_eq(a.calls, 0);
}
END_TEST

START_TEST(secret_reader_fails)
{
	struct asked a = { .fail = -ENOTTY };
	struct words in, out;

	ck_assert_int_eq(split_words("x -N u -S", 0, &in), 0);
	ck_assert_int_eq(secret_fill(in.argc, in.argv, &out, fake_reader, &a), -ENOTTY);
	ck_assert_int_eq(out.argc, 0);
	ck_assert_ptr_null(out.argv);
	words_free(&in);
}
END_TEST

/* Without a terminal there is nobody to ask. */
START_TEST(secret_needs_a_terminal)
{
	char buf[64];
	int saved = dup(STDIN_FILENO), null = open("/dev/null", O_RDONLY);

	ck_assert_int_ge(null, 0);
	ck_assert_int_eq(dup2(null, STDIN_FILENO), STDIN_FILENO);
	ck_assert_int_eq(secret_read_terminal("Secret: ", buf, sizeof(buf), NULL), -ENOTTY);
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(null);
}
END_TEST

/* ---- client ---- */

enum server_mode { SERVE_ECHO, SERVE_SILENT, SERVE_HUGE, SERVE_GARBAGE, SERVE_CLOSE };

struct server {
	char dir[64];
	char path[96];
	pid_t pid;
};

/* Read a request up to its NUL; returns its length or -1. */
static ssize_t read_request(int fd, char *buf, size_t cap)
{
	size_t len = 0;

	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n <= 0)
			return -1;
		len += (size_t)n;
		if (memchr(buf, '\0', len))
			return (ssize_t)strlen(buf);
	}
	return -1;
}

/* Echo: the reply's parameters are the request's, so the test sees what
 * was sent. */
static void serve_one(int listener, enum server_mode mode)
{
	static char buf[ESX_MAX_REQUEST + 1];
	static const char garbage[] = "{\"parameters\": nope}";
	int fd = accept(listener, NULL, NULL);
	ssize_t len;

	if (fd < 0)
		_exit(1);
	if (mode == SERVE_CLOSE)
		_exit(0);
	len = read_request(fd, buf, sizeof(buf));
	if (len < 0)
		_exit(1);
	switch (mode) {
	case SERVE_ECHO: {
		struct json_object *req = json_tokener_parse(buf), *params, *reply;
		const char *text;

		if (!req || !json_object_object_get_ex(req, ESX_KEY_PARAMETERS, &params))
			_exit(1);
		reply = json_object_new_object();
		json_object_object_add(reply, ESX_KEY_PARAMETERS, json_object_get(req));
		text = json_object_to_json_string(reply);
		if (write(fd, text, strlen(text) + 1) < 0)
			_exit(1);
		json_object_put(reply);
		json_object_put(req);
		break;
	}
	case SERVE_SILENT:
		pause();
		break;
	case SERVE_HUGE: {
		static char chunk[65536];
		size_t sent = 0;

		memset(chunk, ' ', sizeof(chunk));
		chunk[0] = '{';
		while (sent <= ESX_MAX_REPLY + sizeof(chunk)) {
			if (write(fd, chunk, sizeof(chunk)) < 0)
				_exit(0);
			sent += sizeof(chunk);
			chunk[0] = ' ';
		}
		pause();
		break;
	}
	case SERVE_GARBAGE:
		if (write(fd, garbage, sizeof(garbage)) < 0)
			_exit(1);
		break;
	case SERVE_CLOSE:
		break;
	}
	_exit(0);
}

static void server_start(struct server *srv, enum server_mode mode)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	snprintf(srv->dir, sizeof(srv->dir), "/tmp/esxsh-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(srv->dir));
	snprintf(srv->path, sizeof(srv->path), "%s/sock", srv->dir);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", srv->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	srv->pid = fork();
	ck_assert_int_ge(srv->pid, 0);
	if (srv->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		serve_one(fd, mode);
	}
	close(fd);
}

static void server_stop(struct server *srv)
{
	kill(srv->pid, SIGKILL);
	waitpid(srv->pid, NULL, 0);
	unlink(srv->path);
	rmdir(srv->dir);
}

/* Check's own scale for slow runs (valgrind), applied to our deadlines too. */
static int timeout_multiplier(void)
{
	const char *env = getenv("CK_TIMEOUT_MULTIPLIER");
	int n = env ? atoi(env) : 1;

	return n > 0 ? n : 1;
}

static long long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL + (now.tv_nsec - start->tv_nsec) / 1000000;
}

START_TEST(client_round_trip)
{
	struct server srv;
	struct json_object *params = json_object_new_object(), *reply = NULL, *p, *req, *v;
	char errbuf[256];

	json_object_object_add(params, ESX_KEY_WORD, json_object_new_string("vmn"));
	server_start(&srv, SERVE_ECHO);
	ck_assert_int_eq(client_call(srv.path, ESX_METHOD_COMPLETE, params, 2000, &reply, errbuf,
				     sizeof(errbuf)), 0);
	ck_assert(json_object_object_get_ex(reply, ESX_KEY_PARAMETERS, &req));
	ck_assert(json_object_object_get_ex(req, ESX_KEY_METHOD, &v));
	ck_assert_str_eq(json_object_get_string(v), ESX_METHOD_COMPLETE);
	ck_assert(json_object_object_get_ex(req, ESX_KEY_PARAMETERS, &p));
	ck_assert(json_object_object_get_ex(p, ESX_KEY_WORD, &v));
	ck_assert_str_eq(json_object_get_string(v), "vmn");
	json_object_put(reply);
	json_object_put(params);
	server_stop(&srv);
}
END_TEST

START_TEST(client_deadline)
{
	struct server srv;
	struct json_object *reply = NULL;
	struct timespec start;
	char errbuf[256];
	long long took;

	server_start(&srv, SERVE_SILENT);
	clock_gettime(CLOCK_MONOTONIC, &start);
	ck_assert_int_eq(client_call(srv.path, ESX_METHOD_EXECUTE, NULL, 300, &reply, errbuf,
				     sizeof(errbuf)), -ETIMEDOUT);
	took = elapsed_ms(&start);
	ck_assert_int_ge(took, 290);
	ck_assert_int_lt(took, 2000);
	ck_assert_ptr_null(reply);
	ck_assert_ptr_nonnull(strstr(errbuf, "did not answer within 0.3 s"));
	server_stop(&srv);
}
END_TEST

/* A server misbehaving as MODE makes the call fail with ERR. */
static void expect_call_failure(enum server_mode mode, int timeout_ms, int err)
{
	struct server srv;
	struct json_object *reply = NULL;
	char errbuf[256];

	server_start(&srv, mode);
	ck_assert_int_eq(client_call(srv.path, ESX_METHOD_EXECUTE, NULL, timeout_ms, &reply,
				     errbuf, sizeof(errbuf)), err);
	ck_assert_ptr_null(reply);
	server_stop(&srv);
}

START_TEST(client_refuses_huge_reply)
{
	/* 16 MiB pass first: slow under valgrind, which runs with a multiplier. */
	expect_call_failure(SERVE_HUGE, 20000 * timeout_multiplier(), -EMSGSIZE);
}
END_TEST

START_TEST(client_refuses_garbage)
{
	expect_call_failure(SERVE_GARBAGE, 2000, -EPROTO);
}
END_TEST

START_TEST(client_peer_closes)
{
	expect_call_failure(SERVE_CLOSE, 2000, -ECONNRESET);
}
END_TEST

START_TEST(client_daemon_down)
{
	struct json_object *reply = NULL;
	char errbuf[512];

	ck_assert_int_eq(client_call("/nonexistent/esxclid.sock", ESX_METHOD_EXECUTE, NULL, 2000,
				     &reply, errbuf, sizeof(errbuf)), -ENOENT);
	ck_assert_ptr_null(reply);
	ck_assert_str_eq(errbuf, "cannot connect to esxclid at /nonexistent/esxclid.sock: No such "
			 "file or directory; start it with 'systemctl start esxclid' or "
			 "'esxclid -f'");
}
END_TEST

START_TEST(client_request_too_big)
{
	struct json_object *params = json_object_new_object(), *reply = NULL;
	char *big = malloc(ESX_MAX_REQUEST + 1), errbuf[256];

	memset(big, 'x', ESX_MAX_REQUEST);
	big[ESX_MAX_REQUEST] = '\0';
	json_object_object_add(params, ESX_KEY_WORD, json_object_new_string(big));
	/* Refused before any connection: the path need not exist. */
	ck_assert_int_eq(client_call("/nonexistent/esxclid.sock", ESX_METHOD_COMPLETE, params, 2000,
				     &reply, errbuf, sizeof(errbuf)), -E2BIG);
	json_object_put(params);
	free(big);
}
END_TEST

START_TEST(reply_timeout_from_env)
{
	unsetenv(ESXCLI_TIMEOUT_ENV);
	ck_assert_int_eq(client_reply_timeout_ms(), ESX_CLIENT_REPLY_TIMEOUT_MS);
	setenv(ESXCLI_TIMEOUT_ENV, "3", 1);
	ck_assert_int_eq(client_reply_timeout_ms(), 3000);
	setenv(ESXCLI_TIMEOUT_ENV, "0.25", 1);
	ck_assert_int_eq(client_reply_timeout_ms(), 250);
	setenv(ESXCLI_TIMEOUT_ENV, "-1", 1);
	ck_assert_int_eq(client_reply_timeout_ms(), ESX_CLIENT_REPLY_TIMEOUT_MS);
	setenv(ESXCLI_TIMEOUT_ENV, "soon", 1);
	ck_assert_int_eq(client_reply_timeout_ms(), ESX_CLIENT_REPLY_TIMEOUT_MS);
	unsetenv(ESXCLI_TIMEOUT_ENV);
}
END_TEST

static Suite *shell_suite(void)
{
	Suite *s = suite_create("shell");
	TCase *words = tcase_create("words");
	TCase *client = tcase_create("client");

	tcase_add_test(words, split_plain);
	tcase_add_test(words, split_quotes);
	tcase_add_test(words, split_backslash);
	tcase_add_test(words, split_unfinished);
	tcase_add_test(words, split_partial);
	tcase_add_test(words, secrets);
	tcase_add_test(words, secret_prompted_when_missing);
	tcase_add_test(words, secret_given_is_left_alone);
	tcase_add_test(words, secret_reader_fails);
	tcase_add_test(words, secret_needs_a_terminal);
	suite_add_tcase(s, words);

	tcase_set_timeout(client, 60);
	tcase_add_test(client, client_round_trip);
	tcase_add_test(client, client_deadline);
	tcase_add_test(client, client_refuses_huge_reply);
	tcase_add_test(client, client_refuses_garbage);
	tcase_add_test(client, client_peer_closes);
	tcase_add_test(client, client_daemon_down);
	tcase_add_test(client, client_request_too_big);
	tcase_add_test(client, reply_timeout_from_env);
	suite_add_tcase(s, client);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(shell_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
