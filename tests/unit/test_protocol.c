/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Protocol tests against a real esxclid process on a private socket:
 * malformed, oversized and unknown requests get error replies, the
 * connection stays usable or is closed cleanly, slow clients stall nobody,
 * and the daemon keeps running throughout.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"

static char tmpdir[] = "/tmp/esxtest-protocol-XXXXXX";
static char sock_path[100];
static pid_t daemon_pid = -1;

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int connect_daemon(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Run the real esxclid on our socket, with its state in tmpdir/STATE_DIR and
 * its log in tmpdir/LOG. */
static pid_t spawn_daemon(const char *state_dir, const char *log_name)
{
	char state[300], log[300];
	pid_t pid;

	snprintf(state, sizeof(state), "%s/%s/esx.conf", tmpdir, state_dir);
	snprintf(log, sizeof(log), "%s/%s", tmpdir, log_name);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		execl(TEST_BUILDDIR "/daemon/esxclid", "esxclid", "-f", "--socket", sock_path,
		      "--state", state, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void start_daemon(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(sock_path, sizeof(sock_path), "%s/esxclid.sock", tmpdir);
	daemon_pid = spawn_daemon("state", "daemon.log");
	for (int i = 0; i < 100; i++) {
		int fd = connect_daemon();

		if (fd >= 0) {
			close(fd);
			return;
		}
		sleep_ms(50);
	}
	ck_abort_msg("esxclid did not start");
}

static void stop_daemon(void)
{
	int status = 0;
	char cmd[400];

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		waitpid(daemon_pid, &status, 0);
		daemon_pid = -1;
	}
	snprintf(cmd, sizeof(cmd), "%s", tmpdir);
	/* The socket is removed by the daemon on exit; the rest is ours. */
	ck_assert_int_ne(access(sock_path, F_OK), 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void daemon_alive(void)
{
	ck_assert_int_eq(waitpid(daemon_pid, NULL, WNOHANG), 0);
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_gt(n, 0);
		buf += n;
		len -= (size_t)n;
	}
}

static void send_msg(int fd, const char *json)
{
	send_all(fd, json, strlen(json) + 1);
}

/* Read one NUL-terminated reply within timeout_ms. NULL on EOF or timeout. */
static struct json_object *read_reply(int fd, int timeout_ms)
{
	static char buf[1 << 20];
	size_t len = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			return NULL;
		n = recv(fd, buf + len, 1, 0);   /* byte by byte: never read past the NUL */
		if (n <= 0)
			return NULL;
		if (buf[len] == '\0')
			return json_tokener_parse(buf);
		len++;
		ck_assert_uint_lt(len, sizeof(buf));
	}
}

static const char *error_of(struct json_object *reply)
{
	struct json_object *e;

	if (!json_object_object_get_ex(reply, ESX_KEY_ERROR, &e))
		return NULL;
	return json_object_get_string(e);
}

static int is_eof(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	return recv(fd, &c, 1, 0) == 0;
}

static void assert_get_info_works(int fd)
{
	struct json_object *r, *params, *product;

	send_msg(fd, "{\"method\":\"org.varlink.service.GetInfo\"}");
	r = read_reply(fd, 5000);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(error_of(r));
	ck_assert(json_object_object_get_ex(r, ESX_KEY_PARAMETERS, &params));
	ck_assert(json_object_object_get_ex(params, "product", &product));
	ck_assert_str_eq(json_object_get_string(product), "esxclid");
	json_object_put(r);
}

START_TEST(get_info)
{
	int fd = connect_daemon();

	assert_get_info_works(fd);
	close(fd);
}
END_TEST

START_TEST(malformed_json_keeps_connection)
{
	int fd = connect_daemon();
	struct json_object *r;

	send_msg(fd, "{\"method\": \"io.esxcli.Shell.Execute\", \"parameters\": {\"argv\": [");
	r = read_reply(fd, 5000);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(error_of(r), "io.esxcli.Shell.ProtocolError");
	json_object_put(r);
	send_msg(fd, "[1, 2, 3]");
	r = read_reply(fd, 5000);
	ck_assert_str_eq(error_of(r), "io.esxcli.Shell.ProtocolError");
	json_object_put(r);
	assert_get_info_works(fd);
	close(fd);
	daemon_alive();
}
END_TEST

START_TEST(unknown_method_and_bad_parameters)
{
	int fd = connect_daemon();
	struct json_object *r;

	send_msg(fd, "{\"method\":\"io.esxcli.Shell.Format\",\"parameters\":{}}");
	r = read_reply(fd, 5000);
	ck_assert_str_eq(error_of(r), "org.varlink.service.MethodNotFound");
	json_object_put(r);
	send_msg(fd, "{\"method\":\"io.esxcli.Shell.Execute\",\"parameters\":{\"argv\":\"network nic list\"}}");
	r = read_reply(fd, 5000);
	ck_assert_str_eq(error_of(r), "org.varlink.service.InvalidParameter");
	json_object_put(r);
	send_msg(fd, "{\"method\":\"io.esxcli.Shell.Execute\",\"parameters\":{\"argv\":[\"a\\u0000b\"]}}");
	r = read_reply(fd, 5000);
	ck_assert_str_eq(error_of(r), "org.varlink.service.InvalidParameter");
	json_object_put(r);
	send_msg(fd, "{\"method\":\"io.esxcli.Shell.Execute\",\"parameters\":[]}");
	r = read_reply(fd, 5000);
	ck_assert_str_eq(error_of(r), "org.varlink.service.InvalidParameter");
	json_object_put(r);
	assert_get_info_works(fd);
	close(fd);
	daemon_alive();
}
END_TEST

START_TEST(oversized_request_refused_and_closed)
{
	int fd = connect_daemon();
	size_t len = ESX_MAX_REQUEST + 4096;
	char *big = malloc(len);
	struct json_object *r;

	memset(big, 'x', len);
	send_all(fd, big, len);   /* no NUL: a message without end */
	r = read_reply(fd, 5000);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(error_of(r), "io.esxcli.Shell.ProtocolError");
	json_object_put(r);
	ck_assert(is_eof(fd, 5000));
	free(big);
	close(fd);
	daemon_alive();
	fd = connect_daemon();
	assert_get_info_works(fd);
	close(fd);
}
END_TEST

START_TEST(execute_over_the_wire)
{
	int fd = connect_daemon();
	struct json_object *r, *params, *result, *records, *help, *version;

	send_msg(fd, "{\"method\":\"io.esxcli.Shell.Execute\",\"parameters\":{\"argv\":[\"esxcli\",\"command\",\"list\"]}}");
	r = read_reply(fd, 5000);
	ck_assert_ptr_null(error_of(r));
	ck_assert(json_object_object_get_ex(r, ESX_KEY_PARAMETERS, &params));
	ck_assert(json_object_object_get_ex(params, ESX_KEY_SCHEMA_VERSION, &version));
	ck_assert_int_eq(json_object_get_int(version), ESX_SCHEMA_VERSION);
	ck_assert(json_object_object_get_ex(params, ESX_KEY_RESULT, &result));
	ck_assert(json_object_object_get_ex(result, ESX_RES_RECORDS, &records));
	ck_assert_int_ge(json_object_array_length(records), 5);
	json_object_put(r);

	send_msg(fd, "{\"method\":\"io.esxcli.Shell.Execute\",\"parameters\":{\"argv\":[\"network\",\"nic\",\"get\"]}}");
	r = read_reply(fd, 5000);
	ck_assert_str_eq(error_of(r), "io.esxcli.Shell.MissingParameter");
	ck_assert(json_object_object_get_ex(r, ESX_KEY_PARAMETERS, &params));
	ck_assert(json_object_object_get_ex(params, ESX_KEY_HELP, &help));
	ck_assert(strncmp(json_object_get_string(help), "Usage: esxcli network nic get", 29) == 0);
	json_object_put(r);
	close(fd);
}
END_TEST

START_TEST(pipelined_requests_answered_in_order)
{
	int fd = connect_daemon();
	const char two[] = "{\"method\":\"io.esxcli.Shell.Complete\",\"parameters\":{\"argv\":[],\"word\":\"netw\"}}\0"
			   "{\"method\":\"org.varlink.service.GetInfo\"}";
	struct json_object *r, *params, *candidates;

	send_all(fd, two, sizeof(two));
	r = read_reply(fd, 5000);
	ck_assert(json_object_object_get_ex(r, ESX_KEY_PARAMETERS, &params));
	ck_assert(json_object_object_get_ex(params, ESX_KEY_CANDIDATES, &candidates));
	ck_assert_int_eq(json_object_array_length(candidates), 1);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(candidates, 0)), "network");
	json_object_put(r);
	r = read_reply(fd, 5000);
	ck_assert(json_object_object_get_ex(r, ESX_KEY_PARAMETERS, &params));
	ck_assert(json_object_object_get_ex(params, "product", NULL));
	json_object_put(r);
	close(fd);
}
END_TEST

