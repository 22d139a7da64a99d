#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The storage lab guest's main program, run by /init in the chroot (the host's
# root under a tmpfs overlay). It reads /lab/job.env, which tests/lab/run
# wrote: loads the modules, builds the topology (topology.sh), starts udevd,
# iscsid, multipathd and tgtd, then either runs the scenarios one after the
# other, resetting the lab in between, or (interactive) runs esxclid and the
# esxcli shell on the console. Results and logs go to the job share, /lab.
#
# Files in /lab it writes: progress (one line per stage), boot-error (why the
# lab could not be set up), results/NAME.{out,status,seconds}, logs/*.

set -u

LAB_DIR=/lab
# shellcheck source=/dev/null
. "$LAB_DIR/job.env"
# shellcheck source=tests/lab/topology.sh
. "$LAB_DIR/topology.sh"

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LAB_DIR LAB_NICS LAB_LOGS
export ESXCLID=$LAB_DIR/bin/esxclid ESXCLI=$LAB_DIR/bin/esxcli
export LAB_NET_LIB=$LAB_DIR/net-lib.sh
export SYSTEMD_IGNORE_CHROOT=1
mkdir -p "$LAB_LOGS" "$LAB_DIR/results" "$LAB_RUN"

progress() {
	echo "$(date +%s) $*" >>"$LAB_DIR/progress"
	echo "lab: $*"
}

boot_error() {
	echo "$*" >>"$LAB_DIR/boot-error"
	echo "lab: BOOT ERROR: $*"
	collect_logs
	exit 1
}

collect_logs() {
	ip -d addr show >"$LAB_LOGS/ip-addr.txt" 2>&1
	ip -n "$LAB_NS" -d addr show >>"$LAB_LOGS/ip-addr.txt" 2>&1
	ps -ef >"$LAB_LOGS/ps.txt" 2>&1
	sync
}

stop_services() {
	local name pid

	for name in multipathd iscsid udevd tgtd kernel-log; do
		pid=$(cat "$LAB_RUN/$name.pid" 2>/dev/null) || continue
		kill "$pid" 2>/dev/null && lab_wait_for 5 sh -c "! kill -0 $pid"
	done
}

hostname esxlab 2>/dev/null
# The kernel's log as it comes, so a guest killed at its time limit still
# leaves it; each scenario's start is marked in it.
setsid dmesg --follow >>"$LAB_LOGS/kernel.log" 2>&1 &
echo $! >"$LAB_RUN/kernel-log.pid"
progress "guest up: kernel $(uname -r), $(nproc) cpus"
lab_modules_load || boot_error "kernel modules did not load"
progress "modules loaded"
lab_clean_host_state
lab_network_up || boot_error "the lab network could not be built"
lab_sysctls_save
lab_target_up || boot_error "the iSCSI target (tgtd) did not start"
lab_services_up || boot_error "udevd, iscsid or multipathd did not start"
# The services outlive every scenario; stop_services ends them by pid.
disown -a
progress "lab ready: $LAB_NICS NICs, target at $LAB_PORTALS"

# run_scenario NAME: the scenario in its own process, with a time limit; its
# output, status and duration land in results/.
run_scenario() {
	local name=$1 script="$LAB_DIR/scenarios/$1.sh" out rc started

	out=$LAB_DIR/results/$name
	progress "scenario $name: start"
	started=$SECONDS
	echo "==== scenario $name ====" | tee -a "$LAB_LOGS/iscsid.log" "$LAB_LOGS/multipathd.log" \
		"$LAB_LOGS/udevd.log" >>"$LAB_LOGS/tgtd.log"
	echo "lab: ==== scenario $name ====" >/dev/kmsg
	(cd "$LAB_DIR/scenarios" &&
		timeout -k 5 "$LAB_SCENARIO_TIMEOUT" bash "$script" </dev/null 2>&1) |
		tee "$out.out"
	rc=${PIPESTATUS[0]}
	echo $((SECONDS - started)) >"$out.seconds"
	[ "$rc" -eq 124 ] && echo "# lab: scenario killed after ${LAB_SCENARIO_TIMEOUT} s" | tee -a "$out.out"
	echo "$rc" >"$out.status"
	progress "scenario $name: exit $rc after $((SECONDS - started)) s"

	lab_reset
	local residue
	residue=$(lab_residue)
	if [ -n "$residue" ]; then
		echo "$residue" >"$out.residue"
		progress "scenario $name left the lab dirty: $residue"
	fi
}

