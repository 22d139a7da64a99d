#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ESXi-style iSCSI port binding done by esxclid, asserted on what open-iscsi,
# the kernel and multipathd really have:
#  - software iSCSI enabled: iscsi_tcp loaded, the initiator name reused;
#  - vmk1, whose portgroup has two active uplinks, is refused with
#    VnicHasMultipleUplinks and the remedy command; after that command it
#    binds (an iface record vmk1 bound to netdev vmk1, with the adapter's
#    initiator name); vmk2 binds; a second bind of vmk1 is refused;
#  - a sendtarget is added (nothing discovered by that alone) and a rescan
#    logs in 2 vmks x 1 portal sessions per target, through vmk1 and vmk2;
#  - networkportal list: compliant, Path Status active, the uplink's MAC;
#  - vmnic2 made standby for iSCSI-1: vmk1's binding is non-compliant in
#    networkportal list and in the log, its records go node.startup manual,
#    its sessions stay up;
#  - unbinding a vmk that carries sessions is refused without --force, and
#    with --force true its sessions, node records and iface record go;
#  - --force true binds a non-compliant vmk and says so, and a rescan then
#    uses no non-compliant binding for anything new.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
SUBNET=10.10.1
PORTAL=$LAB_PORTAL1:3260
TARGETS=("$LAB_TARGET1" "$LAB_TARGET2")

lab_start_daemon

# ---- the network: one vSwitch, two portgroups, two vmks in one subnet ----
# iSCSI-2 is pinned to vmnic2; iSCSI-1 inherits both uplinks as active.
lab_esx_each network "vswitch standard add -v vSwitch1" \
	"vswitch standard uplink add -u vmnic1 -v vSwitch1" \
	"vswitch standard uplink add -u vmnic2 -v vSwitch1" \
	"vswitch standard portgroup add -p iSCSI-1 -v vSwitch1" \
	"vswitch standard portgroup add -p iSCSI-2 -v vSwitch1" \
	"vswitch standard portgroup policy failover set -p iSCSI-2 -a vmnic2 -s \"\"" \
	"ip interface add -i vmk1 -p iSCSI-1" \
	"ip interface add -i vmk2 -p iSCSI-2" \
	"ip interface ipv4 set -i vmk1 -t static -I $SUBNET.11 -N 255.255.255.0" \
	"ip interface ipv4 set -i vmk2 -t static -I $SUBNET.12 -N 255.255.255.0"
for vmk in vmk1 vmk2; do
	check "$vmk reaches the portal" lab_wait_for 20 ping -c 1 -W 2 -I "$vmk" "$LAB_PORTAL1"
done

# ---- software iSCSI ------------------------------------------------------
check_eq "software iSCSI starts disabled" false "$(esx iscsi software get)"
check_eq "no adapter while disabled" "" "$(esx iscsi adapter list | tail -n +3)"
check_eq "enabling says so" "Software iSCSI Enabled" "$(esx iscsi software set --enabled true 2>&1)"
check_eq "software iSCSI is enabled" true "$(esx iscsi software get)"
check "iscsi_tcp is loaded" test -d /sys/module/iscsi_tcp
out=$(esx iscsi adapter list)
check_contains "adapter list shows the software adapter" \
	"$A  iscsi_tcp  online  iscsi.$A  iSCSI Software Adapter" "$out"
check_contains "the adapter reuses initiatorname.iscsi's name" "Name: $LAB_INITIATOR" \
	"$(esx iscsi adapter get -A $A)"
check_contains "initiatorname.iscsi is unchanged" "InitiatorName=$LAB_INITIATOR" \
	"$(cat /etc/iscsi/initiatorname.iscsi)"
check_contains "a wrong adapter is refused" "Unable to find adapter vmhba33" \
	"$(esx iscsi networkportal list -A vmhba33 2>&1)"

