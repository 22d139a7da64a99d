#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Failover benchmark: sets up namespaces as tests/net/failover.sh does (a vmk
# with vmnic1 active and vmnic2 standby, their veth peers ports of a bridge in
# a "switch" namespace), runs probe.py there for N runs of failover and
# failback, and prints a Markdown report with the machine's facts.
#
#   bench/failover/run.sh [-n RUNS] [-d] [-s STRACE_OUT] [-k]
#     -n RUNS        runs (default 50)
#     -d             run esxclid with --debug (its log then times each event)
#     -s FILE        attach strace -tt -T to esxclid, output in FILE
#     -k             keep the raw results and the daemon's log (path printed)
#
# Needs root, iproute2, python3. ESXCLID and ESXCLI default to the build tree.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${ESXCLID:=$top/daemon/esxclid}"
: "${ESXCLI:=$top/shell/esxcli}"
runs=50 debug='' strace_out='' keep=''
while getopts "n:ds:k" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	d) debug=--debug ;;
	s) strace_out=$OPTARG ;;
	k) keep=1 ;;
	*) sed -n '8,14p' "$0" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root" >&2; exit 1; }
for prog in "$ESXCLID" "$ESXCLI"; do
	[ -x "$prog" ] || { echo "run.sh: no $prog (build first, or set ESXCLID/ESXCLI)" >&2; exit 1; }
done
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || exit 1

NS=esxb-fo-$$
SW=esxb-fosw-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/esxb-failover.XXXXXX") || exit 1
daemon='' tracer=''
cleanup() {
	[ -n "$tracer" ] && kill "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	if [ -n "$daemon" ]; then
		kill "$daemon" 2>/dev/null
		wait "$daemon" 2>/dev/null
	fi
	ip netns del "$NS" 2>/dev/null
	ip netns del "$SW" 2>/dev/null
	if [ -n "$keep" ]; then
		echo "run.sh: raw results and log kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "run.sh: $*" >&2
	exit 1
}

ip netns add "$NS" && ip netns add "$SW" || die "cannot create namespaces"
ip -n "$NS" link set lo up
ip -n "$SW" link set lo up
ip -n "$SW" link add br0 type bridge || die "no bridge support"
ip -n "$SW" link set br0 up
ip -n "$SW" addr add 10.0.0.1/24 dev br0
for nic in vmnic1 vmnic2; do
	ip -n "$NS" link add "$nic" type veth peer name "p$nic" netns "$SW" || die "cannot create veth"
	ip -n "$SW" link set "p$nic" master br0
	ip -n "$SW" link set "p$nic" up
	ip -n "$NS" link set "$nic" up
done

sock=$work/esxclid.sock
ip netns exec "$NS" "$ESXCLID" -f $debug --socket "$sock" --state "$work/state/esx.conf" \
	>"$work/esxclid.log" 2>&1 &
daemon=$!
for _ in $(seq 50); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] || die "esxclid did not start: $(cat "$work/esxclid.log")"
for cmd in "vswitch standard add -v vSwitch1" \
	"vswitch standard uplink add -u vmnic1 -v vSwitch1" \
	"vswitch standard uplink add -u vmnic2 -v vSwitch1" \
	"vswitch standard portgroup add -p pg1 -v vSwitch1" \
	"vswitch standard portgroup policy failover set -p pg1 -a vmnic1 -s vmnic2" \
	"ip interface add -i vmk1 -p pg1" \
	"ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0 -g 10.0.0.1"; do
	# shellcheck disable=SC2086
	"$ESXCLI" --socket="$sock" network $cmd || die "esxcli network $cmd failed"
done
ip netns exec "$SW" ping -c 1 -W 2 10.0.0.11 >/dev/null || die "the switch does not reach vmk1"

if [ -n "$strace_out" ]; then
	strace -f -tt -T -p "$daemon" -o "$strace_out" 2>/dev/null &
	tracer=$!
	sleep 0.5
fi

ip netns exec "$SW" "$PYTHON" "$here/probe.py" --target 10.0.0.11 --active-port pvmnic1 \
	--standby-port pvmnic2 --runs "$runs" >"$work/runs.jsonl" || die "probe failed"

state_fs=$(findmnt -n -o FSTYPE -T "$work" 2>/dev/null || stat -f -c %T "$work")
"$PYTHON" "$here/report.py" "$work/runs.jsonl" "$work/esxclid.log" "$state_fs" "$debug$strace_out"
