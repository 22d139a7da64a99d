/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Running external programs from the event loop: fork/execve with an argv
 * array, output through non-blocking pipes, the exit seen through a pidfd,
 * a deadline enforced by killing the child's whole process group.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "log.h"
#include "loop.h"

/* After SIGKILL at the deadline, how long the loop waits for the exit before
 * reporting anyway (a process stuck in the kernel, state D, cannot die). */
#define EXEC_KILL_GRACE_MS 2000
/* exec_cancel's bounded wait for a killed child: a normal one is gone in
 * microseconds; a stuck one is left to the loop to reap. */
#define EXEC_CANCEL_WAIT_MS 100
/* Without pidfds (kernels before 5.3, valgrind before 3.20) the exit is
 * polled with waitpid(WNOHANG): first soon, then up to this interval. */
#define EXEC_REAP_POLL_MAX_MS 50
/* Reads per wake-up and stream, so a chatty child cannot starve the loop. */
#define EXEC_READS_PER_WAKE 16
#define EXEC_READ_CHUNK 65536

static const char *const default_envp[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"LANG=C",
	"LC_ALL=C",
	NULL
};

struct exec_stream {
	int fd;                 /* -1 once at EOF */
	char *buf;
	size_t len, cap;
	bool cut;               /* more came than EXEC_OUTPUT_MAX */
};

struct exec_job {
	struct esx_loop *loop;
	pid_t pid;
	int pidfd;              /* -1 once reaped, or when pidfds are missing */
	bool reaped;
	unsigned poll_ms;       /* without a pidfd: the next waitpid poll */
	struct loop_timer poll_timer;
	int stdin_fd;           /* -1 once all written or given up */
	char *stdin_data;       /* a copy: may hold a secret, wiped on free */
	size_t stdin_len, stdin_off;
	struct exec_stream out, err;
	struct loop_timer timer;
	uint64_t start_ms;
	int wait_status;
	bool killed;            /* SIGKILL sent at the deadline */
	bool detached;          /* done called or cancelled; freed once reaped */
	exec_done_fn done;
	void *data;
	char name[256];         /* formatted argv, for the log */
};

/* ---- formatting ---- */

struct appender {
	char *out;
	size_t len, pos;
	bool full;
};

static void append_char(struct appender *a, char c)
{
	if (a->full)
		return;
	if (a->pos + 1 >= a->len) {
		a->full = true;
		return;
	}
	a->out[a->pos++] = c;
}

static void append_str(struct appender *a, const char *s)
{
	while (*s && !a->full)
		append_char(a, *s++);
}

static bool needs_quotes(const char *word)
{
	if (!*word)
		return true;
	return word[strcspn(word, " \t\n'\"\\$`*?[]{}()<>|&;#~")] != '\0';
}

void exec_format_argv(const char *const *argv, char *out, size_t len)
{
	struct appender a = { .out = out, .len = len };

	if (!len)
		return;
	for (size_t i = 0; argv && argv[i] && !a.full; i++) {
		if (i)
			append_char(&a, ' ');
		if (!needs_quotes(argv[i])) {
			append_str(&a, argv[i]);
			continue;
		}
		append_char(&a, '\'');
		for (const char *p = argv[i]; *p && !a.full; p++) {
			if (*p == '\'')
				append_str(&a, "'\\''");
			else
				append_char(&a, *p);
		}
		append_char(&a, '\'');
	}
	out[a.pos] = '\0';
	if (a.full && len >= 4) {
		size_t at = len - 4;

		/* Not in the middle of a UTF-8 sequence. */
		while (at > 0 && ((unsigned char)out[at] & 0xc0) == 0x80)
			at--;
		memcpy(out + at, "...", 4);
	}
}

/* ---- the child, between fork and execve: async-signal-safe calls only ---- */

static void child_fail(const char *what)
{
	static const char prefix[] = "esxclid: cannot run program: ";
	ssize_t ignored;

	ignored = write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
	ignored = write(STDERR_FILENO, what, strlen(what));
	ignored = write(STDERR_FILENO, "\n", 1);
	(void)ignored;
	_exit(127);
}

/* Put fds[i] on descriptor i for i = 0..2. Each is first moved above 2, so a
 * source that happens to be 0, 1 or 2 is not overwritten by another dup2. */
