/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * esxclid: options, start-up in a safe order, the signal handling, and
 * shut-down. Everything it serves is reached through the event loop.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "esxcli/protocol.h"
#include "auth.h"
#include "commands.h"
#include "daemon.h"
#include "engine.h"
#include "iscsi_runtime.h"
#include "log.h"
#include "loop.h"
#include "net_link.h"
#include "reconcile.h"
#include "mpath_dropin.h"
#include "nmp_runtime.h"
#include "sd_notify.h"
#include "server.h"
#include "store.h"
#include "transaction.h"

#define DEFAULT_STATE "/var/lib/esxclid/esx.conf"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: esxclid [options]\n"
		"Serve the esxcli grammar on a Unix socket and keep Linux's iSCSI networking\n"
		"as the desired state describes.\n\n"
		"  -f, --foreground          stay in the foreground and log to stderr\n"
		"      --socket PATH         listen here (default %s)\n"
		"      --state PATH          desired-state file (default %s)\n"
		"      --admin-group GROUP   members may change state (default esxcli-admin)\n"
		"      --readonly-group GROUP  members may list and get (default esxcli-ro)\n"
		"      --max-clients N       clients served at once (default 64)\n"
		"      --max-clients-per-uid N  per non-root user (default 8)\n"
		"      --multipath-dropin PATH  the multipath drop-in esxclid owns\n"
		"                            (default %s)\n"
		"      --multipathd-socket NAME  multipathd's socket, @NAME for an abstract\n"
		"                            one (default: libmpathcmd's)\n"
		"      --debug               log debug messages\n"
		"  -V, --version             print the version\n"
		"  -h, --help                this text\n",
		ESX_DEFAULT_SOCKET, DEFAULT_STATE, MPATH_DROPIN_DEFAULT);
}

static int parse_count(const char *s, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 100000)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* Returns 0 to go on, 1 to exit successfully, -1 on a usage error. */
static int parse_args(int argc, char **argv, struct esxd_config *cfg)
{
	enum { OPT_SOCKET = 256, OPT_STATE, OPT_ADMIN, OPT_RO, OPT_DEBUG, OPT_MAX, OPT_MAX_UID,
	       OPT_DROPIN, OPT_MPATHD };
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "admin-group", required_argument, NULL, OPT_ADMIN },
		{ "readonly-group", required_argument, NULL, OPT_RO },
		{ "max-clients", required_argument, NULL, OPT_MAX },
		{ "max-clients-per-uid", required_argument, NULL, OPT_MAX_UID },
		{ "multipath-dropin", required_argument, NULL, OPT_DROPIN },
		{ "multipathd-socket", required_argument, NULL, OPT_MPATHD },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "fVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': cfg->foreground = true; break;
		case OPT_SOCKET: cfg->socket_path = optarg; break;
		case OPT_STATE: cfg->state_path = optarg; break;
		case OPT_ADMIN: cfg->admin_group = optarg; break;
		case OPT_RO: cfg->readonly_group = optarg; break;
		case OPT_DEBUG: cfg->debug = true; break;
		case OPT_DROPIN: cfg->mpath_dropin = optarg; break;
		case OPT_MPATHD: cfg->mpathd_socket = optarg; break;
		case OPT_MAX:
			if (parse_count(optarg, &cfg->max_clients) < 0) {
				fprintf(stderr, "esxclid: --max-clients takes a number from 1 to 100000\n");
				return -1;
			}
			break;
		case OPT_MAX_UID:
			if (parse_count(optarg, &cfg->max_clients_per_uid) < 0) {
				fprintf(stderr, "esxclid: --max-clients-per-uid takes a number from 1 to 100000\n");
				return -1;
			}
			break;
		case 'V':
			printf("esxclid %s\n", PACKAGE_VERSION);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "esxclid: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (cfg->socket_path[0] != '/' || cfg->state_path[0] != '/' ||
	    cfg->mpath_dropin[0] != '/') {
		fprintf(stderr, "esxclid: --socket, --state and --multipath-dropin take absolute paths\n");
		return -1;
	}
	return 0;
}

static void on_signal(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct esxd *d = data;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_info("signal %u: shutting down", si.ssi_signo);
			d->stopping = true;
			loop_quit(loop, 0);
			break;
		case SIGHUP:
			/* Nothing is cached that a reload could lose: the desired state
			 * is always on disk. Group membership is looked up again. */
			log_info("SIGHUP: looking up the admin and read-only groups again");
			auth_resolve_groups(d);
			break;
		default:
			break;
		}
	}
}

static void on_netlink(struct esx_loop *loop, int fd, uint32_t events, void *data)
{
	struct esxd *d = data;

	(void)loop;
	(void)fd;
	(void)events;
	net_process_events(d->net);
}

