#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A portgroup with a VLAN ID, on a kernel with 802.1Q (the build hosts have
# none): esxclid puts the vmk on an 802.1Q sub-interface <uplink>.<vid> it
# creates and tags esxclid:vlan, and the vmk reaches the array on that VLAN
# only. Changing the VLAN ID moves the vmk to a new sub-interface; 4095 is
# refused. A failover takes the VLAN to the other uplink and failback brings
# it back; without failback the vmk stays there, across a daemon restart too.
# Removing the vmk removes the sub-interface. VLAN links the daemon did not
# create are never used nor removed.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

VID=100
PORTAL=10.10.$VID.100
ADDR=10.10.$VID.13

# The array on VLAN 100 as well (sw0.100, 10.10.100.100/24).
lab_portal_vlan "$VID" "$PORTAL/24" || { echo "Bail out! cannot put the array on VLAN $VID"; exit 99; }

# on_vlan VMK UPLINK VID: VMK sits on our UPLINK.VID, a VLAN link of UPLINK.
on_vlan() {
	[ "$(lab_link_lower "$1")" = "$2.$3" ] && [ "$(lab_link_lower "$2.$3")" = "$2" ] &&
		[ "$(lab_vlan_id "$2.$3")" = "$3" ] && [ "$(lab_link_alias "$2.$3")" = esxclid:vlan ]
}
no_link() { ! ip link show dev "$1" >/dev/null 2>&1; }
no_reply() { ! lab_ping_vmk "$@"; }
pg_vlan() { esx network vswitch standard portgroup list | grep -Eq "^$1 +vSwitch1 +0 +$2\$"; }

lab_start_daemon
check "esxcli: vSwitch1" esx network vswitch standard add -v vSwitch1
for nic in vmnic1 vmnic2; do
	check "esxcli: uplink $nic" esx network vswitch standard uplink add -u "$nic" -v vSwitch1
done
check "esxcli: portgroup iSCSI-V" esx network vswitch standard portgroup add -p iSCSI-V -v vSwitch1
check "esxcli: iSCSI-V has VLAN ID $VID" esx network vswitch standard portgroup set -p iSCSI-V --vlan-id "$VID"
check "esxcli: portgroup list shows VLAN ID $VID" pg_vlan iSCSI-V "$VID"
check "esxcli: iSCSI-V active vmnic1, standby vmnic2" \
	esx network vswitch standard portgroup policy failover set -p iSCSI-V -a vmnic1 -s vmnic2
check "esxcli: vmk3 on iSCSI-V" esx network ip interface add -i vmk3 -p iSCSI-V
check "esxcli: vmk3 is $ADDR/24" esx network ip interface ipv4 set -i vmk3 -t static -I "$ADDR" \
	-N 255.255.255.0

# ---- the sub-interface --------------------------------------------------
check "vmnic1.$VID exists" test -d "/sys/class/net/vmnic1.$VID"
check_eq "vmnic1.$VID is VLAN $VID" "$VID" "$(lab_vlan_id "vmnic1.$VID")"
check_eq "vmnic1.$VID sits on vmnic1" vmnic1 "$(lab_link_lower "vmnic1.$VID")"
check_eq "vmnic1.$VID is tagged esxclid:vlan" esxclid:vlan "$(lab_link_alias "vmnic1.$VID")"
check_contains "vmnic1.$VID is up" ",UP," "$(lab_link_details "vmnic1.$VID")"
check_eq "vmnic1.$VID has vmnic1's MTU" "$(cat /sys/class/net/vmnic1/mtu)" \
	"$(cat "/sys/class/net/vmnic1.$VID/mtu")"
check_eq "vmk3 sits on vmnic1.$VID" "vmnic1.$VID" "$(lab_link_lower vmk3)"
check_eq "vmk3 is tagged esxclid:vmk" esxclid:vmk "$(lab_link_alias vmk3)"
check_contains "rule: from $ADDR lookup 10000 (proto 222)" "from $ADDR lookup 10000 proto 222" \
	"$(ip rule show)"
for dev in vmk3 "vmnic1.$VID" vmnic1; do
	lab_check_arp_sysctls "$dev: arp_ignore, arp_announce, rp_filter" "$dev"
done
check_not_contains "network nic list leaves vmnic1.$VID out" "vmnic1.$VID" \
	"$(esx network nic list 2>&1)"
check "esxcli network diag ping --interface vmk3 --host $PORTAL" \
	esx network diag ping --interface vmk3 --host "$PORTAL" -c 1
check "... and a reply came" lab_ping_vmk vmk3 "$PORTAL"
check_contains "the array learnt vmk3's MAC on its VLAN $VID link" \
	"dev sw0.$VID lladdr $(cat /sys/class/net/vmk3/address)" "$(ip -n "$LAB_NS" neigh show "$ADDR")"

# ---- another VLAN ID: a new sub-interface, and the old VLAN is unreachable --
check "esxcli: iSCSI-V moves to VLAN 200" esx network vswitch standard portgroup set -p iSCSI-V --vlan-id 200
check "vmk3 sits on vmnic1.200 (VLAN 200, esxclid:vlan)" lab_wait_for 5 on_vlan vmk3 vmnic1 200
check "vmnic1.$VID is gone" lab_wait_for 5 no_link "vmnic1.$VID"
check "no reply on VLAN 200, where the array is not" no_reply vmk3 "$PORTAL"
check "esxcli: iSCSI-V back to VLAN $VID" esx network vswitch standard portgroup set -p iSCSI-V --vlan-id "$VID"
check "vmk3 sits on vmnic1.$VID again" lab_wait_for 5 on_vlan vmk3 vmnic1 "$VID"
check "vmnic1.200 is gone" lab_wait_for 5 no_link vmnic1.200
check "vmk3 reaches $PORTAL again" lab_ping_vmk vmk3 "$PORTAL"

