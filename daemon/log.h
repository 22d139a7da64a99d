/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging: to stderr in the foreground, to syslog otherwise. */
#ifndef ESXD_LOG_H
#define ESXD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_open(bool to_stderr, bool debug);
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
