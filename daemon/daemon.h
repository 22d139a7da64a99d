/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The daemon's shared context: its configuration and the handles of the
 * parts every command may need (store, kernel backend, event loop). Handlers
 * reach it through call->daemon.
 */
#ifndef ESXD_DAEMON_H
#define ESXD_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct esx_loop;
struct esx_store;
struct esx_net;
struct esx_server;
struct esx_engine;
struct model;
struct reconciler;
struct iscsi_runtime;
struct nmp_runtime;

struct esxd_config {
	const char *socket_path;
	const char *state_path;
	const char *admin_group;      /* name or numeric gid */
	const char *readonly_group;   /* name or numeric gid */
	const char *mpath_dropin;     /* the multipath drop-in esxclid owns */
	const char *mpathd_socket;    /* NULL: libmpathcmd's; "@name" abstract (tests) */
	bool foreground;
	bool debug;
	unsigned max_clients;
	unsigned max_clients_per_uid;
	unsigned read_deadline_ms;    /* a started request must arrive within this */
	unsigned idle_timeout_ms;     /* a connection with nothing to do is closed */
	unsigned write_deadline_ms;   /* a reply must be taken within this */
};

struct esxd {
	struct esxd_config cfg;
	struct esx_loop *loop;
	struct esx_store *store;
	struct esx_net *net;          /* NULL when netlink could not be opened */
	struct esx_server *server;
	struct esx_engine *engine;     /* the command tree */
	struct model *model;           /* the committed desired network state */
	struct reconciler *reconciler; /* makes the kernel match the model */
	struct iscsi_runtime *iscsi;   /* the software iSCSI adapter between commands */
	struct nmp_runtime *nmp;       /* dm-multipath between commands */
	gid_t admin_gid, readonly_gid;
	bool have_admin_gid, have_readonly_gid;
	time_t started;
	bool stopping;
};

#endif
