#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `storage core path set --state off|active` asserted on the kernel's and
# multipathd's own state:
#  - vmk1 and vmk2 bound, one sendtarget, a rescan: two paths per LUN;
#  - vmk2's path to LUN 1 of the first target (vmhba64:C1:T0:L1) set off:
#    its disk offline in sysfs, failed in multipathd, State disabled in
#    `storage core path list`, Group State dead in `storage nmp path list`,
#    remembered in the store by (iface, target, portal, LUN);
#  - still off (and failed in, or left out of, multipathd's map) after
#    three multipathd checker intervals, after a rescan,
#    after its session is logged out and in again (a new disk), after an
#    esxclid restart, and after something sets its disk running again;
#    reads through the map go on meanwhile;
#  - turning off vmk1's path to the same LUN (the last usable one) and an
#    unknown path are refused and change nothing;
#  - set active: running, multipathd active/ready (added back to the map
#    after the re-login), State active, forgotten by the store, and it
#    stays so.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
STORE=/var/lib/esxclid/esx.conf

lab_start_daemon

lab_pinned_vmks
lab_bound_rescanned

# disks: "IFACE TARGET LUN DISK SID" for every SCSI disk of an iSCSI session.
disks() {
	local dev session

	for dev in /sys/class/iscsi_session/session*/device/target*/*:*:*:*; do
		[ -d "$dev/block" ] || continue
		session=${dev%%/device/*}
		echo "$(cat "$session/ifacename") $(cat "$session/targetname") ${dev##*:}" \
			"$(ls "$dev/block") ${session##*/session}"
	done
}

check "multipathd has a map with every path" lab_wait_for 60 lab_all_mapped

T0=$(disks | awk '{ print $2 }' | LC_ALL=C sort -u | head -n 1)
OFF=$A:C1:T0:L1
PARTNER=$A:C0:T0:L1
# disk_of IFACE: the disk of IFACE's path to LUN 1 of T0 (it changes with
# every login).
disk_of() {
	disks | awk -v i="$1" -v t="$T0" '$1 == i && $2 == t && $3 == 1 { print $4; exit }'
}
sid_of() {
	disks | awk -v i="$1" -v t="$T0" '$1 == i && $2 == t && $3 == 1 { print $5; exit }'
}
sysfs_state() {
	cat "/sys/block/$1/device/state" 2>/dev/null
}
# dm_state DISK: "DM_STATE CHECKER_STATE" of DISK in multipathd's JSON.
dm_state() {
	lab_mpath_paths | awk -v d="$1" '$3 == d { print $4, $5; exit }'
}
# path_state RUNTIME: core path list's State of RUNTIME.
path_state() {
	lab_esx_field State storage core path list -p "$1"
}
group_state() {
	lab_esx_field "Group State" storage nmp path list -p "$1"
}
stored_off() {
	python3 -c '
import json, sys
for p in json.load(open(sys.argv[1])).get("nmp", {}).get("paths_off", []):
    print(p["iface"], p["target"], p["portal"], p["lun"])' "$STORE"
}

# is_off DISK: the disk offline, no I/O for it in multipathd, the path
# disabled. multipathd fails a disk it has; one that was offline when it
# first saw it (a new disk after a re-login) it cannot read the WWID of,
# and leaves out of the map.
is_off() {
	local dm

	dm=$(dm_state "$1" | awk '{ print $1 }')
	[ "$(sysfs_state "$1")" = offline ] && { [ "$dm" = failed ] || [ -z "$dm" ]; } &&
		[ "$(path_state "$OFF")" = disabled ]
}
check_off() {
	local disk

	disk=$(disk_of vmk2)
	if lab_wait_for "${2:-10}" is_off "$disk"; then
		ok "$1"
	else
		fail "$1" "disk ${disk:-none}: sysfs '$(sysfs_state "$disk")'," \
			"multipathd '$(dm_state "$disk")', State '$(path_state "$OFF")'"
	fi
}

map=$(lab_mpath_paths | awk -v d="$(disk_of vmk2)" '$3 == d { print $1; exit }')
disk=$(disk_of vmk2)
echo "# $OFF is $disk in map $map; $PARTNER is $(disk_of vmk1)"
check_eq "$OFF starts active" active "$(path_state "$OFF")"

