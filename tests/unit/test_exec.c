/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of running programs from the event loop, with real processes:
 * exit codes, separate capture of stdout and stderr, output cut at its cap
 * without blocking the child, stdin, deadlines that kill the whole process
 * group, cancel, the loop staying responsive, and no descriptor leaks.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "loop.h"

/* A run that hangs fails instead of stalling the suite. */
#define GUARD_MS 20000

struct run {
	struct esx_loop *loop;
	int calls;
	int expected;           /* quit the loop after this many results */
	struct exec_result r;   /* the last result; out and err copied */
	char *out, *err;
};

static char *copy_bytes(const char *p, size_t len)
{
	char *s = malloc(len + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

static void on_done(const struct exec_result *r, void *data)
{
	struct run *run = data;

	/* The strings must be NUL-terminated at their length. */
	ck_assert_int_eq(r->out[r->out_len], '\0');
	ck_assert_int_eq(r->err[r->err_len], '\0');
	free(run->out);
	free(run->err);
	run->r = *r;
	run->out = copy_bytes(r->out, r->out_len);
	run->err = copy_bytes(r->err, r->err_len);
	run->r.out = run->out;
	run->r.err = run->err;
	if (++run->calls >= run->expected)
		loop_quit(run->loop, 0);
}

static void on_guard(struct esx_loop *loop, void *data)
{
	loop_quit(loop, -ETIMEDOUT);
}

static void run_init(struct run *run)
{
	memset(run, 0, sizeof(*run));
	run->expected = 1;
	ck_assert_int_eq(loop_new(&run->loop), 0);
}

static void run_free(struct run *run)
{
	loop_free(run->loop);
	free(run->out);
	free(run->err);
}

/* Run the loop until the expected results arrived (or the guard fired). */
static void run_loop(struct run *run)
{
	struct loop_timer guard;

	loop_timer_init(&guard, on_guard, NULL);
	loop_timer_arm(run->loop, &guard, loop_now_ms() + GUARD_MS);
	ck_assert_int_eq(loop_run(run->loop), 0);
	loop_timer_disarm(run->loop, &guard);
}

static void start(struct run *run, const struct exec_spec *spec, struct exec_job **job)
{
	struct esx_err err = { 0 };
	struct exec_job *j = NULL;
	int ret = exec_start(run->loop, spec, on_done, run, &j, &err);

	ck_assert_msg(ret == 0, "exec_start: %d %s", ret, err.text);
	ck_assert_ptr_nonnull(j);
	if (job)
		*job = j;
}

static void run_argv(struct run *run, const char *const *argv, unsigned timeout_ms)
{
	struct exec_spec spec = { .argv = argv, .timeout_ms = timeout_ms };

	run_init(run);
	start(run, &spec, NULL);
	run_loop(run);
	ck_assert_int_eq(run->calls, 1);
}

/* From /proc/PID/stat: the command name, the state letter, the parent. */
struct proc_stat {
	char comm[64];
	char state;
	int ppid;
};

static bool read_proc_stat(const char *pid, struct proc_stat *ps)
{
	char path[300], line[512], *lparen, *rparen;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	lparen = strchr(line, '(');
	rparen = strrchr(line, ')');
	if (!lparen || !rparen || rparen - lparen - 1 >= (long)sizeof(ps->comm))
		return false;
	memcpy(ps->comm, lparen + 1, (size_t)(rparen - lparen - 1));
	ps->comm[rparen - lparen - 1] = '\0';
	return sscanf(rparen + 2, "%c %d", &ps->state, &ps->ppid) == 2;
}

static bool process_dead(pid_t pid)
{
	struct proc_stat ps;
	char id[16];

	/* Gone, or a zombie waiting for whoever adopted it. */
	snprintf(id, sizeof(id), "%d", (int)pid);
	if (!read_proc_stat(id, &ps))
		return true;
	return ps.state == 'Z' || ps.state == 'X';
}

static bool wait_dead(pid_t pid, unsigned ms)
{
	for (unsigned waited = 0; waited < ms; waited += 10) {
		if (process_dead(pid))
			return true;
		usleep(10000);
	}
	return process_dead(pid);
}

/* Our direct children whose command name is comm. */
static int find_children(const char *comm, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct proc_stat ps;
	int found = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) && found < max) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (read_proc_stat(de->d_name, &ps) && ps.ppid == getpid() &&
		    strcmp(ps.comm, comm) == 0)
			pids[found++] = atoi(de->d_name);
	}
	closedir(d);
	return found;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

