#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Path selection set with esxcli and asserted on the kernel's own view
# (`dmsetup table`, `multipathd show maps json`):
#  - the lab's LUNs start as multipath's defaults make them (failover,
#    failback manual): `nmp device list` says VMW_PSP_MRU, read back;
#  - a SATP rule for the lab target's vendor/model (IET / VIRTUAL-DISK) with
#    VMW_PSP_RR iops=1 makes every LUN one group of two paths, round-robin,
#    one I/O per path; reads then split evenly between vmnic1 and vmnic2;
#  - deviceconfig set -t latency (service-time), then -t iops -I 1 (back to
#    round-robin, one I/O per path) change one LUN's live table and no
#    other's; -t default keeps round-robin; device set -P VMW_PSP_MRU gives a failover map, -E
#    takes the rule's policy back;
#  - the same setting twice does not make multipathd reconfigure again;
#  - an admin's overrides section wins, and the lists say so;
#  - refusals (bytes, an IOOperation Limit the kernel ignores, unknown
#    device, RR settings of an MRU device) change neither the store nor the
#    drop-in.
# (A NIC unplugged while reads go on: storage-paths.)

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

DROPIN=/etc/multipath/conf.d/esxclid.conf
STATE=/var/lib/esxclid/esx.conf

lab_start_daemon
lab_pinned_vmks
lab_bound_rescanned

