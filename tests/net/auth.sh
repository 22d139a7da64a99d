#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Who may do what: a real esxclid with numeric admin and read-only groups,
# driven by the real esxcli running as other uids (setpriv). Checks the
# kernel, not only the replies: a refused change leaves the link as it was.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"

ADMIN_GID=64101
READONLY_GID=64102
RO_UID=64001      # read-only through a supplementary group
ADMIN_UID=64002   # admin through a supplementary group
NOBODY_UID=64003  # in neither group
PRIMARY_UID=64004 # read-only through its primary group

net_require
command -v setpriv >/dev/null 2>&1 || skip "needs setpriv (util-linux)"

NS=esxt-auth-$$
net_setup_ns "$NS"
ip -n "$NS" link add vmnic1 type veth peer name peer1
ip -n "$NS" link set peer1 up
ip -n "$NS" link set vmnic1 up

# The socket's directory must let the other uids through.
test_tmp
chmod 755 "$TEST_TMP"
start_daemon "$NS" --admin-group "$ADMIN_GID" --readonly-group "$READONLY_GID"

# as UID GID GROUPS ARGS...: esxcli as that uid; GROUPS "" clears them.
as() {
	local uid=$1 gid=$2 groups=$3

	shift 3
	if [ -n "$groups" ]; then
		setpriv --reuid="$uid" --regid="$gid" --groups="$groups" -- \
			"$ESXCLI" --socket="$DAEMON_SOCKET" "$@"
	else
		setpriv --reuid="$uid" --regid="$gid" --clear-groups -- \
			"$ESXCLI" --socket="$DAEMON_SOCKET" "$@"
	fi
}

# admin_state DEV: "up" or "down", from the kernel.
admin_state() {
	ip -n "$NS" -j link show "$1" | python3 -c '
import json, sys
flags = json.load(sys.stdin)[0]["flags"]
print("up" if "UP" in flags else "down")'
}

status_of() { "$@" >/dev/null 2>&1; echo $?; }

# --- read-only member (supplementary group) ------------------------------
out=$(as "$RO_UID" "$RO_UID" "$READONLY_GID" network nic list 2>&1)
rc=$?
check_eq "read-only member: network nic list exits 0" 0 "$rc"
check_contains "read-only member: the list shows vmnic1" vmnic1 "$out"

out=$(as "$RO_UID" "$RO_UID" "$READONLY_GID" network nic get -n vmnic1 2>&1)
check_eq "read-only member: network nic get exits 0" 0 $?

out=$(as "$RO_UID" "$RO_UID" "$READONLY_GID" network nic down -n vmnic1 2>&1)
rc=$?
check_eq "read-only member: network nic down exits 1" 1 "$rc"
check_contains "read-only member: the refusal names the command" "network nic down" "$out"
check_contains "read-only member: the refusal names the caller's uid" "uid $RO_UID" "$out"
check_eq "read-only member: vmnic1 is still up in the kernel" up "$(admin_state vmnic1)"

# --- read-only through the primary group --------------------------------
out=$(as "$PRIMARY_UID" "$READONLY_GID" "" network nic list 2>&1)
check_eq "read-only primary group: network nic list exits 0" 0 $?
out=$(as "$PRIMARY_UID" "$READONLY_GID" "" network nic up -n vmnic1 2>&1)
check_eq "read-only primary group: network nic up exits 1" 1 $?

# --- admin member (supplementary group) ---------------------------------
out=$(as "$ADMIN_UID" "$ADMIN_UID" "$ADMIN_GID" network nic down -n vmnic1 2>&1)
rc=$?
check_eq "admin member: network nic down exits 0" 0 "$rc"
check_eq "admin member: vmnic1 is down in the kernel" down "$(admin_state vmnic1)"
out=$(as "$ADMIN_UID" "$ADMIN_UID" "$ADMIN_GID" network nic up -n vmnic1 2>&1)
check_eq "admin member: network nic up exits 0" 0 $?
check_eq "admin member: vmnic1 is up again in the kernel" up "$(admin_state vmnic1)"

# --- in neither group ----------------------------------------------------
out=$(as "$NOBODY_UID" "$NOBODY_UID" "" network nic list 2>&1)
rc=$?
check_eq "neither group: network nic list exits 1" 1 "$rc"
check_contains "neither group: a clear refusal" "No permission to execute network nic list" "$out"
check_contains "neither group: the refusal names the caller's uid" "uid $NOBODY_UID" "$out"
check_contains "neither group: the refusal says which groups" "neither the admin nor the read-only group" "$out"
out=$(as "$NOBODY_UID" "$NOBODY_UID" "" network nic down -n vmnic1 2>&1)
check_eq "neither group: network nic down exits 1" 1 $?
check_eq "neither group: vmnic1 is still up in the kernel" up "$(admin_state vmnic1)"

# --- root ---------------------------------------------------------------
check_eq "root: network nic list exits 0" 0 "$(status_of esx network nic list)"

# --- the log: changes with their caller, refusals change nothing --------
log=$(cat "$DAEMON_LOG")
check_contains "the daemon logged the admin's change with uid and command" \
	"uid $ADMIN_UID ($ADMIN_UID) changed state: esxcli network nic down -n vmnic1" "$log"
check_not_contains "the daemon logged no change by the read-only uid" \
	"uid $RO_UID ($RO_UID) changed state" "$log"

finish
