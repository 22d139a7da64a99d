#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `storage core adapter list`, `storage core path list` and `storage nmp path
# list` asserted on what sysfs and multipathd really have:
#  - vmk1 (vmnic1) and vmk2 (vmnic2) bound, one sendtarget, a rescan, and
#    multipathd with a path through each vmk for every LUN;
#  - one path per (vmk, LUN): vmhba64:C0 for vmk1, C1 for vmk2, T by target
#    IQN, L the kernel's LUN, Device naa.<multipathd's WWID without its 3>
#    (the disk's sysfs wwid), State active, Group State active;
#  - vmnic2 unplugged while a reader reads 100 MiB through a map: vmk2's
#    paths dead once multipathd fails them, vmk1's still active, the reads
#    end without an error; plugged back: all active again.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64

lab_start_daemon

lab_pinned_vmks
lab_bound_rescanned

check_contains "adapter list shows the software adapter" \
	"$A iscsi_tcp online iscsi.$A Second Level Lun ID iSCSI Software Adapter" \
	"$(esx storage core adapter list | tr -s ' ')"

# disks: "IFACE TARGET LUN DISK WWID" for every SCSI disk of an iSCSI session.
disks() {
	local dev session

	for dev in /sys/class/iscsi_session/session*/device/target*/*:*:*:*; do
		[ -d "$dev/block" ] || continue
		session=${dev%%/device/*}
		echo "$(cat "$session/ifacename") $(cat "$session/targetname") ${dev##*:}" \
			"$(ls "$dev/block") $(cat "$dev/wwid")"
	done
}

# Every disk in a multipathd map, and every map with one path per vmk.
check "multipathd has two paths per LUN" lab_wait_for 60 lab_all_mapped
disks | sed 's/^/# /'
lab_mpath_paths | sed 's/^/# /'

# expected STATE: "RUNTIME DEVICE STATE" per disk from sysfs and multipathd,
# the state given for vmk1's paths and, as $2, for vmk2's.
expected() {
	local targets iface target lun disk wwid map c t

	targets=$(disks | awk '{ print $2 }' | LC_ALL=C sort -u)
	disks | while read -r iface target lun disk wwid; do
		map=$(lab_mpath_paths | awk -v d="$disk" '$3 == d { print $1 }')
		[ "naa.${map#3}" = "$wwid" ] || echo "mismatch $disk $map $wwid"
		c=$((${iface#vmk} - 1))
		t=$(($(grep -nxF "$target" <<<"$targets" | cut -d: -f1) - 1))
		echo "$A:C$c:T$t:L$lun naa.${map#3} $([ "$c" = 0 ] && echo "$1" || echo "$2")"
	done | LC_ALL=C sort
}

# core_paths: "RUNTIME DEVICE STATE" per record of storage core path list.
core_paths() {
	esx storage core path list | awk '
		$1 == "Runtime" && $2 == "Name:" { r = $3 }
		$1 == "Device:" { d = $2 }
		$1 == "State:" { print r, d, $2 }' | LC_ALL=C sort
}

nmp_paths() {
	esx storage nmp path list | awk '
		$1 == "Runtime" && $2 == "Name:" { r = $3 }
		$1 == "Device:" { d = $2 }
		$1 == "Group" && $2 == "State:" { print r, d, $3 }' | LC_ALL=C sort
}

want=$(expected active active)
core_paths | sed 's/^/# core: /'
check_eq "no disk's sysfs wwid differs from its multipathd map" "" "$(grep mismatch <<<"$want")"
check_eq "core path list: one active path per vmk and LUN, named from sysfs and multipathd" \
	"$want" "$(core_paths)"
check_eq "nmp path list: the same paths, Group State active" "$want" "$(nmp_paths)"
first=$(head -n 1 <<<"$want")
check_eq "-p RUNTIME selects one path" "$first" \
	"$(esx storage core path list -p "${first%% *}" | awk '
		$1 == "Runtime" && $2 == "Name:" { r = $3 }
		$1 == "Device:" { d = $2 }
		$1 == "State:" { print r, d, $2 }')"
dev=$(awk '{ print $2; exit }' <<<"$want")
check_eq "-d DEVICE selects its two paths" 2 \
	"$(esx storage nmp path list -d "$dev" | grep -c "^   Device: $dev\$")"
uid=$(esx storage core path list -p "${first%% *}" | awk '$1 == "UID:" { print $2 }')
check_contains "the UID names the initiator, target and device" \
	"$LAB_INITIATOR-" "$uid"
check_eq "-p UID selects the same path" "${first%% *}" \
	"$(esx storage core path list -p "$uid" | awk '$1 == "Runtime" { print $3 }')"

# ---- vmnic2's cable pulled while reads go on ----------------------------------
# The map whose active path goes through vmk2, when there is one: its reads
# must fail over to vmk1's path while they go on.
vmk2_ip=$(ip -4 -o addr show dev vmk2 | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
map=$(multipathd show maps json | python3 -c '
import json, sys
maps = json.load(sys.stdin).get("maps", [])
def through(m, ip):
    return any(g.get("dm_st") == "active" and
               any(p.get("host_adapter") == ip for p in g.get("paths", []))
               for g in m.get("path_groups", []))
pick = [m["name"] for m in maps if through(m, sys.argv[1])] or [m["name"] for m in maps]
print(pick[0] if pick else "")' "$vmk2_ip")
echo "# reading through $map (vmk2 is $vmk2_ip)"
dd if="/dev/mapper/$map" of=/dev/null bs=64k count=1600 iflag=direct status=none &
reader=$!
lab_nic_down vmnic2
want_dead=$(expected active dead)
vmk2_dead() {
	[ "$(core_paths)" = "$want_dead" ]
}
check "vmk2's paths go dead in core path list, vmk1's stay active" lab_wait_for 90 vmk2_dead
check_eq "multipathd failed vmk2's paths too" "$(($(disks | wc -l) / 2))" \
	"$(lab_mpath_paths | awk '$4 == "failed"' | wc -l)"
check_eq "nmp path list: vmk2's paths dead" "$want_dead" "$(nmp_paths)"
# wait in this shell: check's command substitution is a subshell, which
# cannot wait for a reader still running.
wait "$reader"
check_eq "the reads through $map went on and ended without an error" 0 "$?"
check "a read after the failure works too" dd if="/dev/mapper/$map" of=/dev/null bs=1M \
	count=8 iflag=direct status=none

lab_nic_up vmnic2
all_active() {
	[ "$(core_paths)" = "$want" ]
}
check "vmk2's paths come back active" lab_wait_for 120 all_active

finish
