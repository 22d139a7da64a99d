#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What esxclid leaves open-iscsi for the next boot, asserted on open-iscsi's
# records and sessions:
#  - vmk1, vmk2 (and vmk4 on bond0 when the lab has 4 NICs) bound, one
#    sendtarget, a rescan: a session per vmk and target, node.startup
#    automatic everywhere;
#  - vmk1's portgroup gains a second active uplink (and bond0 a second
#    member): their records go node.startup manual, vmk2's stay automatic;
#    once everything is logged out, open-iscsi's boot-time login
#    (`iscsiadm -m node --loginall=automatic`, what open-iscsi.service runs)
#    logs in through vmk2 only;
#  - compliant again (the failover order put back, the bond back to one
#    member): automatic again;
#  - an iface record deleted by hand is back, as port binding made it,
#    after a daemon restart, before the daemon says it is ready.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
P1=$LAB_PORTAL1:3260
BOND=false
[ "$LAB_NICS" -ge 4 ] && BOND=true
VMKS="vmk1 vmk2"
$BOND && VMKS="vmk1 vmk2 vmk4"

# ---- the network: vmk1, vmk2 on vSwitch1; vmk4 on bond0 (vmnic3 alone) ----
# The kernel enslaves only a NIC that is down and carries nothing.
if $BOND && ! { ip link add bond0 type bond mode active-backup miimon 100 &&
	ip link set vmnic3 down && ip link set vmnic3 master bond0 && ip link set bond0 up; }; then
	echo "Bail out! cannot build bond0 from vmnic3"
	exit 99
fi
lab_start_daemon
lab_pinned_vmks
if $BOND; then
	lab_esx_each network "vswitch standard add -v vSwitch2" \
		"vswitch standard uplink add -u bond0 -v vSwitch2" \
		"vswitch standard portgroup add -p iSCSI-B -v vSwitch2" \
		"vswitch standard portgroup policy failover set -p iSCSI-B -a bond0 -s \"\"" \
		"ip interface add -i vmk4 -p iSCSI-B" \
		"ip interface ipv4 set -i vmk4 -t static -I 10.10.1.14 -N 255.255.255.0"
	check "vmk4 reaches $LAB_PORTAL1" lab_wait_for 20 ping -c 1 -W 2 -I vmk4 "$LAB_PORTAL1"
fi

# ---- bound, discovered, logged in ---------------------------------------------
esx iscsi software set --enabled true >/dev/null
for vmk in $VMKS; do
	check_eq "binding $vmk says nothing (one subnet)" "" \
		"$(esx iscsi networkportal add -A $A -n "$vmk" 2>&1)"
done
esx iscsi adapter discovery sendtarget add -A $A -a "$P1" >/dev/null
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
check_eq "the rescan succeeds" 0 "$?"
echo "$out" | sed 's/^/# /'

# The node.startup values of an iface's records, once each.
startups() {
	iscsiadm -m node -I "$1" -o show 2>/dev/null | awk '/^node.startup = / { print $3 }' |
		sort -u | xargs
}
# How many of an iface's records have node.startup $2.
startup_count() {
	iscsiadm -m node -I "$1" -o show 2>/dev/null | grep -c "^node.startup = $2\$"
}
# Both records of an iface have node.startup $2.
both() {
	[ "$(startup_count "$1" "$2")" = 2 ]
}
for vmk in $VMKS; do
	check_eq "2 sessions through $vmk" 2 "$(lab_sessions_via "$vmk")"
	check_eq "$vmk's 2 records start automatic" "2 automatic" \
		"$(startup_count "$vmk" automatic) $(startups "$vmk")"
done

# ---- bindings that stop complying ---------------------------------------------
esx network vswitch standard portgroup policy failover set -p iSCSI-1 -a vmnic1,vmnic2 -s ""
check "vmk1 (2 active uplinks now): its records go node.startup manual" lab_wait_for 15 \
	both vmk1 manual
