# SPDX-License-Identifier: GPL-3.0-or-later
# Reading the kernel's network state independently of esxclid (ip -j,
# /proc/sys) for the vSwitch, vmk, binding and failover tests, and checking
# that a refused command changed nothing. Source it after lib.sh; it reads
# the test's namespace from $NS and its state file from $STATE.
#
#   link_field IF EXPR, link_exists IF, addrs IF, addr_flag IF ADDR FLAG,
#   routes FAMILY TABLE, rules FAMILY, sysctls IF   one object of the kernel
#   snapshot                       all of it, to compare before and after
#   refused TEXT MESSAGE ARGS...   esxcli fails and nothing changed
#   list_field NAME KEY ARGS..., struct_field KEY ARGS...
#                                  one field of esxcli's JSON output
#   restart_daemon NS [ARGS...], finish_kernel_test

# The interpreter itself: a version manager's shim costs 0.2 s a start.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

# pyq EXPR: EXPR (Python) over the JSON document on stdin, as d; a list is
# printed one item a line.
# A "switch": bridge br0 in namespace SW with address ADDR (and more
# addresses after it), and NICs in namespace NS named by NICS (a bash array
# name) whose peers p<NIC> are ports of br0. Bails out when the kernel
# cannot.
plug_nics_into_switch() {
	local ns=$1 sw=$2 nics=$3 addr nic
	local -n list=$nics

	shift 3
	ip -n "$sw" link add br0 type bridge || { echo "Bail out! cannot create a bridge"; exit 99; }
	ip -n "$sw" link set br0 up
	for addr in "$@"; do
		# IPv6 without duplicate address detection: usable at once.
		case $addr in
		*:*) ip -n "$sw" addr add "$addr" dev br0 nodad ;;
		*) ip -n "$sw" addr add "$addr" dev br0 ;;
		esac
	done
	for nic in "${list[@]}"; do
		ip -n "$ns" link add "$nic" type veth peer name "p$nic" netns "$sw" ||
			{ echo "Bail out! cannot create veth $nic"; exit 99; }
		ip -n "$sw" link set "p$nic" master br0
		ip -n "$sw" link set "p$nic" up
		ip -n "$ns" link set "$nic" up
	done
}

pyq() {
	"$PYTHON" -c '
import json, sys
d = json.loads(sys.stdin.read() or "null")
v = eval(sys.argv[1])
print("\n".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v))' "$1"
}

# link_field IF EXPR: EXPR over `ip -j -d link show dev IF` as l.
link_field() {
	ip -n "$NS" -j -d link show dev "$1" 2>/dev/null | pyq "(lambda l: $2)(d[0]) if d else ''"
}

link_exists() {
	ip -n "$NS" link show dev "$1" >/dev/null 2>&1
}

# addrs IF: IF's addresses other than link-local ones, "addr/len", sorted,
# space-separated.
addrs() {
	ip -n "$NS" -j addr show dev "$1" 2>/dev/null |
		pyq '" ".join(sorted(a["local"] + "/" + str(a["prefixlen"]) for a in (d[0]["addr_info"] if d else []) if a["scope"] != "link"))'
}

# addr_flag IF ADDR FLAG: the value of FLAG (nodad, tentative, broadcast) of ADDR.
addr_flag() {
	ip -n "$NS" -j addr show dev "$1" |
		pyq "[a.get('$3', '') for a in d[0]['addr_info'] if a['local'] == '$2']"
}

# routes FAMILY TABLE: the routes of TABLE as "dst [via gw] dev D proto P
# [scope S] [src S]", sorted; iproute2 leaves out the keys it filters on, so
# the whole set is read and filtered here.
routes() {
	ip -n "$NS" -j "$1" route show table all | pyq "sorted(' '.join(
    [r['dst']] + (['via', r['gateway']] if 'gateway' in r else []) +
    ['dev', r.get('dev', '-'), 'proto', r.get('protocol', 'boot')] +
    (['scope', r['scope']] if 'scope' in r else []) +
    (['src', r['prefsrc']] if 'prefsrc' in r else []))
  for r in d if r.get('table', 'main') == '$2' and not r['dst'].startswith(('fe80', 'ff00')))"
}

# rules FAMILY: the rules other than the kernel's own, "prio from S lookup T proto P".
rules() {
	ip -n "$NS" -j "$1" rule show |
		pyq "['%s from %s lookup %s proto %s' % (r['priority'], r['src'], r['table'], r.get('protocol', '-')) for r in d if r['table'] not in ('local', 'main', 'default')]"
}

# sysctls IF: arp_ignore arp_announce rp_filter of IF.
sysctls() {
	ip netns exec "$NS" sh -c "cd /proc/sys/net/ipv4/conf/$1 && echo \$(cat arp_ignore arp_announce rp_filter)"
}