START_TEST(true_exits_zero)
{
	const char *argv[] = { "/bin/true", NULL };
	struct run run;

	run_argv(&run, argv, 5000);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert_int_eq(run.r.signal, 0);
	ck_assert(!run.r.timed_out);
	ck_assert(!run.r.truncated);
	ck_assert_uint_eq(run.r.out_len, 0);
	ck_assert_uint_eq(run.r.err_len, 0);
	run_free(&run);
}
END_TEST

START_TEST(exit_code_reported)
{
	const char *argv[] = { "/bin/sh", "-c", "exit 3", NULL };
	struct run run;

	run_argv(&run, argv, 5000);
	ck_assert_int_eq(run.r.exit_status, 3);
	ck_assert_int_eq(run.r.signal, 0);
	ck_assert(!run.r.timed_out);
	run_free(&run);
}
END_TEST

START_TEST(signal_reported)
{
	const char *argv[] = { "/bin/sh", "-c", "kill -KILL $$", NULL };
	struct run run;

	run_argv(&run, argv, 5000);
	ck_assert_int_eq(run.r.exit_status, -1);
	ck_assert_int_eq(run.r.signal, SIGKILL);
	ck_assert(!run.r.timed_out);
	run_free(&run);
}
END_TEST

START_TEST(stdout_and_stderr_apart)
{
	const char *argv[] = { "/bin/sh", "-c", "printf 'to out\\n'; printf 'to err' >&2; printf more",
			       NULL };
	struct run run;

	run_argv(&run, argv, 5000);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert_str_eq(run.out, "to out\nmore");
	ck_assert_uint_eq(run.r.out_len, strlen("to out\nmore"));
	ck_assert_str_eq(run.err, "to err");
	ck_assert_uint_eq(run.r.err_len, strlen("to err"));
	run_free(&run);
}
END_TEST

START_TEST(large_output_cut_child_not_blocked)
{
	const char *argv[] = { "/usr/bin/head", "-c", "10000000", "/dev/zero", NULL };
	struct run run;

	run_argv(&run, argv, 15000);
	/* head wrote all 10 MB and exited by itself: nobody stopped reading. */
	ck_assert(!run.r.timed_out);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert(run.r.truncated);
	ck_assert_uint_eq(run.r.out_len, EXEC_OUTPUT_MAX);
	ck_assert_uint_eq(run.r.err_len, 0);
	for (size_t i = 0; i < run.r.out_len; i += 4096)
		ck_assert_int_eq(run.out[i], 0);
	run_free(&run);
}
END_TEST

START_TEST(output_exactly_at_cap_not_truncated)
{
	char count[32];
	const char *argv[] = { "/usr/bin/head", "-c", count, "/dev/zero", NULL };
	struct run run;

	snprintf(count, sizeof(count), "%u", EXEC_OUTPUT_MAX);
	run_argv(&run, argv, 15000);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert(!run.r.truncated);
	ck_assert_uint_eq(run.r.out_len, EXEC_OUTPUT_MAX);
	run_free(&run);
}
END_TEST

START_TEST(stdin_round_trip)
{
	/* Larger than a pipe buffer, so writing and reading interleave. */
	size_t len = 300000;
	char *data = malloc(len);
	const char *argv[] = { "/bin/cat", NULL };
	struct exec_spec spec = { .argv = argv, .timeout_ms = 10000 };
	struct run run;

	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	spec.stdin_data = data;
	spec.stdin_len = len;
	run_init(&run);
	start(&run, &spec, NULL);
	/* The module keeps its own copy. */
	memset(data, 'x', len);
	run_loop(&run);
	ck_assert_int_eq(run.calls, 1);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert_uint_eq(run.r.out_len, len);
	for (size_t i = 0; i < len; i++)
		ck_assert_int_eq(run.out[i], (char)('a' + i % 26));
	free(data);
	run_free(&run);
}
END_TEST