# LUNs: "MAP LUN" for every map with two paths.
luns() {
	lab_mpath_paths | awk '{ n[$1] = $2; c[$1]++ } END { for (m in c) if (c[m] == 2) print m, n[m] }' |
		LC_ALL=C sort
}
two_luns() {
	[ "$(luns | wc -l)" -ge 2 ]
}
check "multipathd has two LUNs with two paths each" lab_wait_for 60 two_luns
luns | sed 's/^/# map and LUN: /'
MAP1=$(luns | awk 'NR == 1 { print $1 }')
MAP2=$(luns | awk 'NR == 2 { print $1 }')
DEV1=naa.${MAP1#3}
DEV2=naa.${MAP2#3}

# table MAP: the kernel's table without start and length.
table() {
	dmsetup table "$1" | cut -d' ' -f3-
}
# groups MAP: "SELECTOR:PATHS:REPEAT" per path group, from the kernel's table.
groups() {
	table "$1" | python3 -c '
import sys
w = sys.stdin.read().split()
i = 1
i += 1 + int(w[i])            # features
i += 1 + int(w[i])            # hardware handler
n = int(w[i]); i += 2
out = []
for _ in range(n):
    sel = w[i]; i += 1
    i += 1 + int(w[i])        # selector args
    paths, args = int(w[i]), int(w[i + 1]); i += 2
    first = w[i + 1] if args else "-"
    i += paths * (1 + args)
    out.append("%s:%d:%s" % (sel, paths, first))
print(" ".join(out))'
}
# field DEVICE FIELD: a field of `storage nmp device list -d DEVICE`.
nmp_field() {
	esx storage nmp device list -d "$1" | awk -v f="$2:" '
		{ sub(/^ +/, "") }
		index($0, f) == 1 { print substr($0, length(f) + 2); exit }'
}
rr_field() {
	esx storage nmp psp roundrobin deviceconfig get -d "$1" | awk -v f="$2:" '
		{ sub(/^ +/, "") }
		index($0, f) == 1 { print substr($0, length(f) + 2); exit }'
}
reconfigures() {
	grep -c "reconfigure (operator)" "$LAB_LOGS/multipathd.log"
}

table "$MAP1" | sed 's/^/# table before: /'
check_eq "before any rule: failover, two groups of one path" \
	"$(groups "$MAP1" | wc -w)" 2
check_eq "nmp device list reads it back as MRU (failback manual)" VMW_PSP_MRU \
	"$(nmp_field "$DEV1" "Path Selection Policy")"
check_eq "with SATP DEFAULT_AA" VMW_SATP_DEFAULT_AA "$(nmp_field "$DEV1" "Storage Array Type")"
check_contains "core device list has the LUN, claimed by NMP" "Multipath Plugin: NMP" \
	"$(esx storage core device list -d "$DEV1")"
check_contains "core device list: vendor from sysfs" "Vendor: $(cat /sys/block/"$(lab_mpath_paths |
	awk -v m="$MAP1" '$1 == m { print $3; exit }')"/device/vendor | sed 's/ *$//')" \
	"$(esx storage core device list -d "$DEV1")"
check_contains "core device list: Devfs Path is the map" "Devfs Path: /dev/mapper/$MAP1" \
	"$(esx storage core device list -d "$DEV1")"

# ---- a SATP rule for the lab target -------------------------------------------
out=$(esx storage nmp satp rule add -s VMW_SATP_DEFAULT_AA -V IET -M VIRTUAL-DISK \
	-P VMW_PSP_RR -O iops=1 -e "lab target" 2>&1)
check_eq "rule add succeeds quietly" "0:" "$?:$out"
check_contains "the drop-in has the rule, vendor and model anchored" 'vendor "^IET$"' \
	"$(cat "$DROPIN")"
check_contains "multipathd's configuration has it" 'product "^VIRTUAL-DISK$"' \
	"$(multipathd show config)"
rr1() {
	[ "$(groups "$1")" = "round-robin:2:1" ]
}
check "LUN 1: one group of two paths, round-robin, one I/O per path" lab_wait_for 30 rr1 "$MAP1"
check "LUN 2 too" lab_wait_for 30 rr1 "$MAP2"
table "$MAP1" | sed 's/^/# table with the rule: /'
check_eq "multipathd's JSON: one path group, selector round-robin 0" "1 round-robin 0 2" \
	"$(multipathd show map "$MAP1" json | python3 -c '
import json, sys
m = json.load(sys.stdin)["map"]
g = m["path_groups"]
print(len(g), g[0]["selector"], len(g[0]["paths"]))')"
check_eq "nmp device list: VMW_PSP_RR" VMW_PSP_RR "$(nmp_field "$DEV1" "Path Selection Policy")"
check_eq "its config: iops 1" "{policy=iops,iops=1,useANO=0}" \
	"$(nmp_field "$DEV1" "Path Selection Policy Device Config")"
check_eq "Working Paths: both" 2 "$(nmp_field "$DEV1" "Working Paths" | tr ',' '\n' | grep -c vmhba64)"
check_eq "deviceconfig get: Limit Type Iops" Iops "$(rr_field "$DEV1" "Limit Type")"
check_eq "deviceconfig get: IOOperation Limit 1" 1 "$(rr_field "$DEV1" "IOOperation Limit")"

# ---- reads split evenly --------------------------------------------------------
lab_check_even_split "$MAP1"

# ---- deviceconfig and device set on one LUN ---------------------------------
refused_nmp() {
	local text=$1 message=$2 out rc store_before dropin_before

	shift 2
	store_before=$(md5sum <"$STATE")
	dropin_before=$(md5sum <"$DROPIN")
	out=$(esx "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && [[ $out == *"$message"* ]] &&
		[ "$store_before" = "$(md5sum <"$STATE")" ] &&
		[ "$dropin_before" = "$(md5sum <"$DROPIN")" ]; then
		ok "$text (refused; store and drop-in unchanged)"
	else
		fail "$text" "exit $rc: $out"
	fi
}
# The kernel's round-robin sends one I/O per path whatever it is told
# ("repeat_count > 1 is deprecated, using 1 instead"): -I 5 would be a lie.
refused_nmp "an IOOperation Limit the kernel would ignore" \
	"IOOperation Limit 5 is not supported" \
	storage nmp psp roundrobin deviceconfig set -d "$DEV1" -t iops -I 5
out=$(esx storage nmp psp roundrobin deviceconfig set -d "$DEV1" -t latency 2>&1)
check_eq "deviceconfig set -t latency succeeds quietly" "0:" "$?:$out"
check_contains "the drop-in has a multipaths entry by WWID" "wwid \"$MAP1\"" "$(cat "$DROPIN")"
latency() {
	[ "$(groups "$MAP1")" = "service-time:2:1" ]
}
check "LUN 1's live table: service-time" lab_wait_for 30 latency
table "$MAP1" | sed 's/^/# table with -t latency: /'
check_eq "LUN 2's table is untouched" "round-robin:2:1" "$(groups "$MAP2")"
check_eq "deviceconfig get: Limit Type Latency" Latency "$(rr_field "$DEV1" "Limit Type")"
check_eq "nmp device list: latency config" \
	"{policy=latency,latencyEvalTime=180000,samplingCycles=16,useANO=0}" \
	"$(nmp_field "$DEV1" "Path Selection Policy Device Config")"

out=$(esx storage nmp psp roundrobin deviceconfig set -d "$DEV1" -t iops -I 1 2>&1)
check_eq "deviceconfig set -t iops -I 1 succeeds quietly" "0:" "$?:$out"
check "LUN 1's live table: round-robin again, one I/O per path" lab_wait_for 30 rr1 "$MAP1"
table "$MAP1" | sed 's/^/# table with -t iops -I 1: /'
check_eq "deviceconfig get: Limit Type Iops" Iops "$(rr_field "$DEV1" "Limit Type")"
check_eq "deviceconfig get: IOOperation Limit 1" 1 "$(rr_field "$DEV1" "IOOperation Limit")"

before=$(reconfigures)
out=$(esx storage nmp psp roundrobin deviceconfig set -d "$DEV1" -t iops -I 1 2>&1)
check_eq "the same setting again succeeds" "0:" "$?:$out"
check_eq "...and multipathd was not asked to reconfigure again" "$before" "$(reconfigures)"

out=$(esx storage nmp psp roundrobin deviceconfig set -d "$DEV1" -t default 2>&1)
check_eq "deviceconfig set -t default succeeds quietly" "0:" "$?:$out"
check_eq "deviceconfig get: Limit Type Default" Default "$(rr_field "$DEV1" "Limit Type")"
check_eq "deviceconfig get: the kernel's I/Os per path, 1" 1 "$(rr_field "$DEV1" "IOOperation Limit")"
check_eq "LUN 1's live table: round-robin" "round-robin:2:1" "$(groups "$MAP1")"

out=$(esx storage nmp device set -d "$DEV1" -P VMW_PSP_MRU 2>&1)
check_eq "device set -P VMW_PSP_MRU succeeds" "0:" "$?:$out"
failover() {
	[ "$(groups "$1" | wc -w)" = 2 ] && [ -z "$(groups "$1" | tr ' ' '\n' | grep -v ':1:')" ]
}
check "LUN 1's map: failover, two groups of one path" lab_wait_for 30 failover "$MAP1"
# multipathd prints "-" for a manual failback (no failback pending).
check_eq "multipathd's JSON: no immediate failback" "-" \
	"$(multipathd show map "$MAP1" json | python3 -c 'import json, sys; print(json.load(sys.stdin)["map"]["failback"])')"
check_eq "nmp device list: MRU" VMW_PSP_MRU "$(nmp_field "$DEV1" "Path Selection Policy")"
check_contains "its config names the current path" "Current Path=vmhba64:C" \
	"$(nmp_field "$DEV1" "Path Selection Policy Device Config")"
check_eq "LUN 2 is still round-robin" "round-robin:2:1" "$(groups "$MAP2")"

# ---- refusals ------------------------------------------------------------------
refused_nmp "RR settings of an MRU device" "uses VMW_PSP_MRU, not VMW_PSP_RR" \
	storage nmp psp roundrobin deviceconfig set -d "$DEV1" -t iops -I 1
refused_nmp "a bytes limit" "Limit type bytes is not supported" \
	storage nmp psp roundrobin deviceconfig set -d "$DEV2" -t bytes -B 1000
refused_nmp "-B with -t iops" "Limit type bytes is not supported" \
	storage nmp psp roundrobin deviceconfig set -d "$DEV2" -t iops -B 1000
refused_nmp "an unknown device" "Unable to find device naa.600000000000000000000000000000ff" \
	storage nmp device set -d naa.600000000000000000000000000000ff -P VMW_PSP_RR
refused_nmp "a device name that is no device id" "naa." \
	storage nmp device set -d '../../etc/passwd' -P VMW_PSP_RR
refused_nmp "an unknown PSP" "VMW_PSP_FOO" storage nmp device set -d "$DEV2" -P VMW_PSP_FOO
refused_nmp "-P with -E" "exclude each other" \
	storage nmp device set -d "$DEV2" -P VMW_PSP_RR -E
check "the daemon still answers" esx storage nmp psp list

out=$(esx storage nmp device set -d "$DEV1" -E 2>&1)
check_eq "device set -E succeeds" "0:" "$?:$out"
check "LUN 1 is back to the rule's round-robin, one I/O per path" lab_wait_for 30 rr1 "$MAP1"
check_eq "the drop-in has no multipaths entry left" "" "$(grep -F "wwid \"$MAP1\"" "$DROPIN")"

# ---- an admin's overrides section wins ------------------------------------------
cat >/etc/multipath/conf.d/zz-admin-overrides.conf <<-EOF2
	overrides {
		path_grouping_policy failover
	}
EOF2
multipathd reconfigure >/dev/null
check "with the override, LUN 2 becomes failover" lab_wait_for 30 failover "$MAP2"
out=$(esx storage nmp device list -d "$DEV2" 2>&1)
check_contains "nmp device list shows what is in force: not RR" \
	"Path Selection Policy: VMW_PSP_FIXED" "$out"
rm -f /etc/multipath/conf.d/zz-admin-overrides.conf
multipathd reconfigure >/dev/null
check "without it, LUN 2 is round-robin again" lab_wait_for 30 rr1 "$MAP2"

finish
