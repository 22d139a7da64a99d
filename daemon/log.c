/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging: to stderr in the foreground, to syslog otherwise. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static bool log_to_stderr = true;
static bool log_debug_enabled;

void log_open(bool to_stderr, bool debug)
{
	log_to_stderr = to_stderr;
	log_debug_enabled = debug;
	if (!to_stderr)
		openlog("esxclid", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static const char *priority_label(int priority)
{
	switch (priority) {
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

void log_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	if (priority == LOG_DEBUG && !log_debug_enabled)
		return;
	va_start(ap, fmt);
	if (log_to_stderr) {
		struct timespec now;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &now);
		localtime_r(&now.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		fprintf(stderr, "esxclid %s.%03ld %s: ", stamp, now.tv_nsec / 1000000,
			priority_label(priority));
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(priority, fmt, ap);
	}
	va_end(ap);
}