static void child_setup_stdio(const int fds[3])
{
	int high[3];

	for (int i = 0; i < 3; i++) {
		high[i] = fcntl(fds[i], F_DUPFD, 3);
		if (high[i] < 0)
			_exit(127);
	}
	for (int i = 0; i < 3; i++) {
		if (dup2(high[i], i) < 0)
			_exit(127);
	}
}

static void child_close_fds(int max_fd)
{
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0)
		return;
	for (int fd = 3; fd < max_fd; fd++)
		close(fd);
}

static void child_reset_signals(void)
{
	struct sigaction dfl;
	sigset_t none;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);     /* SIGKILL, SIGSTOP: EINVAL, fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static __attribute__((noreturn)) void child_run(const struct exec_spec *spec,
						 const char *const *envp,
						 const int stdio[3], int max_fd)
{
	/* Its own process group, so a kill at the deadline reaches whatever it
	 * started too. The parent does the same to close the race. */
	setpgid(0, 0);
	child_reset_signals();
	child_setup_stdio(stdio);
	child_close_fds(max_fd);
	/* execve's prototype predates const; it changes neither array. */
	execve(spec->argv[0], (char *const *)(uintptr_t)spec->argv,
	       (char *const *)(uintptr_t)envp);
	child_fail(spec->argv[0]);
	_exit(127);
}

/* ---- the parent ---- */

static void stream_close(struct exec_job *job, struct exec_stream *s)
{
	if (s->fd < 0)
		return;
	loop_del_fd(job->loop, s->fd);
	close(s->fd);
	s->fd = -1;
}

static void stdin_close(struct exec_job *job)
{
	if (job->stdin_fd < 0)
		return;
	loop_del_fd(job->loop, job->stdin_fd);
	close(job->stdin_fd);
	job->stdin_fd = -1;
}

static void pidfd_close(struct exec_job *job)
{
	if (job->pidfd < 0)
		return;
	loop_del_fd(job->loop, job->pidfd);
	close(job->pidfd);
	job->pidfd = -1;
}

static void job_free(struct exec_job *job)
{
	stream_close(job, &job->out);
	stream_close(job, &job->err);
	stdin_close(job);
	pidfd_close(job);
	loop_timer_disarm(job->loop, &job->timer);
	loop_timer_disarm(job->loop, &job->poll_timer);
	if (job->stdin_data) {
		explicit_bzero(job->stdin_data, job->stdin_len);
		free(job->stdin_data);
	}
	free(job->out.buf);
	free(job->err.buf);
	free(job);
}

static bool reap_lost(struct exec_job *job)
{
	/* ECHILD: reaped behind our back; there is nothing to wait for. */
	log_warn("Cannot wait for process %d (%s): %s", (int)job->pid, job->name,
		 strerror(errno));
	job->wait_status = -1;
	job->reaped = true;
	pidfd_close(job);
	return true;
}

/* Collect the exit status if the child has one; true once reaped. */
static bool try_reap(struct exec_job *job)
{
	siginfo_t info;
	pid_t got;

	if (job->reaped)
		return true;
	if (job->pidfd < 0) {
		got = waitpid(job->pid, &job->wait_status, WNOHANG);
		if (got < 0 && errno != EINTR)
			return reap_lost(job);
		if (got <= 0)
			return false;
		job->reaped = true;
		return true;
	}
	memset(&info, 0, sizeof(info));
	if (waitid((idtype_t)P_PIDFD, (id_t)job->pidfd, &info, WEXITED | WNOHANG) < 0)
		return errno == EINTR ? false : reap_lost(job);
	if (info.si_pid == 0)
		return false;
	if (info.si_code == CLD_EXITED)
		job->wait_status = (info.si_status & 0xff) << 8;
	else
		job->wait_status = info.si_status & 0x7f;
	job->reaped = true;
	pidfd_close(job);
	return true;
}