# ESXi's 4095 means "all VLANs to a virtual machine": no mode for a vmk.
rc=0
out=$(esx network vswitch standard portgroup set -p iSCSI-V --vlan-id 4095 2>&1) || rc=$?
check "esxcli refuses VLAN 4095 for vmk3's portgroup" test "$rc" -ne 0
check_contains "... and says why" "vmk3 cannot be on VLAN 4095" "$out"
check "vmk3 stays on vmnic1.$VID" on_vlan vmk3 vmnic1 "$VID"
check "no vmnic1.4095 was made" no_link vmnic1.4095

# ---- failover and failback take the VLAN along ------------------------------
lab_nic_down vmnic1
check "vmnic1's cable pulled: vmk3 moves to vmnic2.$VID" lab_wait_for 10 on_vlan vmk3 vmnic2 "$VID"
check "vmnic1.$VID is gone" lab_wait_for 5 no_link "vmnic1.$VID"
check "vmk3 reaches $PORTAL through vmnic2" lab_ping_vmk vmk3 "$PORTAL"
lab_nic_up vmnic1
check "vmnic1 back: vmk3 fails back to vmnic1.$VID" lab_wait_for 10 on_vlan vmk3 vmnic1 "$VID"
check "vmnic2.$VID is gone" lab_wait_for 5 no_link "vmnic2.$VID"
check "vmk3 reaches $PORTAL through vmnic1" lab_ping_vmk vmk3 "$PORTAL"

# Without failback the vmk stays on the standby's VLAN; a restarted daemon
# learns where it is from the VLAN link under it, and keeps it there.
check "esxcli: iSCSI-V without failback" \
	esx network vswitch standard portgroup policy failover set -p iSCSI-V -b false
lab_nic_down vmnic1
check "vmnic1's cable pulled: vmk3 moves to vmnic2.$VID" lab_wait_for 10 on_vlan vmk3 vmnic2 "$VID"
lab_nic_up vmnic1
check "vmnic1 has carrier again" lab_wait_for 5 lab_nic_carrier vmnic1
sleep 1
check "no failback: vmk3 stays on vmnic2.$VID" on_vlan vmk3 vmnic2 "$VID"
index=$(lab_link_ifindex vmk3)
lab_restart_daemon
check_eq "after a restart of esxclid vmk3 is the same link on vmnic2.$VID" \
	"vmnic2.$VID $index" "$(lab_link_lower vmk3) $(lab_link_ifindex vmk3)"
check "esxcli: iSCSI-V with failback" \
	esx network vswitch standard portgroup policy failover set -p iSCSI-V -b true
check "vmk3 fails back to vmnic1.$VID" lab_wait_for 10 on_vlan vmk3 vmnic1 "$VID"
check "vmnic2.$VID is gone" lab_wait_for 5 no_link "vmnic2.$VID"
check "vmk3 reaches $PORTAL through vmnic1" lab_ping_vmk vmk3 "$PORTAL"

# ---- VLAN links that are not the daemon's -----------------------------------
ip link add link vmnic2 name "vmnic2.$VID" type vlan id "$VID"
ip link add link vmnic1 name vmnic1.300 type vlan id 300
rc=0
out=$(esx network vswitch standard portgroup policy failover set -p iSCSI-V -a vmnic2 -s "" 2>&1) || rc=$?
check "esxcli refuses to put vmk3 on a vmnic2.$VID it did not create" test "$rc" -ne 0
check_contains "... and says why" "vmnic2.$VID exists and was not created by esxclid" "$out"
check_eq "vmk3 stays on vmnic1.$VID" "vmnic1.$VID" "$(lab_link_lower vmk3)"
check_eq "the policy is unchanged (active vmnic1)" vmnic1 \
	"$(lab_esx_field "Active Adapters" network vswitch standard portgroup policy failover get -p iSCSI-V)"
check "vmk3 still reaches $PORTAL" lab_ping_vmk vmk3 "$PORTAL"

check "esxcli: remove vmk3" esx network ip interface remove -i vmk3
check "vmk3 is gone" no_link vmk3
check "vmnic1.$VID (esxclid's) is gone" lab_wait_for 5 no_link "vmnic1.$VID"
check "vmnic2.$VID (not esxclid's) is still there" test -d "/sys/class/net/vmnic2.$VID"
check "vmnic1.300 (not esxclid's) is still there" test -d /sys/class/net/vmnic1.300
check_eq "no link tagged esxclid: is left" "" \
	"$(grep -l '^esxclid:' /sys/class/net/*/ifalias 2>/dev/null)"
check "esxcli: remove portgroup iSCSI-V" esx network vswitch standard portgroup remove -p iSCSI-V -v vSwitch1
check_eq "no rule of esxclid's is left" "" "$(ip rule show | grep 'proto 222')"
# The uplinks that carried vmk3 get their own ARP settings back.
check_eq "vmnic1 and vmnic2 have their sysctls of before" \
	"$(grep -E '^net.ipv4.conf.vmnic[12].(arp_ignore|arp_announce|rp_filter) ' "$LAB_RUN/sysctls" | sort)" \
	"$(sysctl -a 2>/dev/null | grep -E '^net.ipv4.conf.vmnic[12].(arp_ignore|arp_announce|rp_filter) ' | sort)"

finish