# snapshot: what the kernel holds, ifindexes included, and every ARP and
# rp_filter sysctl; link-local (fe80) things are left out, as they come and
# go with IPv6 duplicate address detection on their own.
snapshot() {
	ip netns exec "$NS" "$PYTHON" -c '
import json, os, subprocess
def ip(*args):
    return json.loads(subprocess.run(["ip", "-j", *args], check=True, capture_output=True, text=True).stdout or "[]")
for l in ip("-d", "link", "show"):
    print("link", l["ifname"], l["ifindex"], l.get("link", ""), l.get("linkinfo", {}).get("info_kind", ""),
          l["mtu"], l.get("address", ""), ",".join(sorted(l["flags"])), l.get("ifalias", ""))
for l in ip("addr", "show"):
    for a in l["addr_info"]:
        if a["scope"] != "link":
            print("addr", l["ifname"], a["local"], a["prefixlen"], a.get("broadcast", ""))
for family in ("-4", "-6"):
    for r in ip(family, "route", "show", "table", "all"):
        if "fe80" not in r["dst"] and not r["dst"].startswith("ff00"):
            print("route", json.dumps(r, sort_keys=True))
    for r in ip(family, "rule", "show"):
        print("rule", json.dumps(r, sort_keys=True))
conf = "/proc/sys/net/ipv4/conf"
for i in sorted(os.listdir(conf)):
    print("sysctl", i, *(open(os.path.join(conf, i, k)).read().strip()
                         for k in ("arp_ignore", "arp_announce", "rp_filter")))
'
	# The multipath drop-in is the daemon's other piece of system state.
	[ -z "${DAEMON_DROPIN:-}" ] || sed 's/^/dropin /' "$DAEMON_DROPIN" 2>/dev/null || true
}

# state_unchanged: the state file is what refused() saved (or still absent).
state_unchanged() {
	if [ -f "$TEST_TMP/state.before" ]; then
		cmp -s "$TEST_TMP/state.before" "$STATE"
	else
		[ ! -e "$STATE" ]
	fi
}

# refused TEXT MESSAGE ARGS...: `esxcli ARGS` fails (exit 1) saying MESSAGE,
# and neither the state file (byte for byte) nor the kernel has changed.
refused() {
	local text=$1 message=$2 out rc before after

	shift 2
	rm -f "$TEST_TMP/state.before"
	[ -f "$STATE" ] && cp "$STATE" "$TEST_TMP/state.before"
	before=$(snapshot)
	out=$(esx "$@" 2>&1)
	rc=$?
	after=$(snapshot)
	if [ "$rc" -ne 1 ]; then
		fail "$text: exits 1" "esxcli $*" "exit $rc: $out"
	elif [[ $out != *"$message"* ]]; then
		fail "$text: says why" "esxcli $*" "expected: $message" "actual:   $out"
	elif ! state_unchanged; then
		fail "$text: the state file is unchanged" "esxcli $*" \
			"$(diff "$TEST_TMP/state.before" "$STATE" 2>&1)"
	elif [ "$before" != "$after" ]; then
		fail "$text: the kernel is unchanged" "esxcli $*" \
			"$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after"))"
	else
		ok "$text (refused; state file and kernel unchanged)"
	fi
}

# restart_daemon NS [ARGS...]: stop the test's esxclid (SIGTERM, waited for)
# and start another on the same socket and state; the earlier log is kept
# in $TEST_TMP/earlier.log, which finish_kernel_test prints on failure.
restart_daemon() {
	local ns=$1

	shift
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID"
	DAEMON_PID=
	cat "$DAEMON_LOG" >>"$TEST_TMP/earlier.log"
	start_daemon "$ns" "$@"
}

# finish_kernel_test: lib.sh's finish, after the logs of earlier daemons.
finish_kernel_test() {
	if [ "$FAILED" -ne 0 ] && [ -s "$TEST_TMP/earlier.log" ]; then
		echo "# log of the esxclid that ran before the last restart:"
		sed 's/^/#   /' "$TEST_TMP/earlier.log"
	fi
	finish
}

# list_field NAME KEY ARGS...: KEY of the record named NAME (its Name or
# Interface) in the JSON output of `esxcli ARGS`; a list as "a, b".
list_field() {
	local name=$1 key=$2

	shift 2
	esx --formatter=json "$@" |
		pyq "[(', '.join(map(str, v)) if isinstance(v, list) else v) for v in (r['$key'] for r in d['result'] if r.get('Name', r.get('Interface')) == '$name')]"
}

# struct_field KEY ARGS...: KEY of the single structure `esxcli ARGS` prints.
struct_field() {
	local key=$1

	shift
	esx --formatter=json "$@" |
		pyq "(lambda v: ', '.join(map(str, v)) if isinstance(v, list) else v)(d['result']['$key'])"
}