static void kill_group(struct exec_job *job)
{
	/* The group outlives its leader while members remain, so this also
	 * reaches grandchildren after the child itself has exited. */
	kill(-job->pid, SIGKILL);
	if (job->reaped)
		return;
	if (job->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
	else
		kill(job->pid, SIGKILL);
}

static void report(struct exec_job *job)
{
	struct exec_result r;
	unsigned elapsed = (unsigned)(loop_now_ms() - job->start_ms);
	int st = job->wait_status;

	memset(&r, 0, sizeof(r));
	if (!job->reaped) {
		r.exit_status = -1;     /* killed, but stuck in the kernel */
		r.signal = SIGKILL;
	} else if (st < 0) {
		r.exit_status = -1;     /* reaped by someone else: unknown */
	} else if (WIFEXITED(st)) {
		r.exit_status = WEXITSTATUS(st);
	} else {
		r.exit_status = -1;
		r.signal = WTERMSIG(st);
	}
	r.timed_out = job->killed;
	r.truncated = job->out.cut || job->err.cut;
	r.out = job->out.buf ? job->out.buf : "";
	r.out_len = job->out.buf ? job->out.len : 0;
	r.err = job->err.buf ? job->err.buf : "";
	r.err_len = job->err.buf ? job->err.len : 0;
	r.elapsed_ms = elapsed;
	log_debug("exec end [%d] %s: %s%s status %d signal %d, %u ms", (int)job->pid, job->name,
		  r.timed_out ? "timed out, " : "", r.truncated ? "output truncated, " : "",
		  r.exit_status, r.signal, elapsed);
	job->done(&r, job->data);
}

/* Report, then free now, or once reaped if the child is stuck in the kernel. */
static void finish(struct exec_job *job)
{
	stream_close(job, &job->out);
	stream_close(job, &job->err);
	stdin_close(job);
	loop_timer_disarm(job->loop, &job->timer);
	report(job);
	if (job->reaped) {
		job_free(job);
	} else {
		job->detached = true;
		log_warn("Process %d (%s) survived SIGKILL; reaping it later", (int)job->pid,
			 job->name);
	}
}

static void maybe_finish(struct exec_job *job)
{
	if (job->reaped && job->out.fd < 0 && job->err.fd < 0)
		finish(job);
}

static void poll_soon(struct exec_job *job)
{
	if (job->pidfd >= 0 || job->reaped)
		return;
	job->poll_ms = 1;
	loop_timer_arm(job->loop, &job->poll_timer, loop_now_ms() + job->poll_ms);
}

static void on_exit_seen(struct exec_job *job)
{
	if (job->detached)
		job_free(job);
	else if (job->killed)
		finish(job);
	else
		maybe_finish(job);
}

static void on_pidfd(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct exec_job *job = data;

	if (try_reap(job))
		on_exit_seen(job);
}

static void on_poll_timer(struct esx_loop *loop, void *data)
{
	struct exec_job *job = data;

	if (try_reap(job)) {
		on_exit_seen(job);
		return;
	}
	job->poll_ms = job->poll_ms * 2 > EXEC_REAP_POLL_MAX_MS ? EXEC_REAP_POLL_MAX_MS
								: job->poll_ms * 2;
	loop_timer_arm(loop, &job->poll_timer, loop_now_ms() + job->poll_ms);
}

/* Read what is there; past EXEC_OUTPUT_MAX, keep reading but drop it, so the
 * child never blocks on a full pipe. */
static void on_output(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct exec_job *job = data;
	struct exec_stream *s = fd == job->out.fd ? &job->out : &job->err;
	char scratch[4096];

	for (int i = 0; i < EXEC_READS_PER_WAKE; i++) {
		char *dst = scratch;
		size_t room = sizeof(scratch);
		ssize_t n;

		if (s->len < EXEC_OUTPUT_MAX && !s->cut) {
			if (s->cap - s->len < 2) {
				size_t cap = s->cap ? s->cap * 2 : EXEC_READ_CHUNK;
				char *grown;

				if (cap > EXEC_OUTPUT_MAX + 1)
					cap = EXEC_OUTPUT_MAX + 1;
				grown = realloc(s->buf, cap);
				if (!grown) {
					/* Keep what we have; drop the rest. */
					s->cut = true;
					continue;
				}
				s->buf = grown;
				s->cap = cap;
				s->buf[s->len] = '\0';
			}
			dst = s->buf + s->len;
			room = s->cap - s->len - 1;
			if (room > EXEC_OUTPUT_MAX - s->len)
				room = EXEC_OUTPUT_MAX - s->len;
		}
		n = read(fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			stream_close(job, s);
			/* Output ends as a rule when the child exits. */
			poll_soon(job);
			maybe_finish(job);
			return;
		}
		if (dst == scratch) {
			s->cut = true;
		} else {
			s->len += (size_t)n;
			s->buf[s->len] = '\0';
		}
	}
}

static void on_stdin(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct exec_job *job = data;

	while (job->stdin_off < job->stdin_len) {
		ssize_t n = write(fd, job->stdin_data + job->stdin_off,
				  job->stdin_len - job->stdin_off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			/* EPIPE: the child did not want it all. */
			break;
		}
		job->stdin_off += (size_t)n;
	}
	stdin_close(job);
}

static void on_timer(struct esx_loop *loop, void *data)
{
	struct exec_job *job = data;

	if (job->killed) {
		/* SIGKILL sent EXEC_KILL_GRACE_MS ago and still no exit. */
		finish(job);
		return;
	}
	log_warn("Process %d (%s) timed out; killing it", (int)job->pid, job->name);
	job->killed = true;
	kill_group(job);
	/* What it wrote so far is kept; a member that escaped the group must
	 * not hold us up. */
	stream_close(job, &job->out);
	stream_close(job, &job->err);
	stdin_close(job);
	if (try_reap(job)) {
		finish(job);
		return;
	}
	poll_soon(job);
	loop_timer_arm(loop, &job->timer, loop_now_ms() + EXEC_KILL_GRACE_MS);
}

void exec_cancel(struct exec_job *job)
{
	struct pollfd pfd;

	if (!job || job->detached)
		return;
	log_debug("exec cancel [%d] %s", (int)job->pid, job->name);
	kill_group(job);
	stream_close(job, &job->out);
	stream_close(job, &job->err);
	stdin_close(job);
	loop_timer_disarm(job->loop, &job->timer);
	if (job->pidfd >= 0) {
		pfd.fd = job->pidfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		poll(&pfd, 1, EXEC_CANCEL_WAIT_MS);
	}
	for (unsigned waited = 0; job->pidfd < 0 && !job->reaped &&
	     waited < EXEC_CANCEL_WAIT_MS && !try_reap(job); waited++)
		usleep(1000);
	if (try_reap(job)) {
		job_free(job);
		return;
	}
	job->detached = true;
	poll_soon(job);
	log_warn("Process %d (%s) survived SIGKILL; reaping it later", (int)job->pid, job->name);
}

static int start_failed(struct esx_err *err, const char *program)
{
	return err_set(err, errno, "Unable to run %s: %s", program, strerror(errno));
}

static int validate(const struct exec_spec *spec, struct esx_err *err)
{
	if (!spec || !spec->argv || !spec->argv[0])
		return err_set(err, EINVAL, "No program to run");
	if (spec->argv[0][0] != '/')
		return err_set(err, EINVAL, "Program path must be absolute: %s", spec->argv[0]);
	if (spec->timeout_ms == 0)
		return err_set(err, EINVAL, "No timeout given for %s", spec->argv[0]);
	if (spec->stdin_len && !spec->stdin_data)
		return err_set(err, EINVAL, "No stdin data given for %s", spec->argv[0]);
	/* Said here, where the client sees it, rather than as exit code 127. */
	if (access(spec->argv[0], X_OK) < 0)
		return start_failed(err, spec->argv[0]);
	return 0;
}

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static int max_fd_guess(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 65536)
		return 65536;
	return (int)rl.rlim_cur;
}

