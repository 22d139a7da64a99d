#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The daemon's life: one daemon per socket and per state, corrupt state
# refused and left untouched, signals, state kept across restarts, the
# state file's and directory's modes, and the shell when no daemon runs.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"

net_require

NS=esxt-daemon-$$
net_setup_ns "$NS"
test_tmp
start_daemon "$NS"
STATE=$TEST_TMP/state/esx.conf

# Daemons this test starts besides lib.sh's: stopped on exit.
EXTRA_PIDS=()
stop_extra() {
	local pid

	for pid in "${EXTRA_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
}
trap 'stop_extra; _cleanup' EXIT

# esxclid ARGS...: a daemon in the foreground, bounded: 10 s, then killed.
esxclid() {
	timeout -k 1 10 ip netns exec "$NS" "$ESXCLID" -f "$@"
}

# start_extra SOCKET STATE [ARGS...]: a background daemon; its pid in
# EXTRA_PID, its log in $TEST_TMP/extra.log. Returns 1 if no socket shows.
start_extra() {
	local sock=$1 state=$2

	shift 2
	ip netns exec "$NS" "$ESXCLID" -f --socket "$sock" --state "$state" "$@" \
		>"$TEST_TMP/extra.log" 2>&1 &
	EXTRA_PID=$!
	EXTRA_PIDS+=("$EXTRA_PID")
	wait_until 50 test -S "$sock"
}

mode_of() { stat -c %a "$1"; }

serving() { esx system version get >/dev/null 2>&1; }

# --- two daemons on one socket ------------------------------------------
started=$(date +%s%N)
out=$(esxclid --socket "$DAEMON_SOCKET" --state "$TEST_TMP/other/esx.conf" 2>&1)
rc=$?
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
check "second daemon on the same socket exits non-zero" test "$rc" -ne 0 -a "$rc" -ne 124
check "second daemon on the same socket exits within 2 s (took ${elapsed_ms} ms)" \
	test "$elapsed_ms" -lt 2000
check_contains "second daemon says the socket is already served" "already" "$out"
check "the first daemon is still running" kill -0 "$DAEMON_PID"
check "the socket is still there" test -S "$DAEMON_SOCKET"
check "the first daemon still serves" serving

# --- two daemons on one state -------------------------------------------
out=$(esxclid --socket "$TEST_TMP/second.sock" --state "$STATE" 2>&1)
rc=$?
check "second daemon on the same state exits non-zero" test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "second daemon says the state is already in use" "already using $STATE" "$out"
check "second daemon on the same state left no socket" test ! -e "$TEST_TMP/second.sock"
check "the first daemon still serves after that" serving

# --- a corrupt state file -----------------------------------------------
mkdir -p "$TEST_TMP/corrupt"
chmod 700 "$TEST_TMP/corrupt"
printf '{garbage' >"$TEST_TMP/corrupt/esx.conf"
chmod 600 "$TEST_TMP/corrupt/esx.conf"
cp -p "$TEST_TMP/corrupt/esx.conf" "$TEST_TMP/corrupt.copy"
out=$(esxclid --socket "$TEST_TMP/corrupt.sock" --state "$TEST_TMP/corrupt/esx.conf" 2>&1)
rc=$?
check "a corrupt state file stops the daemon (non-zero exit)" test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "the refusal names the file" "$TEST_TMP/corrupt/esx.conf" "$out"
check "the corrupt file is byte-identical afterwards" \
	cmp "$TEST_TMP/corrupt/esx.conf" "$TEST_TMP/corrupt.copy"
check_eq "the corrupt file keeps its mode" 600 "$(mode_of "$TEST_TMP/corrupt/esx.conf")"
check "no socket was opened" test ! -e "$TEST_TMP/corrupt.sock"
leftovers=$(find "$TEST_TMP/corrupt" -name '.esx.conf.*')
check_eq "no temporary file is left next to it" "" "$leftovers"

# --- SIGHUP keeps it serving -------------------------------------------
kill -HUP "$DAEMON_PID"
wait_until 20 grep -q SIGHUP "$DAEMON_LOG"
check_contains "SIGHUP is logged" SIGHUP "$(cat "$DAEMON_LOG")"
check "the daemon runs on after SIGHUP" kill -0 "$DAEMON_PID"
check "the daemon serves after SIGHUP" serving

# --- state: 0600 after a change, kept across a restart ------------------
uuid1=$(esx system uuid get 2>&1)
check "system uuid get gives a version 4 UUID" \
	grep -Eqx '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}' <<<"$uuid1"
check "the state file exists after the first change" test -f "$STATE"
check_eq "the state file has mode 0600" 600 "$(mode_of "$STATE")"
on_disk=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["system"]["uuid"])' \
	"$STATE" 2>&1)
check_eq "the state file on disk holds that uuid" "$uuid1" "$on_disk"

kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
rc=$?
DAEMON_PID=
check_eq "SIGTERM: the daemon exits 0" 0 "$rc"
check "SIGTERM: the socket is removed" test ! -e "$DAEMON_SOCKET"
check_contains "SIGTERM: the shutdown is logged" "shutting down" "$(cat "$DAEMON_LOG")"

start_daemon "$NS"
uuid2=$(esx system uuid get 2>&1)
check_eq "system uuid get is the same after a restart" "$uuid1" "$uuid2"

# A valid state file readable by others is made private at start.
mkdir -p "$TEST_TMP/loose"
cp "$STATE" "$TEST_TMP/loose/esx.conf"
chmod 644 "$TEST_TMP/loose/esx.conf"
if start_extra "$TEST_TMP/loose.sock" "$TEST_TMP/loose/esx.conf"; then
	ok "a daemon starts on a state file readable by others"
else
	fail "a daemon starts on a state file readable by others" "$(cat "$TEST_TMP/extra.log")"
fi
check_eq "that state file is made 0600" 600 "$(mode_of "$TEST_TMP/loose/esx.conf")"
kill -TERM "$EXTRA_PID"
wait "$EXTRA_PID"
check_eq "that daemon exits 0 on SIGTERM" 0 $?
check "its socket is removed" test ! -e "$TEST_TMP/loose.sock"

# --- --state in a directory that does not exist yet ---------------------
fresh=$TEST_TMP/fresh/var/lib/esxclid
if start_extra "$TEST_TMP/fresh.sock" "$fresh/esx.conf"; then
	ok "a daemon starts with --state in a directory that does not exist"
else
	fail "a daemon starts with --state in a directory that does not exist" \
		"$(cat "$TEST_TMP/extra.log")"
fi
check_eq "the state directory is created 0700" 700 "$(mode_of "$fresh")"
check_eq "its parents are created 0700" 700 "$(mode_of "$TEST_TMP/fresh/var")"
out=$("$ESXCLI" --socket="$TEST_TMP/fresh.sock" system uuid get 2>&1)
check "that daemon serves and writes its state" test -f "$fresh/esx.conf"
kill -TERM "$EXTRA_PID"
wait "$EXTRA_PID"
check_eq "that daemon exits 0 on SIGTERM" 0 $?

# --- the shell when no daemon runs --------------------------------------
out=$("$ESXCLI" --socket="$TEST_TMP/nobody-here.sock" system version get 2>&1)
rc=$?
check_eq "shell without a daemon: exit 1" 1 "$rc"
check_eq "shell without a daemon: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
check_contains "shell without a daemon: names the socket" "$TEST_TMP/nobody-here.sock" "$out"
check_contains "shell without a daemon: tells how to start it" "esxclid -f" "$out"

finish
