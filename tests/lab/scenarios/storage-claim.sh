#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# New LUNs of the software adapter claimed by dm-multipath although the
# admin's multipath.conf says `find_multipaths strict` (Debian 12's default),
# asserted on what multipathd and /etc/multipath/wwids really have:
#  - negative control: with strict and an empty wwids file, a login by
#    iscsiadm alone leaves its LUN out of every map (multipathd holds the
#    disk as an orphan) and records nothing;
#  - vmk1 and vmk2 bound and a rescan by esxclid: every LUN's WWID is in the
#    wwids file once, multipathd has one map per LUN with a path through each
#    vmk, and `storage core path list` shows Plugin NMP on every path; the
#    daemon logs one claim per LUN;
#  - maps flushed and esxclid restarted: its start-up pass hands the disks
#    back to multipathd without recording anything again (the wwids file is
#    byte for byte the same, no new claim in the log).
# The lab's greedy multipath.conf is restored at the end.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

WWIDS=/etc/multipath/wwids

strict_conf() {
	cat >/etc/multipath.conf <<-EOF
		# esxcli storage lab: storage-claim
		defaults {
		        user_friendly_names no
		        find_multipaths strict
		}
	EOF
}

# multipathd's own view: "DEV MAP WWID" per path it holds ([orphan]: in no map).
mpathd_paths() {
	multipathd show paths raw format '%d|%m|%w' 2>/dev/null | awk -F'|' 'NF == 3 { print $1, $2, $3 }'
}

# The SCSI disks of iSCSI sessions through iface $1: "DISK" per line.
disks_via() {
	local dev session

	for dev in /sys/class/iscsi_session/session*/device/target*/*:*:*:*; do
		[ -d "$dev/block" ] || continue
		session=${dev%%/device/*}
		[ "$(cat "$session/ifacename")" = "$1" ] && ls "$dev/block"
	done
}

disks() {
	disks_via vmk1
	disks_via vmk2
}

orphan_known() {
	local disk=$1
	mpathd_paths | grep -q "^$disk \[orphan\] 3"
}

claims_logged() {
	grep -c 'dm-multipath: claimed ' "$DAEMON_LOG"
}

# ---- strict, nothing recorded, no map ----------------------------------------
strict_conf
rm -f "$WWIDS"
multipath -F >/dev/null 2>&1
multipathd reconfigure >/dev/null
check_contains "multipathd runs with find_multipaths strict" "find_multipaths \"strict\"" \
	"$(multipathd show config local 2>/dev/null | grep find_multipaths)"

lab_start_daemon
lab_pinned_vmks

# ---- negative control: a login by iscsiadm alone ------------------------------
iscsiadm -m discovery -t st -p "$LAB_PORTAL1" >/dev/null 2>&1
iscsiadm -m node -T "$LAB_TARGET2" -p "$LAB_PORTAL1" --login >/dev/null 2>&1
have_default_disk() {
	[ -n "$(disks_via default)" ]
}
check "iscsiadm alone logs in to $LAB_TARGET2 with a disk" lab_wait_for 30 have_default_disk
disk=$(disks_via default | head -n 1)
check "multipathd holds $disk as an orphan (strict, WWID unknown)" \
	lab_wait_for 30 orphan_known "$disk"
wwid=$(mpathd_paths | awk -v d="$disk" '$1 == d { print $3 }')
mpathd_paths | sed 's/^/# /'
check_eq "no map for the LUN" "" "$(lab_mpath_paths)"
check_eq "its WWID is not recorded" 0 "$(grep -cxF "/$wwid/" "$WWIDS" 2>/dev/null)"
iscsiadm -m node -T "$LAB_TARGET2" -p "$LAB_PORTAL1" --logout >/dev/null 2>&1
iscsiadm -m node -o delete >/dev/null 2>&1
iscsiadm -m discoverydb -t st -p "$LAB_PORTAL1" -o delete >/dev/null 2>&1
no_default_disk() {
	[ -z "$(disks_via default)" ] && ! mpathd_paths | grep -q "^$disk "
}
check "the control's session and disk are gone" lab_wait_for 30 no_default_disk

# ---- esxclid: two vmks bound and a rescan -----------------------------------
lab_bound_rescanned

check "every disk of the adapter is in a map, two paths per map" lab_wait_for 60 lab_all_mapped
mpathd_paths | sed 's/^/# /'
sed 's/^/# wwids: /' "$WWIDS" 2>/dev/null

luns=$(mpathd_paths | awk '{ print $3 }' | sort -u)
nluns=$(wc -l <<<"$luns")
check_eq "one map per LUN" "$nluns" "$(lab_mpath_paths | awk '{ print $1 }' | sort -u | wc -l)"
missing=
for w in $luns; do
	[ "$(grep -cxF "/$w/" "$WWIDS" 2>/dev/null)" = 1 ] || missing="$missing $w"
done
check_eq "each LUN's WWID is in $WWIDS exactly once" "" "$missing"
check_eq "nothing else is recorded" "$nluns" "$(grep -c '^/' "$WWIDS")"
check_eq "storage core path list: Plugin NMP on every path" \
	"$(disks | wc -l) NMP" \
	"$(esx storage core path list | awk '$1 == "Plugin:" { n++; p[$2]++ } END { for (k in p) print n, k }')"
check_eq "one claim logged per LUN" "$nluns" "$(claims_logged)"

# ---- maps flushed, esxclid restarted: nothing recorded twice ----------------
before=$(cat "$WWIDS")
claims_before=$(claims_logged)
multipath -F >/dev/null 2>&1
lab_restart_daemon
startup_pass_over() {
	sed -n '/==== restarted by the scenario ====/,$p' "$DAEMON_LOG" |
		grep -q 'claim pass over'
}
check "the restarted esxclid's start-up pass ran" lab_wait_for 60 startup_pass_over
check "the maps are back, two paths each" lab_wait_for 60 lab_all_mapped
check_eq "$WWIDS unchanged by the restart (no duplicate line)" "$before" "$(cat "$WWIDS")"
check_eq "no claim logged again" "$claims_before" "$(claims_logged)"

# ---- the lab's greedy configuration back -------------------------------------
lab_multipath_base_conf
multipathd reconfigure >/dev/null
check_contains "find_multipaths greedy again" "find_multipaths \"greedy\"" \
	"$(multipathd show config local 2>/dev/null | grep find_multipaths)"

finish