# ---- binding: refused while non-compliant, then bound ---------------------
out=$(esx iscsi networkportal add -A $A -n vmk1 2>&1)
rc=$?
check_eq "binding vmk1 with two active uplinks fails" 1 "$rc"
check_contains "... with VnicHasMultipleUplinks" "Error: VnicHasMultipleUplinks: " "$out"
remedy='esxcli network vswitch standard portgroup policy failover set -p iSCSI-1 -a vmnic1 -s ""'
check_contains "... and the remedy" "Remedy: $remedy" "$out"
check_contains "the fault is the error's name in JSON" '"name":"VnicHasMultipleUplinks"' \
	"$(esx --formatter=json iscsi networkportal add -A $A -n vmk1 2>&1)"
check "no iface record was made for vmk1" test ! -e /etc/iscsi/ifaces/vmk1
check_eq "logicalnetworkportal list: vmk1 does not comply, vmk2 does" "false true" \
	"$(esx iscsi logicalnetworkportal list | awk '$2 ~ /^vmk[12]$/ { print $NF }' | xargs)"

out=$(eval "esx ${remedy#esxcli }" 2>&1)
check_eq "the remedy command runs" "" "$out"
check_eq "then vmk1 binds" "" "$(esx iscsi networkportal add -A $A -n vmk1 2>&1)"
check_eq "and vmk2 binds" "" "$(esx iscsi networkportal add --adapter=$A --nic=vmk2 2>&1)"
for vmk in vmk1 vmk2; do
	rec=$(iscsiadm -m iface -I "$vmk" 2>&1)
	check_contains "iface record $vmk is bound to netdev $vmk" "iface.net_ifacename = $vmk" "$rec"
	check_contains "iface record $vmk carries the initiator name" \
		"iface.initiatorname = $LAB_INITIATOR" "$rec"
done
out=$(esx iscsi networkportal add -A $A -n vmk1 2>&1)
check_contains "a second bind of vmk1 is refused" "Error: VnicAlreadyBound: " "$out"
check_contains "an unknown vmk is refused" "VnicNotFound" \
	"$(esx iscsi networkportal add -A $A -n vmk7 --force true 2>&1)"

# ---- discovery and the rescan ---------------------------------------------
check_eq "sendtarget add prints nothing" "" \
	"$(esx iscsi adapter discovery sendtarget add -A $A -a "$PORTAL" 2>&1)"
check_contains "sendtarget list shows it" "$A  $PORTAL" \
	"$(esx iscsi adapter discovery sendtarget list)"
check_eq "adding a sendtarget discovers nothing by itself" "" \
	"$(find /etc/iscsi/send_targets /etc/iscsi/nodes -mindepth 1)"

out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
rc=$?
check_eq "the rescan succeeds" 0 "$rc"
echo "$out" | sed 's/^/# /'
for target in "${TARGETS[@]}"; do
	for vmk in vmk1 vmk2; do
		check_contains "the rescan reports $target through $vmk" \
			"Login to $target at $PORTAL through $vmk: successful" "$out"
		check "a node record for $target through $vmk" \
			iscsiadm -m node -T "$target" -p "$PORTAL" -I "$vmk"
		check_contains "... with node.startup automatic" "node.startup = automatic" \
			"$(iscsiadm -m node -T "$target" -p "$PORTAL" -I "$vmk")"
	done
done
check_eq "2 sessions through vmk1 (one per target)" 2 "$(lab_sessions_via vmk1)"
check_eq "2 sessions through vmk2" 2 "$(lab_sessions_via vmk2)"
check_eq "4 sessions in all: 2 vmks x 1 portal x 2 targets" 4 \
	"$(iscsiadm -m session 2>/dev/null | wc -l)"
sessions=$(iscsiadm -m session -P 3)
for vmk in vmk1 vmk2; do
	check_contains "a $vmk session comes from $vmk's address" \
		"Iface IPaddress: $SUBNET.1${vmk#vmk}" "$sessions"