START_TEST(empty_stdin_and_dev_null)
{
	const char *argv[] = { "/bin/cat", NULL };
	struct exec_spec spec = { .argv = argv, .timeout_ms = 5000, .stdin_data = "" };
	struct run run;

	/* An empty stdin_data: cat sees EOF at once. */
	run_init(&run);
	start(&run, &spec, NULL);
	run_loop(&run);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert(!run.r.timed_out);
	ck_assert_uint_eq(run.r.out_len, 0);
	run_free(&run);

	/* No stdin_data: /dev/null, also EOF at once. */
	run_argv(&run, argv, 5000);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert(!run.r.timed_out);
	run_free(&run);
}
END_TEST

START_TEST(stdin_refused_by_child)
{
	/* The child exits without reading: writing gets EPIPE, nothing breaks. */
	size_t len = 1 << 20;
	char *data = calloc(1, len);
	const char *argv[] = { "/bin/true", NULL };
	struct exec_spec spec = { .argv = argv, .timeout_ms = 5000, .stdin_len = len };
	struct run run;

	ck_assert_ptr_nonnull(data);
	spec.stdin_data = data;
	run_init(&run);
	start(&run, &spec, NULL);
	run_loop(&run);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert(!run.r.timed_out);
	free(data);
	run_free(&run);
}
END_TEST

START_TEST(timeout_kills)
{
	const char *argv[] = { "/bin/sleep", "10", NULL };
	struct run run;

	run_argv(&run, argv, 200);
	ck_assert(run.r.timed_out);
	ck_assert_int_eq(run.r.exit_status, -1);
	ck_assert_int_eq(run.r.signal, SIGKILL);
	ck_assert_uint_ge(run.r.elapsed_ms, 190);
	ck_assert_uint_lt(run.r.elapsed_ms, 3000);
	run_free(&run);
}
END_TEST

