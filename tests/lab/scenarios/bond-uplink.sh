#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A bond as the uplink of a vSwitch, on a kernel with bonding (the build
# hosts have none). A NIC that carries a macvlan cannot be enslaved later
# (its receive handler is taken: "Device is in use"), so the case that
# exists on Linux is a bond made first and used as an uplink: esxclid puts
# the vmk's macvlan on bond0, refuses a bond member as an uplink, and the
# vmk keeps working when the bond gains a member and when that bond fails
# over inside itself.
#
# Port-binding compliance (daemon/compliance.c, not yet wired to a command:
# the iscsi commands come later): a vmk whose one active uplink is a bond,
# team or bridge with more than one member has several uplinks in fact, and
# is not compliant (IscsiFaultVnicHasMultipleUplinks). The Linux fact that
# makes a bound vmk on bond0 stop complying is checked below: bond0 gains
# its second member.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 4

ADDR=10.10.2.14
PORTAL=$LAB_PORTAL2

slaves() { cat /sys/class/net/bond0/bonding/slaves 2>/dev/null; }

# ---- bond0 from vmnic3 alone, before anything sits on vmnic3 -----------------
# The kernel enslaves only a NIC that is down.
if ! { ip link add bond0 type bond mode active-backup miimon 100 &&
	ip link set vmnic3 down && ip link set vmnic3 master bond0 && ip link set bond0 up; }; then
	echo "Bail out! cannot build bond0 from vmnic3"
	exit 99
fi
check_eq "bond0 has one member: vmnic3" vmnic3 "$(slaves)"
check "bond0 has carrier" lab_wait_for 5 lab_nic_carrier bond0

lab_start_daemon
check "esxcli: vSwitch2" esx network vswitch standard add -v vSwitch2
rc=0
out=$(esx network vswitch standard uplink add -u vmnic3 -v vSwitch2 2>&1) || rc=$?
check "esxcli refuses bond0's member vmnic3 as an uplink" test "$rc" -ne 0
check_contains "... and names the bond" "Uplink vmnic3 is a port of bond0: add bond0 as the uplink instead" "$out"
check "esxcli: uplink bond0" esx network vswitch standard uplink add -u bond0 -v vSwitch2
check "esxcli: portgroup iSCSI-B" esx network vswitch standard portgroup add -p iSCSI-B -v vSwitch2
check "esxcli: iSCSI-B active bond0 only, no standby" \
	esx network vswitch standard portgroup policy failover set -p iSCSI-B -a bond0 -s ""
check "esxcli: vmk4 on iSCSI-B" esx network ip interface add -i vmk4 -p iSCSI-B
check "esxcli: vmk4 is $ADDR/24" esx network ip interface ipv4 set -i vmk4 -t static -I "$ADDR" \
	-N 255.255.255.0

check_eq "vmk4 sits on bond0" bond0 "$(lab_link_lower vmk4)"
check_contains "vmk4 is a macvlan in bridge mode" "macvlan mode bridge" "$(lab_link_details vmk4)"
check_eq "vmk4 is tagged esxclid:vmk" esxclid:vmk "$(lab_link_alias vmk4)"
lab_check_arp_sysctls "bond0 (carries vmk4): arp_ignore, arp_announce, rp_filter" bond0
check "vmk4 reaches $PORTAL" lab_ping_vmk vmk4 "$PORTAL"
check_contains "the array resolves $ADDR to vmk4's MAC" \
	"lladdr $(cat /sys/class/net/vmk4/address)" "$(ip -n "$LAB_NS" neigh show "$ADDR")"
vmk4_index=$(lab_link_ifindex vmk4)

# ---- a NIC that carries a macvlan cannot be enslaved --------------------------
vmk5_on_vmnic4() {
	esx network vswitch standard add -v vSwitch3 &&
		esx network vswitch standard uplink add -u vmnic4 -v vSwitch3 &&
		esx network vswitch standard portgroup add -p Other -v vSwitch3 &&
		esx network ip interface add -i vmk5 -p Other
}
vmk5_gone() {
	esx network ip interface remove -i vmk5 &&
		esx network vswitch standard portgroup remove -p Other -v vSwitch3 &&
		esx network vswitch standard uplink remove -u vmnic4 -v vSwitch3 &&
		esx network vswitch standard remove -v vSwitch3
}
check "esxcli: vSwitch3 with uplink vmnic4, portgroup Other, vmk5" vmk5_on_vmnic4
check_eq "vmk5 sits on vmnic4" vmnic4 "$(lab_link_lower vmk5)"
ip link set vmnic4 down
rc=0
out=$(ip link set vmnic4 master bond0 2>&1) || rc=$?
check "the kernel refuses to enslave vmnic4 while vmk5 sits on it" test "$rc" -ne 0
check_contains "... Device is in use" "Device is in use" "$out"
check_eq "bond0 still has one member" vmnic3 "$(slaves)"
ip link set vmnic4 up
check "esxcli: remove vmk5, Other and vSwitch3" vmk5_gone
check "vmk5 is gone" test ! -e /sys/class/net/vmk5

# ---- bond0 gains vmnic4: allowed, the bond is the uplink ---------------------
ip link set vmnic4 down
check "vmnic4, which carries nothing now, joins bond0" ip link set vmnic4 master bond0
# This is what makes a vmk bound to the iSCSI adapter through bond0 stop
# complying: its one active uplink now has two members.
check_eq "bond0 has two members: vmnic3 vmnic4" "vmnic3 vmnic4" "$(slaves)"
check_eq "vmk4 still sits on bond0" bond0 "$(lab_link_lower vmk4)"
check_eq "vmk4 is the same link as before (not recreated)" "$vmk4_index" "$(lab_link_ifindex vmk4)"
check "vmk4 still reaches $PORTAL" lab_ping_vmk vmk4 "$PORTAL"

# ---- the bond fails over inside itself; esxclid has nothing to do ------------
check_eq "vmnic3 is bond0's active member" vmnic3 "$(cat /sys/class/net/bond0/bonding/active_slave)"
lab_nic_down vmnic3
check "vmnic3's cable pulled: vmnic4 becomes bond0's active member" lab_wait_for 5 \
	grep -qx vmnic4 /sys/class/net/bond0/bonding/active_slave
check "bond0 keeps its carrier" lab_nic_carrier bond0
check "vmk4 reaches $PORTAL through vmnic4" lab_ping_vmk vmk4 "$PORTAL"
check_eq "vmk4 is still the same link on bond0" "bond0 $vmk4_index" \
	"$(lab_link_lower vmk4) $(lab_link_ifindex vmk4)"
lab_nic_up vmnic3

finish