static int setup_signals(struct esxd *d, int *sfd_out)
{
	sigset_t mask;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		return -errno;
	*sfd_out = sfd;
	return loop_add_fd(d->loop, sfd, EPOLLIN, on_signal, d);
}

static void announce_ready(void *data)
{
	struct esxd *d = data;
	int ret;

	log_info("esxclid %s ready on %s (state %s)", PACKAGE_VERSION, d->cfg.socket_path,
		 d->cfg.state_path);
	ret = sd_notify_send("READY=1");
	if (ret < 0)
		log_warn("could not tell systemd we are ready: %s", strerror(-ret));
}

int main(int argc, char **argv)
{
	struct esxd d = {
		.cfg = {
			.socket_path = ESX_DEFAULT_SOCKET,
			.state_path = DEFAULT_STATE,
			.mpath_dropin = MPATH_DROPIN_DEFAULT,
			.admin_group = "esxcli-admin",
			.readonly_group = "esxcli-ro",
			.max_clients = 64,
			.max_clients_per_uid = 8,
			.read_deadline_ms = 5000,
			.idle_timeout_ms = 60000,
			.write_deadline_ms = 10000,
		},
	};
	struct esx_err err = { 0 };
	int sfd = -1, status = 1, ret;

	ret = parse_args(argc, argv, &d.cfg);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	log_open(d.cfg.foreground, d.cfg.debug);
	umask(022);
	d.started = time(NULL);

	if (loop_new(&d.loop) < 0) {
		log_err("cannot create the event loop");
		goto out;
	}
	ret = setup_signals(&d, &sfd);
	if (ret < 0) {
		log_err("cannot set up signal handling: %s", strerror(-ret));
		goto out;
	}
	if (engine_new(esx_command_sets, &d.engine, &err) < 0) {
		log_err("command tables are inconsistent: %s", err.text);
		goto out;
	}
	/* The store first: its lock is what keeps a second daemon off the same
	 * state, and a corrupt file must stop us before we touch anything. */
	if (store_open(d.cfg.state_path, &d.store, &err) < 0) {
		log_err("%s", err.text);
		goto out;
	}
	if (model_init(&d, &err) < 0) {
		log_err("%s", err.text);
		goto out;
	}
	err_reset(&err);
	/* A host without some parts still gets the commands that work. */
	if (net_open(&d.net, &err) < 0) {
		log_warn("kernel networking is unavailable, network commands will fail: %s",
			 err.text);
		d.net = NULL;
		err_reset(&err);
	} else if (loop_add_fd(d.loop, net_event_fd(d.net), EPOLLIN, on_netlink, &d) < 0) {
		log_warn("cannot watch netlink events; network state may be stale");
	}
	if (d.net && reconciler_new(&d, &d.reconciler, &err) < 0) {
		log_warn("cannot manage the network (%s): network changes will fail", err.text);
		err_reset(&err);
	}
	/* What the store describes is made real before anyone is served, and
	 * before systemd is told we are ready (open-iscsi logs in after us). */
	if (d.reconciler && reconcile(d.reconciler, d.model, &err) < 0) {
		log_err("the network does not match the configuration yet: %s", err.text);
		err_reset(&err);
	}
	if (nmp_runtime_new(&d, &d.nmp, &err) < 0) {
		log_warn("storage nmp commands are unavailable: %s", err.text);
		err_reset(&err);
	}
	/* After the first pass: it judges the bindings against that network. */
	if (iscsi_runtime_new(&d, &d.iscsi, &err) < 0) {
		log_warn("iSCSI commands are unavailable: %s", err.text);
		err_reset(&err);
	}
	auth_resolve_groups(&d);
	if (server_start(&d, &d.server, &err) < 0) {
		log_err("%s", err.text);
		goto out;
	}
	/* Ready once the iSCSI start-up repairs are done: open-iscsi.service,
	 * ordered after us, logs in through the iface records they restore. */
	iscsi_runtime_when_started(d.iscsi, announce_ready, &d);

	ret = loop_run(d.loop);
	if (ret < 0) {
		log_err("event loop failed: %s", strerror(-ret));
		goto out;
	}
	sd_notify_send("STOPPING=1");
	status = 0;
out:
	server_stop(d.server);
	iscsi_runtime_free(d.iscsi);
	nmp_runtime_free(d.nmp);
	reconciler_free(d.reconciler);
	if (d.net)
		net_close(d.net);
	model_exit(&d);
	store_close(d.store);
	engine_free(d.engine);
	if (sfd >= 0) {
		loop_del_fd(d.loop, sfd);
		close(sfd);
	}
	loop_free(d.loop);
	return status;
}
