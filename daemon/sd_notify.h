/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telling systemd (Type=notify) that the daemon is ready, without libsystemd. */
#ifndef ESXD_SD_NOTIFY_H
#define ESXD_SD_NOTIFY_H

/* Send state (e.g. "READY=1") to $NOTIFY_SOCKET if set. Returns 0 when sent
 * or not wanted, or a negative errno. */
int sd_notify_send(const char *state);

#endif
