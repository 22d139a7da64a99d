/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Running external programs (iscsiadm, modprobe, multipath...) without ever
 * blocking the event loop: fork/exec with an argv array (never a shell),
 * stdout and stderr captured through non-blocking pipes, the child's exit
 * seen through a pidfd, and a deadline after which the child is killed.
 * Secrets never travel in argv (every user can read /proc/PID/cmdline):
 * pass them through stdin_data or a file.
 *
 * The child runs in its own process group with default signal dispositions,
 * an empty signal mask, only descriptors 0-2 open, and stdin from
 * stdin_data or /dev/null. The process must ignore SIGPIPE (esxclid does):
 * a child that exits without reading its stdin makes our write fail.
 * Where pidfds are missing (kernels before 5.3, valgrind 3.19) the exit is
 * polled with waitpid(WNOHANG) from a timer instead.
 */
#ifndef ESXD_EXEC_H
#define ESXD_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

struct esx_loop;
struct exec_job;

#define EXEC_OUTPUT_MAX (4u * 1024 * 1024)   /* per stream; more is cut off */

struct exec_result {
	int exit_status;        /* the program's exit code; -1 when killed by a
				 * signal. 127: execve failed (stderr says why) */
	int signal;             /* the signal that ended it, or 0 */
	bool timed_out;         /* its deadline passed: its process group was
				 * killed (exit_status is still the child's if it
				 * had exited, leaving a grandchild holding a pipe) */
	bool truncated;         /* an output exceeded EXEC_OUTPUT_MAX */
	const char *out;        /* NUL-terminated, valid during the callback */
	size_t out_len;
	const char *err;
	size_t err_len;
	unsigned elapsed_ms;
};

/* Called once when the child has exited and both pipes reached EOF, or at
 * its deadline, after the kill. Not called after exec_cancel(). The job is
 * freed when this returns: do not exec_cancel() it from here (starting other
 * jobs, or cancelling others, is fine). */
typedef void (*exec_done_fn)(const struct exec_result *result, void *data);

struct exec_spec {
	const char *const *argv;   /* argv[0] is an absolute path; NULL-terminated */
	const char *const *envp;   /* NULL: a minimal safe environment (PATH, LANG=C) */
	const char *stdin_data;    /* written to the child's stdin, then closed; NULL: /dev/null */
	size_t stdin_len;
	unsigned timeout_ms;       /* required, > 0 */
};

/* Start a child. Returns 0 and *out (the job, owned by the exec module until
 * done or cancelled), or a negative errno with a message: -EINVAL for a bad
 * spec (argv[0] not absolute, timeout_ms 0), -ENOENT/-EACCES when argv[0]
 * is not an executable file. spec and the strings in it need not outlive
 * the call (stdin_data is copied, and wiped when the job ends). */
int exec_start(struct esx_loop *loop, const struct exec_spec *spec, exec_done_fn done,
	       void *data, struct exec_job **out, struct esx_err *err);

/* Kill the child's process group (SIGKILL), reap it, free the job; done is
 * not called. Waits for the killed child at most 100 ms (a killed process
 * is normally gone in microseconds); one stuck in the kernel is reaped later
 * by the loop. */
void exec_cancel(struct exec_job *job);

/* For log messages: "/sbin/iscsiadm -m iface -I vmk1 -o new", words with
 * blanks, quotes or shell metacharacters in single quotes. Always
 * NUL-terminated when len > 0; cut with "..." (never inside a UTF-8
 * sequence) when too long. Arguments that look like secrets are never passed
 * here in the first place. */
void exec_format_argv(const char *const *argv, char *out, size_t len);

#endif
