#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Storage paths per bound vmk, Path Status and the impact analysis that
# guards removals, asserted on the sessions and SCSI disks the kernel has:
#  - vmk1 (pinned to vmnic1) and vmk2 (vmnic2) bound, one sendtarget, a
#    rescan: every LUN has one disk through each vmk; Path Status active for
#    both;
#  - `network ip interface remove -i vmk1` and `network vswitch standard
#    uplink remove` of vmnic1 are refused, naming every device with its
#    disks and "loses 1 of 2 paths"; vmk1 stays in the kernel on vmnic1, the
#    binding stays in open-iscsi, the sessions stay up;
#  - vmk2 unbound with --force: vmk1's Path Status is lastActive, and
#    unbinding vmk1 is refused with VnicIsLastPath, each device losing its
#    last path; removing vmk1 is refused the same way;
#  - `ip interface remove -i vmk1 --force true` removes the kernel link; the
#    binding stays, non-compliant (VnicNotFound), until it is unbound.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
SUBNET=10.10.1

lab_start_daemon

lab_pinned_vmks
lab_bound_rescanned

# ---- the kernel's view: disks of the sessions, by iface and by device ------

# disks [IFACE]: "IFACE WWID DISK STATE" for every SCSI disk of an iSCSI
# session (through IFACE only, when given).
disks() {
	local dev session iface

	for dev in /sys/class/iscsi_session/session*/device/target*/*:*:*:*; do
		[ -d "$dev/block" ] || continue
		session=${dev%%/device/*}
		iface=$(cat "$session/ifacename")
		[ -z "$1" ] || [ "$iface" = "$1" ] || continue
		echo "$iface $(cat "$dev/wwid") $(ls "$dev/block") $(cat "$dev/state")"
	done
}

# device_disks WWID: its disks as the impact text lists them ("sdb, sdd").
device_disks() {
	disks | awk -v w="$1" '$2 == w { print length($3), $3 }' | sort -k1,1n -k2 |
		awk '{ print $2 }' | paste -sd, | sed 's/,/, /g'
}

# LUNs: array1 has 2, array2 has 1; two bound vmks give each two disks.
six_disks() {
	[ "$(disks | wc -l)" -eq 6 ]
}
check "every LUN has a disk through each vmk" lab_wait_for 60 six_disks
disks | sed 's/^/# /'
WWIDS=$(disks | awk '{ print $2 }' | sort -u)
check_eq "3 devices (the array's LUNs)" 3 "$(wc -l <<<"$WWIDS")"
for vmk in vmk1 vmk2; do
	check_eq "$vmk carries 3 running disks, one per device" "3 3" \
		"$(disks $vmk | awk '$4 == "running"' | wc -l) $(disks $vmk | awk '{ print $2 }' | sort -u | wc -l)"
done

portal_field() {
	esx iscsi networkportal list -A $A | grep -A 40 "Vmknic: $1\$" |
		sed -n "s/^   $2: //p" | head -n 1
}
check_eq "vmk1's Path Status is active" active "$(portal_field vmk1 'Path Status')"
check_eq "vmk2's Path Status is active" active "$(portal_field vmk2 'Path Status')"

# ---- removing vmk1 or its uplink is refused, with the impact ---------------

# check_impact TEXT OUT FATE: OUT names every device, its disks and FATE.
check_impact() {
	local wwid

	for wwid in $WWIDS; do
		check_contains "$1: device $wwid" "device $wwid ($(device_disks "$wwid")) $3" "$2"
	done
}

out=$(esx network ip interface remove -i vmk1 2>&1)
check_eq "removing bound vmk1 fails" 1 "$?"
echo "$out" | head -n 1 | sed 's/^/# /'
check_contains "... as VnicInUse, naming the binding" \
	"Error: VnicInUse: vmk1 is bound to the iSCSI adapter $A (port binding)" "$out"
check_impact "its impact" "$out" "loses 1 of 2 paths"
check_not_contains "... no device loses its last path" "last path" "$out"
check_contains "... the remedy: unbind first" \
	"unbind it first: esxcli iscsi networkportal remove -A $A -n vmk1 --force true" "$out"
check_contains "... or --force true" "esxcli network ip interface remove -i vmk1 --force true" "$out"
check "vmk1 is still in the kernel" ip link show dev vmk1
check_contains "vmk1's iface record is still bound to it" "iface.net_ifacename = vmk1" \
	"$(iscsiadm -m iface -I vmk1 2>&1)"
check_eq "vmk1 keeps its 2 sessions" 2 "$(lab_sessions_via vmk1)"

out=$(esx network vswitch standard uplink remove -u vmnic1 -v vSwitch1 2>&1)
check_eq "removing vmk1's uplink vmnic1 fails" 1 "$?"
check_contains "... as PnicInUse, naming the binding" \
	"Error: PnicInUse: vmnic1 is the uplink of vmk1, bound to the iSCSI adapter $A (port binding)" \
	"$out"
check_impact "its impact" "$out" "loses 1 of 2 paths"
check_contains "... the remedy" \
	"unbind vmk1 first: esxcli iscsi networkportal remove -A $A -n vmk1 --force true" "$out"
check_contains "... or --force true" \
	"esxcli network vswitch standard uplink remove -u vmnic1 -v vSwitch1 --force true" "$out"
check_eq "vmk1 still sits on vmnic1" vmnic1 "$(lab_link_lower vmk1)"
check_contains "vmnic1 is still an uplink of vSwitch1" vmnic1 \
	"$(lab_esx_field Uplinks network vswitch standard list -v vSwitch1)"
lab_check_arp_sysctls "vmnic1 keeps the ARP settings of an uplink that carries a vmk" vmnic1
check_eq "vmk1's disks are all still running" 3 "$(disks vmk1 | awk '$4 == "running"' | wc -l)"

# ---- vmk2 goes: vmk1 carries the last path of every device -----------------

out=$(esx iscsi networkportal remove -A $A -n vmk2 2>&1)
check_contains "unbinding vmk2 without --force: VnicHasActivePaths" \
	"Error: VnicHasActivePaths: " "$out"
check_impact "its impact" "$out" "loses 1 of 2 paths"
check_contains "forced, vmk2 is unbound" "2 sessions through vmk2 logged out" \
	"$(esx iscsi networkportal remove -A $A -n vmk2 --force true 2>&1)"
check_eq "no disk through vmk2" 0 "$(disks vmk2 | wc -l)"
check_eq "3 disks through vmk1" 3 "$(disks vmk1 | wc -l)"
check_eq "vmk1's Path Status is lastActive" lastActive "$(portal_field vmk1 'Path Status')"

out=$(esx iscsi networkportal remove -A $A -n vmk1 2>&1)
check_eq "unbinding vmk1 fails" 1 "$?"
check_contains "... as VnicIsLastPath" "Error: VnicIsLastPath: " "$out"
check_impact "its impact" "$out" "loses its last path and becomes inaccessible"
check_contains "vmk1 stays bound" "iface.net_ifacename = vmk1" "$(iscsiadm -m iface -I vmk1 2>&1)"
out=$(esx network ip interface remove -i vmk1 2>&1)
check_contains "removing vmk1 is refused" "Error: VnicInUse: " "$out"
check_impact "its impact" "$out" "loses its last path and becomes inaccessible"
check "vmk1 is still in the kernel" ip link show dev vmk1

# ---- forced ------------------------------------------------------------------

check_eq "ip interface remove -i vmk1 --force true works" "" \
	"$(esx network ip interface remove -i vmk1 --force true 2>&1)"
check "vmk1's link is gone" test ! -e /sys/class/net/vmk1
check_eq "vmk1 is no longer an interface" "" \
	"$(esx network ip interface list | grep -x 'vmk1')"
out=$(esx iscsi networkportal list -A $A)
check_contains "the binding stays, non-compliant" "Compliant Status: non-compliant" \
	"$(grep -A 40 'Vmknic: vmk1$' <<<"$out")"
check_contains "... because vmk1 is gone (VnicNotFound)" \
	"NonCompliant Message: The VMkernel network adapter vmk1 does not exist." \
	"$(grep -A 40 'Vmknic: vmk1$' <<<"$out")"
check_contains "unbinding it with --force true logs its sessions out" "logged out" \
	"$(esx iscsi networkportal remove -A $A -n vmk1 --force true 2>&1)"
check_eq "no session is left" 0 "$(iscsiadm -m session 2>/dev/null | wc -l)"

finish