done
check_eq "esxcli lists the 4 sessions" 4 "$(esx iscsi session list | grep -c "^$A,")"
check_contains "target list shows array1" "$LAB_TARGET1" "$(esx iscsi adapter target list)"
LUN1_WWID=360000000000000000e00000000010001
two_paths() {
	[ "$(lab_mpath_paths | awk -v map="$LUN1_WWID" '$1 == map' | wc -l)" -eq 2 ]
}
check "multipathd has two paths to array1's LUN 1" lab_wait_for 60 two_paths
paths=$(lab_mpath_paths | awk -v map="$LUN1_WWID" '$1 == map { print $6 }' | sort | xargs)
check_eq "... one from each vmk's address" "$SUBNET.11 $SUBNET.12" "$paths"
out=$(esx iscsi session list -n "$LAB_TARGET1")
check_eq "session list -n filters by target" 2 "$(grep -c "^$A,$LAB_TARGET1," <<<"$out")"
check_contains "sessions show the negotiated values" "MaxBurstLength: 262144" "$out"

# The initiator's name: refused under -s with sessions; else file and ifaces.
NEWNAME=iqn.1998-01.com.vmware:esxlab-02
check_contains "a bad name is refused" "Invalid iSCSI name 'iqn.1998-01.com.vmware:esx lab'" \
	"$(esx iscsi adapter set -A $A -n 'iqn.1998-01.com.vmware:esx lab' 2>&1)"
check_contains "-s refuses a new name while sessions are active" "4 sessions are active" \
	"$(esx iscsi adapter set -A $A -n $NEWNAME -s 2>&1)"
check_eq "a new name and alias are set" "" "$(esx iscsi adapter set -A $A -n $NEWNAME -a esxlab 2>&1)"
check_contains "initiatorname.iscsi has the new name" "InitiatorName=$NEWNAME" \
	"$(cat /etc/iscsi/initiatorname.iscsi)"
check_contains "... and the alias" "InitiatorAlias=esxlab" "$(cat /etc/iscsi/initiatorname.iscsi)"
for vmk in vmk1 vmk2; do
	check_contains "iface record $vmk has the new name" "iface.initiatorname = $NEWNAME" \
		"$(iscsiadm -m iface -I $vmk)"
done
check_eq "the old name is back" "" "$(esx iscsi adapter set -A $A -n $LAB_INITIATOR -a '' 2>&1)"
check_eq "initiatorname.iscsi is as the lab made it" "InitiatorName=$LAB_INITIATOR" \
	"$(cat /etc/iscsi/initiatorname.iscsi)"
check_contains "disabling software iSCSI under sessions is refused" "4 sessions are logged in" \
	"$(esx iscsi software set -e false 2>&1)"
check_eq "software iSCSI stays enabled" true "$(esx iscsi software get)"

# A rediscovery runs in the background; its outcome is kept.
check_eq "rediscover starts in the background" "Rediscovery started" \
	"$(esx iscsi adapter discovery rediscover -A $A 2>&1)"
rediscovered() {
	esx iscsi adapter discovery status get -A $A | grep -q 'Discovery In Progress: false'
}
check "the rediscovery ends" lab_wait_for 60 rediscovered
check_contains "its status tells what it found" \
	"Discovery at $PORTAL through vmk1, vmk2: 2 targets found" \
	"$(esx iscsi adapter discovery status get -A $A)"

out=$(esx iscsi networkportal list -A $A)
check_eq "networkportal list has both bindings" 2 "$(grep -c '^   Vmknic: ' <<<"$out")"
check_eq "both are compliant" 2 "$(grep -c '^   Compliant Status: compliant$' <<<"$out")"
check_eq "both carry active paths" 2 "$(grep -c '^   Path Status: active$' <<<"$out")"
check_contains "vmk1's MAC Address is vmnic1's" "MAC Address: 02:00:00:00:01:01" \
	"$(grep -A 2 'Vmknic: vmk1' <<<"$out")"
check_contains "vmk1 is on portgroup iSCSI-1" "PortGroup: iSCSI-1" \
	"$(grep -A 30 'Vmknic: vmk1' <<<"$out")"

# ---- a binding that stops complying ---------------------------------------
esx network vswitch standard portgroup policy failover set -p iSCSI-1 -a vmnic1 -s vmnic2
out=$(esx iscsi networkportal list -A $A)
vmk1=$(grep -A 30 'Vmknic: vmk1' <<<"$out")
check_contains "vmk1's binding is now non-compliant" "Compliant Status: non-compliant" "$vmk1"
check_contains "... saying why" "NonCompliant Message: The VMkernel network adapter vmk1 has 1 active and 1 standby uplinks" "$vmk1"
check_contains "... and how to fix it" "NonCompliant Remedy: $remedy" "$vmk1"
check_contains "vmk2 still complies" "Compliant Status: compliant" \
	"$(grep -A 30 'Vmknic: vmk2' <<<"$out")"