# ---- off ----------------------------------------------------------------------
out=$(esx storage core path set --state off -p "$OFF" 2>&1)
check_eq "path set --state off succeeds silently" "" "$out"
check_eq "its disk is offline in sysfs" offline "$(sysfs_state "$disk")"
check_eq "multipathd failed it at once" failed "$(dm_state "$disk" | awk '{ print $1 }')"
check_eq "core path list: State disabled" disabled "$(path_state "$OFF")"
check_eq "nmp path list: Group State dead" dead "$(group_state "$OFF")"
check_eq "vmk1's path stays active" active "$(path_state "$PARTNER")"
check_eq "the store has it by iface, target, portal and LUN" \
	"vmk2 $T0 $LAB_PORTAL1:3260 1" "$(stored_off)"
check "reads through the map go on" \
	dd if="/dev/mapper/$map" of=/dev/null bs=1M count=8 iflag=direct status=none

store_before=$(md5sum <"$STORE")
out=$(esx storage core path set --state off -p "$PARTNER" 2>&1)
check_contains "the last usable path is refused" \
	"it is the last usable path to device" "$out"
check_eq "... and stays running" running "$(sysfs_state "$(disk_of vmk1)")"
check_eq "... and active in multipathd" "active ready" "$(dm_state "$(disk_of vmk1)")"
out=$(esx storage core path set --state off -p "$A:C7:T0:L1" 2>&1)
check_contains "an unknown path is refused" "Unable to find path $A:C7:T0:L1" "$out"
out=$(esx storage core path set -p "$OFF" 2>&1)
check_contains "--state is required" "Missing required parameter --state" "$out"
out=$(esx storage core path set --state standby -p "$OFF" 2>&1)
check_contains "--state is active or off" "must be one of [active|off]" "$out"
check_eq "the refusals left the store as it was" "$store_before" "$(md5sum <"$STORE")"

# ---- stays off ----------------------------------------------------------------
poll=$(multipathd show config 2>/dev/null | awk '$1 == "polling_interval" { print $2; exit }')
poll=${poll:-5}
echo "# multipathd polling_interval $poll s; waiting $((3 * poll + 1)) s"
sleep $((3 * poll + 1))
check_eq "after three checker intervals: still offline" offline "$(sysfs_state "$disk")"
check_eq "... still failed in multipathd" failed "$(dm_state "$disk" | awk '{ print $1 }')"
check_eq "... still disabled" disabled "$(path_state "$OFF")"
check "reads through the map still go on" \
	dd if="/dev/mapper/$map" of=/dev/null bs=1M count=8 iflag=direct status=none

# rescan: storage core adapter rescan, its exit status.
rescan() {
	timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A "$A" \
		>/dev/null 2>&1
}
check "a rescan succeeds" rescan
check_off "after a rescan: still off"

sid=$(sid_of vmk2)
iscsiadm -m session -r "$sid" -u >/dev/null 2>&1
gone() { [ -z "$(disk_of vmk2)" ]; }
check "vmk2's session to $T0 logged out" lab_wait_for 20 gone
check "a rescan logs it in again" rescan
back() { [ -n "$(disk_of vmk2)" ]; }
check "a new disk for $OFF" lab_wait_for 30 back
echo "# $OFF is now $(disk_of vmk2) (session $(sid_of vmk2), was $sid)"
check_off "after the re-login: the new disk is off too" 30

lab_restart_daemon
check_off "after an esxclid restart: still off"
disk=$(disk_of vmk2)
echo running >"/sys/block/$disk/device/state"
check_off "set running behind esxclid's back: offline again within seconds" 15
check_eq "the store still has it" "vmk2 $T0 $LAB_PORTAL1:3260 1" "$(stored_off)"

# ---- active -------------------------------------------------------------------
out=$(esx storage core path set --state active -p "$OFF" 2>&1)
check_eq "path set --state active succeeds silently" "" "$out"
check_eq "its disk runs" running "$(sysfs_state "$disk")"
is_active() {
	[ "$(dm_state "$disk")" = "active ready" ] && [ "$(path_state "$OFF")" = active ]
}
check "multipathd has it active/ready, core path list active" lab_wait_for 30 is_active
check_eq "the store forgot it" "" "$(stored_off)"
sleep 4
check_eq "it stays running" running "$(sysfs_state "$disk")"
check_eq "... and active" active "$(path_state "$OFF")"
out=$(esx storage core path set --state active -p "$OFF" 2>&1)
check_eq "setting an active path active again is fine" "" "$out"

finish
