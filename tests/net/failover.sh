#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Failover on the real kernel: vmk1's portgroup has vmnic1 active and vmnic2
# standby. Taking the switch-side peer of vmnic1 down (vmnic1 loses carrier)
# moves vmk1's macvlan to vmnic2 with its MAC, addresses, table and rule, and
# the switch reaches it there; carrier back brings it home with failback on
# and leaves it with failback off. A restart of the daemon re-creates
# nothing; a vmk, route, rule or address deleted behind its back comes back.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/net/kernel_state.sh
. "$(dirname "$0")/kernel_state.sh"

net_require

NS=esxt-fo-$$
SW=esxt-fosw-$$
net_setup_ns "$NS"
net_setup_ns "$SW"

NICS=(vmnic1 vmnic2)
plug_nics_into_switch "$NS" "$SW" NICS 10.0.0.1/24 fd00::1/64

start_daemon "$NS"

for cmd in "vswitch standard add -v vSwitch1" \
	"vswitch standard uplink add -u vmnic1 -v vSwitch1" \
	"vswitch standard uplink add -u vmnic2 -v vSwitch1" \
	"vswitch standard portgroup add -p pg1 -v vSwitch1" \
	"vswitch standard portgroup policy failover set -p pg1 -a vmnic1 -s vmnic2" \
	"ip interface add -i vmk1 -p pg1" \
	"ip interface ipv4 set -i vmk1 -t static -I 10.0.0.11 -N 255.255.255.0 -g 10.0.0.1" \
	"ip interface ipv6 address add -i vmk1 -I fd00::11/64" \
	"ip route ipv4 add -n 10.1.0.0/16 -g 10.0.0.254"; do
	# shellcheck disable=SC2086
	out=$(esx network $cmd 2>&1) || { echo "Bail out! esxcli network $cmd: $out"; exit 99; }
done

lower() {
	link_field vmk1 'l["link"]'
}

on() {
	[ "$(lower)" = "$1" ]
}

# what_vmk1_is: everything that must survive a move, one line each.
what_vmk1_is() {
	echo "mac $(link_field vmk1 'l["address"]') mtu $(link_field vmk1 'l["mtu"]') up $(link_field vmk1 '"UP" in l["flags"]')"
	echo "addresses $(addrs vmk1) fd00::11-tentative:$(addr_flag vmk1 fd00::11 tentative)"
	routes -4 10000
	routes -6 10000
	rules -4
	rules -6
	routes -4 main | grep 'proto 222'
	echo "sysctls $(sysctls vmk1)"
}

log_count() {
	grep -c -- "$1" "$DAEMON_LOG"
}

# Conditions for wait_until, evaluated afresh at each try.
has_rules() {
	[ -n "$(rules "$1")" ]
}

has_addrs() {
	[ "$(addrs vmk1)" = "$1" ]
}

is_whole() {
	[ "$(what_vmk1_is)" = "$expected" ]
}

logged_more() {
	[ "$(log_count "$1")" -gt "$2" ]
}

# reachable ADDR: the switch gets an echo reply from ADDR (1 s at most).
reachable() {
	ip netns exec "$SW" ping -c 1 -W 1 "$1" >/dev/null 2>&1
}

check_eq "vmk1 starts on vmnic1, its active uplink" vmnic1 "$(lower)"
mac=$(link_field vmk1 'l["address"]')
expected="mac $mac mtu 1500 up True
addresses 10.0.0.11/24 fd00::11/64 fd00::11-tentative:
10.0.0.0/24 dev vmk1 proto 222 scope link src 10.0.0.11
default via 10.0.0.1 dev vmk1 proto 222 src 10.0.0.11
fd00::/64 dev vmk1 proto 222
1000 from 10.0.0.11 lookup 10000 proto 222
1000 from fd00::11 lookup 10000 proto 222
10.1.0.0/16 via 10.0.0.254 dev vmk1 proto 222
sysctls 1 2 2"
check_eq "vmk1's MAC, addresses, table, rules, static route and sysctls" "$expected" "$(what_vmk1_is)"
check "the switch reaches vmk1 over IPv4" wait_until 20 reachable 10.0.0.11
check "the switch reaches vmk1 over IPv6" wait_until 20 reachable fd00::11

# ---- failover and failback (failback true, ESXi's default) ----

ip -n "$SW" link set pvmnic1 down
check "vmnic1 lost carrier: vmk1 moves to vmnic2 (within 2 s)" wait_until 20 on vmnic2
check_eq "after the move vmk1 has the same MAC, addresses (not tentative), table, rules, route" \
	"$expected" "$(what_vmk1_is)"
check_eq "vmnic2 now carries vmk1: its ARP sysctls are set" "1 2 2" "$(sysctls vmnic2)"
check "the daemon logged the move" grep -q "failover: vmk1 moved from vmnic1 to vmnic2" "$DAEMON_LOG"
rx_before=$(ip netns exec "$SW" cat /sys/class/net/pvmnic2/statistics/rx_packets)
check "the switch reaches vmk1 through vmnic2 over IPv4 (pvmnic1 is down)" \
	wait_until 20 reachable 10.0.0.11
