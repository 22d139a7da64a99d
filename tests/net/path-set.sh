#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `esxcli storage core path set` and the store's nmp.paths_off where no
# iSCSI disk exists (the kernel's side is the lab's storage-path-off): the
# options checked, a path that does not exist refused with the state file
# left byte for byte, a stored path set off kept across restarts while the
# daemon's periodic pass runs with nothing to do, and a corrupt entry
# stopping the daemon with the entry named.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/net/kernel_state.sh
. "$(dirname "$0")/kernel_state.sh"

net_require

NS=esxt-pathset-$$
net_setup_ns "$NS"
start_daemon "$NS"
STATE=$TEST_TMP/state/esx.conf

check "a first change makes the state file" \
	esx storage nmp satp set -s VMW_SATP_ALUA -P VMW_PSP_RR

# with_paths_off JSON: the state file with nmp.paths_off set to JSON.
with_paths_off() {
	"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
d.setdefault("nmp", {})["paths_off"] = json.loads(sys.argv[2])
json.dump(d, open(sys.argv[1], "w"))' "$STATE" "$1"
}

stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID"
	DAEMON_PID=
	cat "$DAEMON_LOG" >>"$TEST_TMP/earlier.log"
}

OFF='[{"iface": "vmk2", "target": "iqn.2024-01.lab.esxcli:array1",
       "portal": "10.10.1.100:3260", "lun": 1},
      {"iface": "default", "target": "iqn.2024-01.lab.esxcli:array2",
       "portal": "[fd00::64]:3260", "lun": 0}]'
stop_daemon
with_paths_off "$OFF"
start_daemon "$NS"
stored() {
	pyq "[' '.join(str(p[k]) for k in ('iface', 'target', 'portal', 'lun'))
	      for p in d['nmp']['paths_off']]" <"$STATE"
}
WANT="vmk2 iqn.2024-01.lab.esxcli:array1 10.10.1.100:3260 1
default iqn.2024-01.lab.esxcli:array2 [fd00::64]:3260 0"
check_eq "the daemon loads the stored paths off" "$WANT" "$(stored)"
before=$(md5sum <"$STATE")

out=$(esx storage core path set --state off -p vmhba64:C0:T0:L1 2>&1)
check_contains "software iSCSI off: no path to find" \
	"Unable to find path vmhba64:C0:T0:L1" "$out"
out=$(esx storage core path set --state active -p vmhba64:C0:T0:L1 2>&1)
check_contains "... set active neither" "Unable to find path vmhba64:C0:T0:L1" "$out"
out=$(esx storage core path set -p vmhba64:C0:T0:L1 2>&1)
check_contains "--state is required" "Missing required parameter --state" "$out"
out=$(esx storage core path set --state off 2>&1)
check_contains "-p is required" "Missing required parameter -p|--path" "$out"
out=$(esx storage core path set --state disabled -p vmhba64:C0:T0:L1 2>&1)
check_contains "--state is active or off" "must be one of [active|off]" "$out"
check_eq "the refusals left the state file byte for byte" "$before" "$(md5sum <"$STATE")"

# Two ticks of the 3 s pass with paths to keep off and no disk at all.
sleep 7
check "the daemon still serves after its periodic pass" esx storage core path list
check_eq "the refusals and the passes left the paths in the store" "$WANT" "$(stored)"

restart_daemon "$NS"
check_eq "after a restart: the same" "$WANT" "$(stored)"

stop_daemon
for bad in '[{"iface": "vmk2", "target": "iqn.2024-01.lab.esxcli:array1", "portal": "10.10.1.100", "lun": 1}]' \
	'[{"iface": "vmk2", "target": "iqn.2024-01.lab.esxcli:array1", "portal": "10.10.1.100:3260", "lun": -1}]'; do
	with_paths_off "$bad"
	cp -p "$STATE" "$TEST_TMP/corrupt.copy"
	out=$(timeout 10 ip netns exec "$NS" "$ESXCLID" -f --socket "$TEST_TMP/corrupt.sock" \
		--state "$STATE" 2>&1)
	rc=$?
	check "a corrupt paths_off entry stops the daemon" test "$rc" -ne 0 -a "$rc" -ne 124
	check_contains "... naming it" "nmp.paths_off[0]" "$out"
	check "... and leaves the file as it was" cmp "$STATE" "$TEST_TMP/corrupt.copy"
done
with_paths_off "$OFF"
start_daemon "$NS"
check_eq "repaired, it starts" "$WANT" "$(stored)"

finish_kernel_test
