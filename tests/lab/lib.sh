# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the storage lab's scenarios (tests/lab/scenarios/*.sh), which run
# as root inside the guest with the lab already up (see topology.sh: NICs
# vmnic1..vmnicN, the array in netns "tgt", udevd, iscsid, multipathd).
#
# Source it first:  . "$(dirname "$0")/../lib.sh"
#
# From tests/net/lib.sh (the same checks as the namespace tests):
#   ok/fail/check/check_eq/check_contains/check_not_contains TEXT ...
#   wait_until TRIES CMD...        finish  ("N passed, N failed"; exit status)
#   skip TEXT                      exit 77
#   esx ARGS...                    the esxcli client against lab_start_daemon's
# From topology.sh (names and the network):
#   LAB_NICS LAB_NS LAB_PORTAL1 LAB_PORTAL2 LAB_TARGET1 LAB_TARGET2 ...
#   lab_nics                       vmnic1..vmnicN, one a line
#   lab_nic_down NIC / lab_nic_up NIC    pull / plug the NIC's cable
#   lab_nic_bytes NIC rx|tx        the NIC's byte counter
#   lab_shape NIC RATE / lab_unshape NIC  limit the array's sending to NIC
#   lab_wait_for SECONDS CMD...    retry CMD until it succeeds, or fail
#   lab_tgtadm ARGS...             tgtadm --lld iscsi inside the array
# Here:
#   lab_require_nics N             skip unless the lab has N NICs
#   lab_start_daemon [ARGS...]     esxclid on the default socket and state,
#                                  stopped when the scenario ends
#   lab_sessions_via IFACE         how many sessions go through iface IFACE
#   lab_mpath_paths                one line per path of every multipath map:
#                                  "MAP LUN DEV DM_STATE CHECKER_STATE SOURCE"
#                                  (SOURCE: the session's initiator address)
#   lab_mpath_map LUN              the name of the (first) map with a path
#                                  to LUN
#   lab_check_share TEXT PART TOTAL LOW HIGH
#                                  passes when LOW <= 100*PART/TOTAL <= HIGH
#
# What a scenario leaves (sessions, records, maps, links, rules, sysctls,
# the daemon's state) is undone by the lab between scenarios, but a scenario
# must not rely on running first: each starts from the state after boot.

_lab_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lab/topology.sh
. "$_lab_lib_dir/topology.sh"
# shellcheck source=tests/net/lib.sh
. "${LAB_NET_LIB:-$_lab_lib_dir/../net/lib.sh}"

lab_require_nics() {
	[ "$LAB_NICS" -ge "$1" ] || skip "needs $1 NICs, the lab has $LAB_NICS"
}

# lab_start_daemon [ARGS...]: esxclid as it runs on a real host (default
# socket and state file), its log in the job's logs; tests/net/lib.sh's exit
# trap stops it.
lab_start_daemon() {
	DAEMON_SOCKET=/run/esxclid/esxclid.sock
	DAEMON_LOG=$LAB_LOGS/esxclid-$TEST_NAME.log
	"$ESXCLID" -f --debug "$@" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	echo "$DAEMON_PID" >"$LAB_RUN/esxclid.pid"
	if ! lab_wait_for 10 test -S "$DAEMON_SOCKET"; then
		echo "Bail out! esxclid did not open $DAEMON_SOCKET; its log:"
		sed 's/^/# /' "$DAEMON_LOG"
		exit 99
	fi
}

# lab_sessions_via IFACE: the number of iSCSI sessions bound to iface IFACE.
lab_sessions_via() {
	iscsiadm -m session -P 1 2>/dev/null | grep -c "Iface Name: $1\$"
}

# From multipathd's own JSON: what the daemon has, not what was configured.
lab_mpath_paths() {
	multipathd show maps json 2>/dev/null | python3 -c '
import json, sys
for m in json.load(sys.stdin).get("maps", []):
    for group in m.get("path_groups", []):
        for p in group.get("paths", []):
            lun = int(p.get("lun_hex", "0x0")[2:6], 16)
            print(m["name"], lun, p["dev"], p["dm_st"], p["chk_st"], p["host_adapter"])
'
}

lab_mpath_map() {
	lab_mpath_paths | awk -v lun="$1" '$2 == lun { print $1; exit }'
}

lab_check_share() {
	local text=$1 part=$2 total=$3 low=$4 high=$5 share

	if [ "$total" -le 0 ]; then
		fail "$text" "nothing was counted (total $total)"
		return
	fi
	share=$((100 * part / total))
	if [ "$share" -ge "$low" ] && [ "$share" -le "$high" ]; then
		ok "$text ($share%)"
	else
		fail "$text" "share $share% of $total bytes, expected $low%..$high%"
	fi
}