check "and over IPv6" wait_until 20 reachable fd00::11
rx_after=$(ip netns exec "$SW" cat /sys/class/net/pvmnic2/statistics/rx_packets)
check "the replies came in through pvmnic2 (rx_packets $rx_before -> $rx_after)" \
	test "$rx_after" -ge $((rx_before + 2))

ip -n "$SW" link set pvmnic1 up
check "vmnic1 has carrier again: with failback, vmk1 returns to it (within 2 s)" \
	wait_until 20 on vmnic1
check "the daemon logged the return" grep -q "failover: vmk1 moved from vmnic2 to vmnic1" "$DAEMON_LOG"
check_eq "vmk1 came back whole" "$expected" "$(what_vmk1_is)"
# vmnic2 is still vmk1's standby: it keeps the settings, so that a failover
# changes no sysctl (they are restored when it leaves every vmk's order).
check_eq "vmnic2, still in vmk1's failover order, keeps its ARP sysctls" "1 2 2" "$(sysctls vmnic2)"
check "the switch reaches vmk1 through vmnic1 again" wait_until 20 reachable 10.0.0.11

# ---- failback false: it stays ----

out=$(esx network vswitch standard portgroup policy failover set -p pg1 -b false 2>&1)
check_eq "portgroup policy failover set -b false exits 0" "0:" "$?:$out"
ip -n "$SW" link set pvmnic1 down
check "without failback, losing vmnic1 still moves vmk1 to vmnic2" wait_until 20 on vmnic2
ups=$(log_count "vmnic1: link up")
ip -n "$SW" link set pvmnic1 up
check "the daemon saw vmnic1 come back" wait_until 20 logged_more "vmnic1: link up" "$ups"
esx network ip interface list >/dev/null   # one round trip: the event's pass is done
sleep 0.3
check_eq "with failback false vmk1 stays on vmnic2" vmnic2 "$(lower)"
check_eq "still whole there" "$expected" "$(what_vmk1_is)"

# ---- a restart changes nothing that matches ----

# The monitor's output is bracketed by two marker links, so that every event
# in between has been written when it is read.
ip -n "$NS" -o monitor link address >"$TEST_TMP/monitor" 2>&1 &
monitor=$!
marker() {
	ip -n "$NS" link add "$1" type veth peer name "$1p" && ip -n "$NS" link del "$1"
	wait_until 30 grep -q "Deleted.*$1" "$TEST_TMP/monitor"
}
marker esxtm0 || { echo "Bail out! ip monitor shows nothing"; exit 99; }
before=$(snapshot)
restart_daemon "$NS"
esx network ip interface list >/dev/null   # the new daemon has finished its first pass
marker esxtm1
kill "$monitor"
wait "$monitor" 2>/dev/null
check_eq "after a restart the kernel is the same, ifindexes included" "$before" "$(snapshot)"
check_eq "no event touched vmk1 during the restart" "" \
	"$(sed -n '/esxtm0p/,/esxtm1/p' "$TEST_TMP/monitor" | grep -w vmk1 | grep -v fe80)"
check_eq "vmk1 stayed on vmnic2 (failback false is remembered from the kernel)" vmnic2 "$(lower)"

# ---- deleted behind the daemon's back ----

ifindex=$(link_field vmk1 'l["ifindex"]')
ip -n "$NS" link del vmk1
check "ip link del vmk1: it comes back within 2 s" wait_until 20 link_exists vmk1
check "as a new link (ifindex $ifindex before)" test "$(link_field vmk1 'l["ifindex"]')" != "$ifindex"
# Routes and rules may come back a moment after the link.
wait_until 20 is_whole
check_eq "with the same MAC, addresses, table, rules and static route" "$expected" "$(what_vmk1_is)"
check_eq "on the uplink it was on" vmnic2 "$(lower)"

table_has() {
	routes -4 10000 | grep -q "^$1 "
}
ip -n "$NS" route del 10.0.0.0/24 table 10000
check "a subnet route deleted from table 10000 comes back" wait_until 20 table_has 10.0.0.0/24
ip -n "$NS" route del default table 10000
check "the gateway route deleted from table 10000 comes back" wait_until 20 table_has default
ip -n "$NS" rule del priority 1000 from 10.0.0.11
check "the IPv4 rule deleted comes back" wait_until 20 has_rules -4
ip -n "$NS" -6 rule del priority 1000 from fd00::11
check "the IPv6 rule deleted comes back" wait_until 20 has_rules -6
main_has() {
	routes -4 main | grep -q "^10.1.0.0/16 via 10.0.0.254 .*proto 222"
}
ip -n "$NS" route del 10.1.0.0/16
check "the static route deleted from main comes back" wait_until 20 main_has
ip -n "$NS" addr del 10.0.0.11/24 dev vmk1
check "the IPv4 address deleted comes back" wait_until 20 has_addrs "10.0.0.11/24 fd00::11/64"
wait_until 20 is_whole
check_eq "and with it everything the address carried" "$expected" "$(what_vmk1_is)"

# ---- failback on again: home at once ----

out=$(esx network vswitch standard portgroup policy failover set -p pg1 -b true 2>&1)
check_eq "portgroup policy failover set -b true exits 0" "0:" "$?:$out"
check_eq "vmk1 returns to vmnic1 with the command" vmnic1 "$(lower)"
check_eq "whole" "$expected" "$(what_vmk1_is)"

finish_kernel_test