START_TEST(many_clients_at_once)
{
	enum { N = 40 };
	int fds[N];

	for (int i = 0; i < N; i++) {
		fds[i] = connect_daemon();
		ck_assert_int_ge(fds[i], 0);
		send_msg(fds[i], "{\"method\":\"io.esxcli.Shell.Help\",\"parameters\":{\"argv\":[\"network\"]}}");
	}
	for (int i = 0; i < N; i++) {
		struct json_object *r = read_reply(fds[i], 5000);

		ck_assert_ptr_nonnull(r);
		ck_assert_ptr_null(error_of(r));
		json_object_put(r);
		close(fds[i]);
	}
	daemon_alive();
}
END_TEST

/* A client that starts a request and never finishes it must not stall
 * others, and is disconnected at its deadline (5 s). */
START_TEST(slow_client_stalls_nobody)
{
	int slow = connect_daemon(), fd;
	time_t start = time(NULL);

	send_all(slow, "{\"method\":\"org.varlink", 22);
	fd = connect_daemon();
	assert_get_info_works(fd);
	close(fd);
	ck_assert(is_eof(slow, 8000));
	ck_assert_int_ge(time(NULL) - start, 4);
	close(slow);
	daemon_alive();
}
END_TEST

START_TEST(peer_that_vanishes_mid_reply)
{
	for (int i = 0; i < 20; i++) {
		int fd = connect_daemon();

		send_msg(fd, "{\"method\":\"io.esxcli.Shell.Execute\",\"parameters\":{\"argv\":[\"esxcli\",\"command\",\"list\"]}}");
		close(fd);
	}
	sleep_ms(200);
	daemon_alive();
	int fd = connect_daemon();

	assert_get_info_works(fd);
	close(fd);
}
END_TEST