int exec_start(struct esx_loop *loop, const struct exec_spec *spec, exec_done_fn done,
	       void *data, struct exec_job **out, struct esx_err *err)
{
	struct exec_job *job = NULL;
	int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, in_pipe[2] = { -1, -1 };
	int child_stdin = -1;
	const char *const *envp;
	int max_fd, ret;

	*out = NULL;
	ret = validate(spec, err);
	if (ret < 0)
		goto out;
	envp = spec->envp ? spec->envp : default_envp;
	max_fd = max_fd_guess();

	job = calloc(1, sizeof(*job));
	if (!job) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	job->loop = loop;
	job->pid = -1;
	job->pidfd = -1;
	job->stdin_fd = -1;
	job->out.fd = -1;
	job->err.fd = -1;
	job->done = done;
	job->data = data;
	loop_timer_init(&job->timer, on_timer, job);
	loop_timer_init(&job->poll_timer, on_poll_timer, job);
	exec_format_argv(spec->argv, job->name, sizeof(job->name));

	if (spec->stdin_data) {
		job->stdin_data = malloc(spec->stdin_len ? spec->stdin_len : 1);
		if (!job->stdin_data) {
			ret = err_set(err, ENOMEM, "Out of memory");
			goto out;
		}
		if (spec->stdin_len)
			memcpy(job->stdin_data, spec->stdin_data, spec->stdin_len);
		job->stdin_len = spec->stdin_len;
		if (pipe2(in_pipe, O_CLOEXEC) < 0) {
			ret = start_failed(err, spec->argv[0]);
			goto out;
		}
		child_stdin = in_pipe[0];
	} else {
		child_stdin = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (child_stdin < 0) {
			ret = start_failed(err, spec->argv[0]);
			goto out;
		}
	}
	/* Only our ends are non-blocking: the flag belongs to the open file
	 * description, and the child expects ordinary blocking stdio. */
	if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
		ret = start_failed(err, spec->argv[0]);
		goto out;
	}
	if (set_nonblock(out_pipe[0]) < 0 || set_nonblock(err_pipe[0]) < 0 ||
	    (in_pipe[1] >= 0 && set_nonblock(in_pipe[1]) < 0)) {
		ret = start_failed(err, spec->argv[0]);
		goto out;
	}

	job->pid = fork();
	if (job->pid < 0) {
		ret = start_failed(err, spec->argv[0]);
		goto out;
	}
	if (job->pid == 0) {
		int stdio[3] = { child_stdin, out_pipe[1], err_pipe[1] };

		child_run(spec, envp, stdio, max_fd);
	}
	setpgid(job->pid, job->pid);    /* EACCES once it has exec'd: it did it then */
	job->start_ms = loop_now_ms();
	log_debug("exec start [%d] %s", (int)job->pid, job->name);

	job->pidfd = (int)syscall(SYS_pidfd_open, job->pid, 0);
	if (job->pidfd < 0 && errno != ENOSYS) {
		ret = err_set(err, errno, "Unable to watch process %d (%s): %s", (int)job->pid,
			      job->name, strerror(errno));
		job->done = NULL;
		exec_cancel(job);
		job = NULL;
		goto out;
	}
	job->out.fd = out_pipe[0];
	out_pipe[0] = -1;
	job->err.fd = err_pipe[0];
	err_pipe[0] = -1;
	job->stdin_fd = in_pipe[1];
	in_pipe[1] = -1;

	ret = 0;
	if (job->pidfd >= 0)
		ret = loop_add_fd(loop, job->pidfd, EPOLLIN, on_pidfd, job);
	else
		poll_soon(job);
	if (ret == 0)
		ret = loop_add_fd(loop, job->out.fd, EPOLLIN, on_output, job);
	if (ret == 0)
		ret = loop_add_fd(loop, job->err.fd, EPOLLIN, on_output, job);
	if (ret == 0 && job->stdin_fd >= 0) {
		if (job->stdin_len)
			ret = loop_add_fd(loop, job->stdin_fd, EPOLLOUT, on_stdin, job);
		else
			stdin_close(job);
	}
	if (ret < 0) {
		err_set(err, ret, "Unable to watch process %d (%s): %s", (int)job->pid,
			job->name, strerror(-ret));
		job->done = NULL;
		exec_cancel(job);
		job = NULL;
		goto out;
	}
	loop_timer_arm(loop, &job->timer, job->start_ms + spec->timeout_ms);
	*out = job;
	job = NULL;
	ret = 0;
out:
	if (child_stdin >= 0)
		close(child_stdin);
	for (int i = 0; i < 2; i++) {
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
	}
	if (in_pipe[1] >= 0)
		close(in_pipe[1]);
	if (job)
		job_free(job);
	return ret;
}