START_TEST(timeout_kills_grandchildren)
{
	const char *argv[] = { "/bin/sh", "-c", "/bin/sleep 10 & echo $$ $!; /bin/sleep 10", NULL };
	struct run run;
	int shell = 0, grandchild = 0;

	run_argv(&run, argv, 300);
	ck_assert(run.r.timed_out);
	ck_assert_int_eq(sscanf(run.out, "%d %d", &shell, &grandchild), 2);
	ck_assert_int_gt(shell, 1);
	ck_assert_int_gt(grandchild, 1);
	/* The shell was reaped by the module; its children died with it. */
	ck_assert_int_eq(kill(shell, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert(wait_dead(grandchild, 2000));
	run_free(&run);
}
END_TEST

START_TEST(exited_child_with_lingering_grandchild)
{
	/* The grandchild keeps stdout open: done waits for EOF, up to the
	 * deadline, then kills the group, grandchild included. */
	const char *argv[] = { "/bin/sh", "-c", "/bin/sleep 10 & echo $!; exit 5", NULL };
	struct run run;
	int grandchild = 0;

	run_argv(&run, argv, 300);
	ck_assert(run.r.timed_out);
	ck_assert_int_eq(run.r.exit_status, 5);
	ck_assert_int_eq(sscanf(run.out, "%d", &grandchild), 1);
	ck_assert(wait_dead(grandchild, 2000));
	run_free(&run);
}
END_TEST

static void on_settle(struct esx_loop *loop, void *data)
{
	loop_quit(loop, 0);
}

static void spin(struct esx_loop *loop, unsigned ms)
{
	struct loop_timer t;

	loop_timer_init(&t, on_settle, NULL);
	loop_timer_arm(loop, &t, loop_now_ms() + ms);
	ck_assert_int_eq(loop_run(loop), 0);
	loop_timer_disarm(loop, &t);
}

START_TEST(cancel_kills_and_stays_silent)
{
	const char *argv[] = { "/bin/sleep", "10", NULL };
	struct exec_spec spec = { .argv = argv, .timeout_ms = 10000 };
	struct exec_job *job = NULL;
	struct run run;
	pid_t pids[4];
	int fds_before;

	run_init(&run);
	fds_before = count_fds();
	start(&run, &spec, &job);
	/* Let it exec, so /proc names it. */
	for (int i = 0; i < 100 && find_children("sleep", pids, 4) == 0; i++)
		spin(run.loop, 10);
	ck_assert_int_eq(find_children("sleep", pids, 4), 1);
	exec_cancel(job);
	/* Killed and reaped: the pid no longer exists at all. */
	ck_assert_int_eq(kill(pids[0], 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_int_eq(count_fds(), fds_before);
	spin(run.loop, 300);
	ck_assert_int_eq(run.calls, 0);
	run_free(&run);
}
END_TEST

START_TEST(cancel_right_after_start)
{
	const char *argv[] = { "/bin/sleep", "10", NULL };
	struct exec_spec spec = { .argv = argv, .timeout_ms = 10000 };
	struct exec_job *job = NULL;
	struct run run;

	run_init(&run);
	start(&run, &spec, &job);
	exec_cancel(job);
	ck_assert_int_eq(find_children("sleep", (pid_t[1]){ 0 }, 1), 0);
	spin(run.loop, 100);
	ck_assert_int_eq(run.calls, 0);
	run_free(&run);
}
END_TEST

START_TEST(refuses_bad_specs)
{
	const char *relative[] = { "true", NULL };
	const char *missing[] = { "/nonexistent/program", NULL };
	const char *ok[] = { "/bin/true", NULL };
	struct exec_spec spec = { .argv = relative, .timeout_ms = 1000 };
	struct esx_err err = { 0 };
	struct exec_job *job = (struct exec_job *)&spec;
	struct esx_loop *loop = NULL;
	int fds_before = count_fds();

	ck_assert_int_eq(loop_new(&loop), 0);
	ck_assert_int_eq(exec_start(loop, &spec, on_done, NULL, &job, &err), -EINVAL);
	ck_assert_ptr_null(job);
	ck_assert_ptr_nonnull(strstr(err.text, "true"));

	err_reset(&err);
	spec.argv = missing;
	ck_assert_int_eq(exec_start(loop, &spec, on_done, NULL, &job, &err), -ENOENT);
	ck_assert_ptr_null(job);
	ck_assert_ptr_nonnull(strstr(err.text, "/nonexistent/program"));

	err_reset(&err);
	spec.argv = ok;
	spec.timeout_ms = 0;
	ck_assert_int_eq(exec_start(loop, &spec, on_done, NULL, &job, &err), -EINVAL);
	ck_assert_ptr_null(job);

	err_reset(&err);
	spec.argv = (const char *[]){ NULL };
	spec.timeout_ms = 1000;
	ck_assert_int_eq(exec_start(loop, &spec, on_done, NULL, &job, &err), -EINVAL);
	ck_assert_ptr_null(job);

	ck_assert_int_eq(find_children("true", (pid_t[1]){ 0 }, 1), 0);
	loop_free(loop);
	ck_assert_int_eq(count_fds(), fds_before);
}
END_TEST

/* valgrind's preload library is mapped into what it runs. */
static bool under_valgrind(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "vgpreload") != NULL;
	fclose(f);
	return found;
}

START_TEST(exec_failure_is_127)
{
	/* Searchable, so it passes the access() check, but execve refuses a
	 * directory. */
	const char *argv[] = { "/usr/lib", NULL };
	struct run run;

	run_argv(&run, argv, 5000);
	/* Under valgrind the failed child is still valgrind's: at _exit it
	 * checks the parent's heap it inherited and exits with valgrind's own
	 * error code. */
	if (under_valgrind())
		ck_assert(run.r.exit_status == 127 || run.r.exit_status == 1);
	else
		ck_assert_int_eq(run.r.exit_status, 127);
	ck_assert_ptr_nonnull(strstr(run.err, "cannot run program: /usr/lib"));
	run_free(&run);
}
END_TEST

START_TEST(default_and_given_environment)
{
	const char *argv[] = { "/usr/bin/env", NULL };
	const char *envp[] = { "FOO=bar", NULL };
	struct exec_spec spec = { .argv = argv, .envp = envp, .timeout_ms = 5000 };
	struct run run;

	setenv("TEST_EXEC_LEAK", "1", 1);
	run_argv(&run, argv, 5000);
	ck_assert_str_eq(run.out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLANG=C\nLC_ALL=C\n");
	run_free(&run);

	run_init(&run);
	start(&run, &spec, NULL);
	run_loop(&run);
	ck_assert_str_eq(run.out, "FOO=bar\n");
	run_free(&run);
}
END_TEST

START_TEST(child_signals_reset)
{
	/* main() blocks and ignores signals as the daemon does. */
	const char *argv[] = { "/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL };
	struct run run;

	unsigned long long blocked = ~0ull, ignored = ~0ull;

	run_argv(&run, argv, 5000);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert_int_eq(sscanf(run.out, "SigBlk:\t%llx\nSigIgn:\t%llx", &blocked, &ignored), 2);
	ck_assert_uint_eq(blocked, 0);
	/* Signals 32 and 33 are glibc's own (thread cancellation, setxid): it
	 * refuses to change them, and what the test runner's parent set for them
	 * is inherited. Every other signal must be back to its default. */
	ck_assert_uint_eq(ignored & ~0x180000000ull, 0);
	run_free(&run);
}
END_TEST

START_TEST(child_gets_only_stdio)
{
	/* A descriptor without O_CLOEXEC must not reach the child. */
	const char *argv[] = { "/bin/ls", "/proc/self/fd", NULL };
	int stray = open("/dev/null", O_RDONLY);
	struct run run;

	ck_assert_int_ge(stray, 3);
	run_argv(&run, argv, 5000);
	close(stray);
	ck_assert_int_eq(run.r.exit_status, 0);
	/* 3 is ls's own handle on the directory it lists. */
	ck_assert_str_eq(run.out, "0\n1\n2\n3\n");
	run_free(&run);
}
END_TEST

struct tick {
	uint64_t fired_at;
	int calls_then;
	struct run *run;
};

static void on_tick(struct esx_loop *loop, void *data)
{
	struct tick *tick = data;

	tick->fired_at = loop_now_ms();
	tick->calls_then = tick->run->calls;
}

START_TEST(loop_serves_timers_meanwhile)
{
	const char *argv[] = { "/bin/sleep", "1", NULL };
	struct exec_spec spec = { .argv = argv, .timeout_ms = 5000 };
	struct loop_timer timer;
	struct tick tick = { 0 };
	struct run run;
	uint64_t started;

	run_init(&run);
	tick.run = &run;
	tick.calls_then = -1;
	started = loop_now_ms();
	start(&run, &spec, NULL);
	loop_timer_init(&timer, on_tick, &tick);
	loop_timer_arm(run.loop, &timer, loop_now_ms() + 10);
	run_loop(&run);
	ck_assert_int_eq(run.calls, 1);
	ck_assert_int_eq(run.r.exit_status, 0);
	ck_assert_uint_ge(run.r.elapsed_ms, 900);
	/* The timer fired on time, while sleep was still running. */
	ck_assert_int_eq(tick.calls_then, 0);
	ck_assert_uint_lt(tick.fired_at - started, 500);
	run_free(&run);
}
END_TEST

START_TEST(no_fd_leak_over_many_runs)
{
	const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2", NULL };
	const char *cat[] = { "/bin/cat", NULL };
	struct exec_spec spec = { .argv = argv, .timeout_ms = 10000 };
	struct exec_spec spec_cat = { .argv = cat, .timeout_ms = 10000, .stdin_data = "in\n",
				      .stdin_len = 3 };
	struct run run;
	int fds_before = count_fds();

	/* 50 at once, half with stdin. */
	run_init(&run);
	run.expected = 50;
	for (int i = 0; i < 50; i++)
		start(&run, i % 2 ? &spec : &spec_cat, NULL);
	run_loop(&run);
	ck_assert_int_eq(run.calls, 50);
	run_free(&run);
	ck_assert_int_eq(count_fds(), fds_before);

	/* And 50 one after another. */
	for (int i = 0; i < 50; i++) {
		run_init(&run);
		start(&run, &spec, NULL);
		run_loop(&run);
		ck_assert_int_eq(run.calls, 1);
		ck_assert_str_eq(run.out, "out\n");
		ck_assert_str_eq(run.err, "err\n");
		run_free(&run);
	}
	ck_assert_int_eq(count_fds(), fds_before);
}
END_TEST

START_TEST(format_argv)
{
	const char *plain[] = { "/sbin/iscsiadm", "-m", "iface", "-I", "vmk1", "-o", "new", NULL };
	const char *quoted[] = { "/bin/sh", "-c", "exit 3", "it's", "", NULL };
	const char *accent[] = { "/bin/echo", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL };
	char buf[128], small[12];

	exec_format_argv(plain, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/sbin/iscsiadm -m iface -I vmk1 -o new");
	exec_format_argv(quoted, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/bin/sh -c 'exit 3' 'it'\\''s' ''");

	exec_format_argv(plain, small, sizeof(small));
	ck_assert_str_eq(small, "/sbin/is...");
	/* "/bin/echo " is 10 bytes: the cut never splits a two-byte é. */
	exec_format_argv(accent, buf, 16);
	ck_assert_str_eq(buf, "/bin/echo \xc3\xa9...");
	exec_format_argv(accent, buf, 15);
	ck_assert_str_eq(buf, "/bin/echo ...");

	/* Exactly fitting: no ellipsis. */
	exec_format_argv((const char *[]){ "/bin/true", NULL }, small, 10);
	ck_assert_str_eq(small, "/bin/true");
	exec_format_argv((const char *[]){ "/bin/true", NULL }, small, 3);
	ck_assert_str_eq(small, "/b");
	exec_format_argv((const char *[]){ "/bin/true", NULL }, small, 4);
	ck_assert_str_eq(small, "...");
	small[0] = 'x';
	exec_format_argv((const char *[]){ "/bin/true", NULL }, small, 0);
	ck_assert_int_eq(small[0], 'x');
}
END_TEST

static Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("exec");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, true_exits_zero);
	tcase_add_test(tc, exit_code_reported);
	tcase_add_test(tc, signal_reported);
	tcase_add_test(tc, stdout_and_stderr_apart);
	tcase_add_test(tc, large_output_cut_child_not_blocked);
	tcase_add_test(tc, output_exactly_at_cap_not_truncated);
	tcase_add_test(tc, stdin_round_trip);
	tcase_add_test(tc, empty_stdin_and_dev_null);
	tcase_add_test(tc, stdin_refused_by_child);
	tcase_add_test(tc, timeout_kills);
	tcase_add_test(tc, timeout_kills_grandchildren);
	tcase_add_test(tc, exited_child_with_lingering_grandchild);
	tcase_add_test(tc, cancel_kills_and_stays_silent);
	tcase_add_test(tc, cancel_right_after_start);
	tcase_add_test(tc, refuses_bad_specs);
	tcase_add_test(tc, exec_failure_is_127);
	tcase_add_test(tc, default_and_given_environment);
	tcase_add_test(tc, child_signals_reset);
	tcase_add_test(tc, child_gets_only_stdio);
	tcase_add_test(tc, loop_serves_timers_meanwhile);
	tcase_add_test(tc, no_fd_leak_over_many_runs);
	tcase_add_test(tc, format_argv);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	sigset_t mask;
	int failed;

	/* As the daemon: SIGPIPE ignored, the signalfd's signals blocked. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	sr = srunner_create(exec_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