START_TEST(second_daemon_refused)
{
	pid_t pid = spawn_daemon("other", "second.log");
	int status;

	waitpid(pid, &status, 0);
	ck_assert(WIFEXITED(status));
	ck_assert_int_ne(WEXITSTATUS(status), 0);
	/* The first daemon still serves its socket. */
	int fd = connect_daemon();

	assert_get_info_works(fd);
	close(fd);
}
END_TEST

static Suite *protocol_suite(void)
{
	Suite *s = suite_create("protocol");
	TCase *tc = tcase_create("daemon");

	tcase_add_unchecked_fixture(tc, start_daemon, stop_daemon);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, get_info);
	tcase_add_test(tc, malformed_json_keeps_connection);
	tcase_add_test(tc, unknown_method_and_bad_parameters);
	tcase_add_test(tc, oversized_request_refused_and_closed);
	tcase_add_test(tc, execute_over_the_wire);
	tcase_add_test(tc, pipelined_requests_answered_in_order);
	tcase_add_test(tc, many_clients_at_once);
	tcase_add_test(tc, slow_client_stalls_nobody);
	tcase_add_test(tc, peer_that_vanishes_mid_reply);
	tcase_add_test(tc, second_daemon_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(protocol_suite());
	int failed;

	signal(SIGPIPE, SIG_IGN);
	/* One daemon for the whole suite: run in this process so that the
	 * fixture's daemon is shared and its exit is checked. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