run_interactive() {
	local pid rc=0 command=("$ESXCLI") where

	[ "$LAB_INTERACTIVE" = bash ] && command=(bash -l)
	# Kernel messages (iSCSI ping timeouts when a cable is pulled...) would land
	# in the middle of the prompt: keep them out of the console; they are in
	# $LAB_LOGS/kernel.log and `dmesg`.
	dmesg -n 1 2>/dev/null || true

	mkdir -p /run/esxclid
	"$ESXCLID" -f --debug >>"$LAB_LOGS/esxclid.log" 2>&1 &
	pid=$!
	lab_wait_for 10 test -S /run/esxclid/esxclid.sock ||
		echo "lab: esxclid did not open its socket; see $LAB_LOGS/esxclid.log"
	# The user's terminal type, when this system knows it.
	export TERM=vt100
	if [ -n "${LAB_TERM:-}" ] && tput -T "$LAB_TERM" longname >/dev/null 2>&1; then
		TERM=$LAB_TERM
	fi
	# The freshly built programs on every PATH (bash -l resets PATH); the
	# overlay takes the links, the host's /usr/local/bin is untouched.
	ln -sf "$LAB_DIR"/bin/* /usr/local/bin/
	if [ "$LAB_INTERACTIVE" = bash ]; then
		where=("This is a root shell: esxcli, vmkping, iscsiadm, multipath and ip.")
	else
		where=("This prompt takes esxcli commands (try: network nic list); for vmkping"
			"and iscsiadm as well, use the root shell of tests/lab/run --shell.")
	fi
	cat <<-EOF

	  esxcli storage lab: a QEMU guest running Debian's kernel $(uname -r)

	  This host, the ESXi side:
	    NICs $(lab_nics | paste -sd ' '): up, no address (uplinks for vSwitches)
	    initiator $LAB_INITIATOR; iscsid, multipathd, udevd running
	    esxclid running (log: $LAB_LOGS/esxclid.log); no vSwitch, no vmk yet
	  The array (tgtd in netns $LAB_NS), on one switch with every NIC:
	    portals $LAB_PORTAL1 (10.10.1.0/24) and $LAB_PORTAL2 (10.10.2.0/24), port 3260
	    $LAB_TARGET1  LUN 1 (512 MiB), LUN 2 (256 MiB)
	    $LAB_TARGET2  LUN 1 (128 MiB)
	    $LAB_TARGET3  LUN 1 (64 MiB), CHAP required, only from 10.10.3.0/24
	      (portal $LAB_PORTAL3; CHAP name $LAB_CHAP_USER, secret $LAB_CHAP_SECRET)

	  The guided exercise, iSCSI port binding step by step: docs/lab-exercise.md
	  in the source tree.
	EOF
	printf '  %s\n' "${where[@]}"
	cat <<-EOF
	  Nothing here reaches the host's network or disks; all is gone at power-off.
	  Leave with exit or Ctrl-D (the guest powers off); Ctrl-A x kills it.

	EOF
	# A session of its own with the console as controlling terminal, so
	# readline and Ctrl-C work.
	# shellcheck disable=SC2016 # expanded by the inner bash
	LAB_ROWS=$LAB_ROWS LAB_COLS=$LAB_COLS setsid -c -w bash -c '
		[ -n "${LAB_ROWS:-}" ] && stty rows "$LAB_ROWS" cols "$LAB_COLS" 2>/dev/null
		exec "$@"' lab-shell "${command[@]}" \
		</dev/ttyS0 >/dev/ttyS0 2>&1 || rc=$?
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return "$rc"
}

status=0
if [ "$LAB_MODE" = interactive ]; then
	run_interactive || status=$?
else
	for name in "${LAB_SCENARIOS[@]}"; do
		run_scenario "$name"
	done
fi
progress "done"
stop_services
collect_logs
exit "$status"
