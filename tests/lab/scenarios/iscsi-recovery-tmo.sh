#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# RecoveryTimeout and multipath's fast_io_fail_tmo write the same kernel
# setting, the session's recovery_tmo; esxclid's node records own it.
# Asserted on the kernel and multipathd:
#  - two bound vmks, a rescan, multipathd running: every session's
#    recovery_tmo is RecoveryTimeout (ESXi's 10, not multipathd's 5); the
#    drop-in has `fast_io_fail_tmo off` for the lab target (IET
#    VIRTUAL-DISK) and `multipathd show config` has it;
#  - param set -k RecoveryTimeout -v 25 at the adapter: recovery_tmo 25 on
#    the live sessions, param get says 25; still 25 after a rescan and after
#    `multipathd reconfigure`;
#  - an admin's `overrides { fast_io_fail_tmo 7 }`: the kernel uses 7, and
#    param get shows 7 and says why; without it and after a rescan, 25.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
DROPIN=/etc/multipath/conf.d/esxclid.conf
OVERRIDE=/etc/multipath/conf.d/zz-lab-admin.conf

lab_start_daemon

# tmos: the sessions' recovery_tmo, "sessionN=V" each, on one line.
tmos() {
	local s
	for s in /sys/class/iscsi_session/session*; do
		printf '%s=%s ' "${s##*/}" "$(cat "$s/recovery_tmo")"
	done
}

# all_tmo V: every session (at least two) has recovery_tmo V.
all_tmo() {
	local n=0 s
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/recovery_tmo")" = "$1" ] || return 1
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

# current: RecoveryTimeout's Current in the adapter's param get.
current() {
	esx iscsi adapter param get -A "$A" | awk '$1 == "RecoveryTimeout" { print $2 }'
}

# multipathd_idle: its reconfigure (asked for here) is over.
multipathd_idle() {
	multipathd show daemon 2>/dev/null | grep -q ' idle'
}

reconfigure() {
	multipathd reconfigure >/dev/null
	sleep 1
	lab_wait_for 30 multipathd_idle
}

# iet_device_config TEXT: the devices entry for ^IET$ / ^VIRTUAL-DISK$ in
# multipath's configuration TEXT (one line).
iet_device_config() {
	awk '/^\tdevice \{/ { b = ""; inb = 1 }
	     inb { b = b " " $0 }
	     inb && /^\t\}/ { inb = 0; if (b ~ /\^IET\$/ && b ~ /\^VIRTUAL-DISK\$/) print b }' <<<"$1" |
		tr -s ' \t' ' '
}

lab_pinned_vmks
lab_bound_rescanned

mapped() {
	[ "$(lab_mpath_paths | wc -l)" -ge 4 ]
}
check "multipathd has the LUNs' paths" lab_wait_for 60 mapped
check "every session's recovery_tmo is RecoveryTimeout's 10, not multipathd's 5" \
	lab_wait_for 30 all_tmo 10
echo "# $(tmos)"
check_contains "the drop-in keeps fast_io_fail_tmo off the lab target" \
	"device { vendor \"^IET\$\" product \"^VIRTUAL-DISK\$\" fast_io_fail_tmo off }" \
	"$(iet_device_config "$(cat "$DROPIN")")"
check_contains "multipathd's configuration has it" "fast_io_fail_tmo off" \
	"$(iet_device_config "$(multipathd show config)")"
check_eq "param get: RecoveryTimeout 10" 10 "$(current)"

# ---- RecoveryTimeout 25 -------------------------------------------------------
out=$(esx iscsi adapter param set -A "$A" -k RecoveryTimeout -v 25 2>&1)
check_eq "param set -k RecoveryTimeout -v 25 succeeds" "0:" "$?:$out"
check "recovery_tmo is 25 on every live session at once" all_tmo 25
echo "# $(tmos)"
check_eq "param get: 25" 25 "$(current)"
check_eq "the node records hold 25" "25" \
	"$(iscsiadm -m node -o show | awk -F ' = ' '$1 == "node.session.timeo.replacement_timeout" { print $2 }' | sort -u)"

out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A "$A" 2>&1)
check_eq "a rescan succeeds" 0 $?
sleep 3
check "after a rescan: still 25" all_tmo 25
reconfigure
check "after multipathd reconfigure: still 25" all_tmo 25
echo "# $(tmos)"

# ---- an admin's overrides ------------------------------------------------------
printf 'overrides {\n\tfast_io_fail_tmo 7\n}\n' >"$OVERRIDE"
reconfigure
check "an admin's overrides { fast_io_fail_tmo 7 } makes the kernel use 7" lab_wait_for 30 all_tmo 7
echo "# $(tmos)"
out=$(esx iscsi adapter param get -A "$A")
check_eq "param get shows what the kernel uses: 7" 7 \
	"$(awk '$1 == "RecoveryTimeout" { print $2 }' <<<"$out")"
check_contains "param get says the kernel differs from the configured 25" \
	"the kernel's recovery_tmo is not the configured 25 on session" "$out"
check_contains "...and names the likely cause" "overrides" "$out"

rm -f "$OVERRIDE"
reconfigure
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A "$A" 2>&1)
check "without the override, a rescan brings 25 back" lab_wait_for 30 all_tmo 25
check_eq "param get: 25 again, without a message" "25|" \
	"$(current)|$(esx iscsi adapter param get -A "$A" | grep -c overrides | sed 's/^0$//')"

finish