check_eq "vmk1's records: all manual" manual "$(startups vmk1)"
check_eq "vmk2's records: still automatic" automatic "$(startups vmk2)"
check_contains "the change is logged" "binding vmk1 to $A is no longer compliant: VnicHasMultipleUplinks" \
	"$(cat "$DAEMON_LOG")"
if $BOND; then
	ip link set vmnic4 down
	check "vmnic4, which carries nothing, joins bond0" ip link set vmnic4 master bond0
	check "vmk4 (on bond0 of 2 members now): its records go manual" lab_wait_for 15 \
		both vmk4 manual
	check_contains "... logged as several uplinks" \
		"binding vmk4 to $A is no longer compliant: VnicHasMultipleUplinks" "$(cat "$DAEMON_LOG")"
	check_eq "vmk4's sessions stay up" 2 "$(lab_sessions_via vmk4)"
fi
check_eq "vmk1's sessions stay up" 2 "$(lab_sessions_via vmk1)"

# ---- the next boot --------------------------------------------------------------
check "everything logged out" iscsiadm -m node -u
check_eq "no session left" 0 "$(iscsiadm -m session 2>/dev/null | wc -l)"
# What open-iscsi.service runs at boot.
iscsiadm -m node --loginall=automatic >/dev/null 2>&1
check_eq "boot-time login: 2 sessions through vmk2" 2 "$(lab_sessions_via vmk2)"
check_eq "... none through vmk1" 0 "$(lab_sessions_via vmk1)"
$BOND && check_eq "... none through vmk4" 0 "$(lab_sessions_via vmk4)"
check_eq "... sysfs agrees: sessions through vmk2 only" "vmk2" \
	"$(sort -u /sys/class/iscsi_session/session*/ifacename | xargs)"

# Compliant again: automatic again.
esx network vswitch standard portgroup policy failover set -p iSCSI-1 -a vmnic1 -s ""
check "vmk1 complies again: its records go automatic" lab_wait_for 15 \
	both vmk1 automatic
check_contains "... and it is logged" "binding vmk1 to $A complies again" "$(cat "$DAEMON_LOG")"
if $BOND; then
	ip link set vmnic4 nomaster
	check "bond0 back to one member: vmk4's records go automatic" lab_wait_for 15 \
		both vmk4 automatic
fi

# ---- a missing iface record comes back at start-up -------------------------
rm -f /etc/iscsi/ifaces/vmk2
lab_restart_daemon
# Its socket opens before its start-up repairs end; "ready" comes after.
ready_again() {
	sed -n '/restarted by the scenario/,$p' "$DAEMON_LOG" | grep -q 'ready on'
}
check "the restarted daemon says it is ready" lab_wait_for 20 ready_again
check "it re-created vmk2's iface record" test -e /etc/iscsi/ifaces/vmk2
rec=$(iscsiadm -m iface -I vmk2 2>&1)
check_contains "... bound to netdev vmk2" "iface.net_ifacename = vmk2" "$rec"
check_contains "... with the adapter's initiator name" "iface.initiatorname = $LAB_INITIATOR" "$rec"
check_contains "... transport tcp" "iface.transport_name = tcp" "$rec"
log=$(sed -n '/restarted by the scenario/,$p' "$DAEMON_LOG")
check_contains "... and logged it" \
	"The iface record vmk2 of the binding of vmk2 to $A is missing: re-creating it" "$log"
check_contains "it said it was ready only after that" "ready on" \
	"$(sed -n '/re-creating it/,$p' <<<"$log")"
check_eq "only vmk2's was re-created" 1 "$(grep -c 'missing: re-creating it' <<<"$log")"
iscsiadm -m node -T "$LAB_TARGET1" -p "$P1" -I vmk2 -u >/dev/null
check "a login through the re-created iface works" \
	iscsiadm -m node -T "$LAB_TARGET1" -p "$P1" -I vmk2 --login
check_eq "... 2 sessions through vmk2" 2 "$(lab_sessions_via vmk2)"

finish
