# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the network-namespace tests (tests/net/*.sh): skip when
# the host cannot run them, private namespaces and a private esxclid that
# are removed on exit, the esxcli client, and TAP-like checks.
#
# Source it, then:
#   net_require                     exit 77 (skip) unless root with ip netns
#   net_setup_ns NAME               a new network namespace, deleted on exit
#   start_daemon NS [ARGS...]       esxclid inside NS, its socket and state
#                                   under $TEST_TMP; waits for the socket
#   esx ARGS...                     the esxcli client against that daemon
#   ok/fail/check/check_eq/...      one "ok N - text" line per check
#   finish                          "N passed, N failed"; exit 1 on failure
#
# Environment (set by `make check`): ESXCLID, ESXCLI, TOP_SRCDIR.

TEST_NAME=$(basename "$0" .sh)
TEST_TMP=
DAEMON_PID=
DAEMON_SOCKET=
DAEMON_LOG=
NET_NAMESPACES=()
PASSED=0
FAILED=0
CHECK_NO=0

_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${TOP_SRCDIR:=$(cd "$_lib_dir/../.." && pwd)}"
: "${ESXCLID:=$TOP_SRCDIR/daemon/esxclid}"
: "${ESXCLI:=$TOP_SRCDIR/shell/esxcli}"

skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

# Root, iproute2 with network namespaces, and the programs under test.
net_require() {
	local probe="esxt-probe-$$"

	[ "$(id -u)" -eq 0 ] || skip "needs root"
	command -v ip >/dev/null 2>&1 || skip "needs ip (iproute2)"
	command -v unshare >/dev/null 2>&1 || skip "needs unshare (util-linux)"
	command -v python3 >/dev/null 2>&1 || skip "needs python3"
	ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$probe"
	[ -x "$ESXCLID" ] || skip "no daemon at $ESXCLID"
	[ -x "$ESXCLI" ] || skip "no client at $ESXCLI"
}

_cleanup() {
	local ns

	if [ -n "$DAEMON_PID" ]; then
		kill "$DAEMON_PID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$DAEMON_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
		DAEMON_PID=
	fi
	for ns in "${NET_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NET_NAMESPACES=()
	if [ -n "$TEST_TMP" ] && [ -d "$TEST_TMP" ]; then
		rm -rf "$TEST_TMP"
	fi
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

test_tmp() {
	if [ -z "$TEST_TMP" ]; then
		TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/esxt-$TEST_NAME.XXXXXX") || {
			echo "Bail out! cannot make a temporary directory"
			exit 99
		}
	fi
}

# net_setup_ns NAME: create a network namespace with lo up; deleted on exit.
net_setup_ns() {
	ip netns add "$1" || { echo "Bail out! cannot create namespace $1"; exit 99; }
	NET_NAMESPACES+=("$1")
	ip -n "$1" link set lo up
}

# start_daemon NS [ARGS...]: run esxclid in the foreground inside NS with a
# socket and a state file of its own, and wait (5 s at most) for its socket.
start_daemon() {
	local ns=$1

	shift
	test_tmp
	mkdir -p "$TEST_TMP/state"
	DAEMON_SOCKET="$TEST_TMP/esxclid.sock"
	DAEMON_LOG="$TEST_TMP/esxclid.log"
	# `ip netns exec` execs the command (no fork): $! is the daemon.
	# The host's /etc/multipath stays untouched, and no multipathd answers
	# (an abstract socket is per network namespace).
	DAEMON_DROPIN="$TEST_TMP/multipath/conf.d/esxclid.conf"
	ip netns exec "$ns" "$ESXCLID" -f --socket "$DAEMON_SOCKET" \
		--state "$TEST_TMP/state/esx.conf" --multipath-dropin "$DAEMON_DROPIN" \
		--multipathd-socket "@esxcli-test-no-multipathd" "$@" >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		[ -S "$DAEMON_SOCKET" ] && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "Bail out! esxclid did not start; its log:"
	sed 's/^/# /' "$DAEMON_LOG"
	exit 99
}

# esx ARGS...: the esxcli client talking to the test daemon.
esx() {
	"$ESXCLI" --socket="$DAEMON_SOCKET" "$@"
}

ok() {
	CHECK_NO=$((CHECK_NO + 1))
	PASSED=$((PASSED + 1))
	echo "ok $CHECK_NO - $1"
}

# fail TEXT [DETAIL...]: a failed check; details are printed as comments.
fail() {
	local text=$1

	shift
	CHECK_NO=$((CHECK_NO + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $CHECK_NO - $text"
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/#   /'
	done
}

# check TEXT CMD...: passes when CMD exits 0.
check() {
	local text=$1 out

	shift
	if out=$("$@" 2>&1); then
		ok "$text"
	else
		fail "$text" "command: $*" "$out"
	fi
}

# check_eq TEXT EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		fail "$1" "expected: $2" "actual:   $3"
	fi
}

# check_contains TEXT NEEDLE HAYSTACK
check_contains() {
	case "$3" in
	*"$2"*) ok "$1" ;;
	*) fail "$1" "expected to contain: $2" "actual: $3" ;;
	esac
}

# check_not_contains TEXT NEEDLE HAYSTACK
check_not_contains() {
	case "$3" in
	*"$2"*) fail "$1" "expected not to contain: $2" "actual: $3" ;;
	*) ok "$1" ;;
	esac
}

# wait_until TRIES CMD...: retry CMD every 0.1 s; 0 once it succeeds.
wait_until() {
	local tries=$1

	shift
	for _ in $(seq "$tries"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

finish() {
	if [ "$FAILED" -ne 0 ] && [ -n "$DAEMON_LOG" ] && [ -f "$DAEMON_LOG" ]; then
		echo "# esxclid log:"
		sed 's/^/#   /' "$DAEMON_LOG"
	fi
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit $?
}