check_contains "the change is logged" "binding vmk1 to $A is no longer compliant" \
	"$(cat "$DAEMON_LOG")"
manual() {
	iscsiadm -m node -T "$LAB_TARGET1" -p "$PORTAL" -I vmk1 | grep -q 'node.startup = manual'
}
check "vmk1's node records go node.startup manual" lab_wait_for 15 manual
check_contains "vmk2's stay automatic" "node.startup = automatic" \
	"$(iscsiadm -m node -T "$LAB_TARGET1" -p "$PORTAL" -I vmk2)"
check_eq "vmk1's sessions stay up" 2 "$(lab_sessions_via vmk1)"
check_contains "vmk1's path is still active" "Path Status: active" "$vmk1"

# ---- unbinding -------------------------------------------------------------
out=$(esx iscsi networkportal remove -A $A -n vmk2 2>&1)
rc=$?
check_eq "unbinding vmk2 with sessions fails" 1 "$rc"
check_contains "... as VnicHasActivePaths" "Error: VnicHasActivePaths: " "$out"
check_contains "... naming its sessions" "$LAB_TARGET1 at $LAB_PORTAL1:3260" "$out"
check_eq "vmk2 keeps its sessions" 2 "$(lab_sessions_via vmk2)"
check "vmk2's iface record stays" test -e /etc/iscsi/ifaces/vmk2
out=$(esx iscsi networkportal remove -A $A -n vmk2 --force true 2>&1)
check_contains "forced, vmk2 is unbound, its sessions logged out" \
	"2 sessions through vmk2 logged out" "$out"
check_eq "no session through vmk2" 0 "$(lab_sessions_via vmk2)"
check_eq "vmk1 keeps its sessions" 2 "$(lab_sessions_via vmk1)"
check "vmk2's iface record is gone" test ! -e /etc/iscsi/ifaces/vmk2
check_eq "vmk2's node records are gone" 0 \
	"$(iscsiadm -m node -P 1 2>/dev/null | grep -c 'Iface Name: vmk2$')"
check_eq "vmk1's are there" 2 "$(iscsiadm -m node -P 1 2>/dev/null | grep -c 'Iface Name: vmk1$')"
check_eq "networkportal list keeps vmk1 only" "vmk1" \
	"$(esx iscsi networkportal list | sed -n 's/^   Vmknic: //p')"
out=$(esx iscsi networkportal remove -A $A -n vmk2 2>&1)
check_contains "unbinding it again: VnicNotBound" "Error: VnicNotBound: " "$out"

# ---- forced binding; nothing new goes through non-compliant bindings ------
esx network vswitch standard portgroup policy failover set -p iSCSI-2 -a vmnic2 -s vmnic1
out=$(esx iscsi networkportal add -A $A -n vmk2 --force true 2>&1)
check_contains "--force true binds a non-compliant vmk and says so" \
	"vmk2 bound to $A although it does not comply: VnicHasMultipleUplinks" "$out"
check_contains "its iface record is made" "iface.net_ifacename = vmk2" "$(iscsiadm -m iface -I vmk2)"
vmk2=$(esx iscsi networkportal list | grep -A 30 'Vmknic: vmk2')
check_contains "it is listed non-compliant" "Compliant Status: non-compliant" "$vmk2"
check_contains "with no path" "Path Status: notUsed" "$vmk2"
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
rc=$?
check_eq "a rescan with no compliant binding fails" 1 "$rc"
check_contains "... saying why" "Discovery not done: no network portal bound to $A complies" "$out"
check_eq "nothing logged in through vmk2" 0 "$(lab_sessions_via vmk2)"
check_eq "vmk1's sessions are still up" 2 "$(lab_sessions_via vmk1)"

finish
