#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The esxcli shell against a real esxclid: one-shot exit codes, every
# formatter checked against the kernel, script mode (comments, stopping at
# the failing line, --continue-on-error), and the interactive shell in tmux
# (Tab completion, history without secrets).
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"

net_require
command -v tmux >/dev/null 2>&1 || skip "needs tmux"

NS=esxt-shell-$$
net_setup_ns "$NS"
for i in 1 2 3; do
	ip -n "$NS" link add "vmnic$i" type veth peer name "peer$i"
	ip -n "$NS" link set "peer$i" up
	ip -n "$NS" link set "vmnic$i" up
done
start_daemon "$NS"

TMUX_SOCKET=esxt-shell-$$
tmux_() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null; _cleanup' EXIT

# admin_state DEV: "up" or "down", from the kernel.
admin_state() {
	ip -n "$NS" -j link show "$1" | python3 -c '
import json, sys
flags = json.load(sys.stdin)[0]["flags"]
print("up" if "UP" in flags else "down")'
}

# The kernel's view of the namespace's NICs, one "name mac mtu up|down" line
# each, sorted: what every formatter's output must agree with.
kernel_nics() {
	ip -n "$NS" -j link show | python3 -c '
import json, sys
for l in sorted(json.load(sys.stdin), key=lambda l: l["ifname"]):
    if l["ifname"] != "lo":
        print(l["ifname"], l["address"], l["mtu"], "up" if "UP" in l["flags"] else "down")'
}

set_all_up() {
	local i
	for i in 1 2 3; do
		ip -n "$NS" link set "vmnic$i" up
	done
}

# --- one-shot mode --------------------------------------------------------
out=$(esx system version get 2>&1)
check_eq "one-shot: a command exits 0" 0 $?
check_contains "one-shot: its output" "Product: esxcli-linux" "$out"

out=$(esx foo 2>&1)
check_eq "one-shot: an unknown namespace exits 1" 1 $?
check_contains "one-shot: an unknown namespace is named" \
	"Error: Unknown command or namespace foo" "$out"

out=$(esx network nic 2>&1)
check_eq "one-shot: a namespace alone exits 0" 0 $?
check_contains "one-shot: a namespace alone prints its help" "Available Commands:" "$out"

out=$(esx network nic down 2>&1)
check_eq "one-shot: a missing option exits 1" 1 $?
check_contains "one-shot: a missing option is named" "Error: Missing required parameter" "$out"

# --- formatters, against the kernel ---------------------------------------
kernel=$(kernel_nics)
json=$(esx --formatter=json network nic list 2>&1)
check_eq "json: exits 0" 0 $?
parsed=$(python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
assert doc["schemaVersion"] == 1, doc
for n in sorted(doc["result"], key=lambda n: n["Name"]):
    print(n["Name"], n["MACAddress"].lower(), n["MTU"], n["AdminStatus"].lower())' <<<"$json" 2>&1)
check_eq "json: parses, carries schemaVersion 1, and matches the kernel's NICs" \
	"$kernel" "$parsed"

csv=$(esx --formatter=csv network nic list 2>&1)
check_eq "csv: exits 0" 0 $?
parsed=$(python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
for r in sorted(rows, key=lambda r: r["Name"]):
    print(r["Name"], r["MACAddress"].lower(), r["MTU"], r["AdminStatus"].lower())' <<<"$csv" 2>&1)
check_eq "csv: a header and one row per kernel NIC, matching it" "$kernel" "$parsed"

xml=$(esx --formatter=xml network nic list 2>&1)
check_eq "xml: exits 0" 0 $?
parsed=$(python3 -c '
import sys
import xml.etree.ElementTree as ET
ns = "{http://www.vmware.com/Products/ESX/5.0/esxcli}"
root = ET.fromstring(sys.stdin.read())
nics = []
for s in root.iter(ns + "structure"):
    f = {e.get("name"): e[0].text or "" for e in s.findall(ns + "field")}
    nics.append((f["Name"], f["MACAddress"].lower(), f["MTU"], f["AdminStatus"].lower()))
for n in sorted(nics):
    print(*n)' <<<"$xml" 2>&1)
check_eq "xml: well-formed, one structure per kernel NIC, matching it" "$kernel" "$parsed"

kv=$(esx --formatter=keyvalue network nic list 2>&1)
check_eq "keyvalue: exits 0" 0 $?
mac=$(ip -n "$NS" -j link show vmnic1 | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["address"])')
check "keyvalue: vmnic1's name and kernel MAC address are there" \
	python3 -c '
import sys
lines = sys.argv[1].splitlines()
i = next(l.split("]")[0] for l in lines if l.endswith(".NIC.Name.string=vmnic1"))
assert i + "].NIC.MACAddress.string=" + sys.argv[2] in lines' "$kv" "$mac"

out=$(esx --formatter=yaml network nic list 2>&1)
check_eq "an unknown formatter exits 1" 1 $?
check_contains "an unknown formatter is named" "Unable to find requested formatter: yaml" "$out"

# --- script mode ---------------------------------------------------------
out=$(esx 2>&1 <<'EOF'
# Comments and blank lines are skipped.

network nic down -n vmnic2
    # an indented comment
system version get

network nic down -n vmnic3
EOF
)
check_eq "script: every command runs, exit 0" 0 $?
check_contains "script: output of a later line" "Product: esxcli-linux" "$out"
check_eq "script: line 3 took effect in the kernel" down "$(admin_state vmnic2)"
check_eq "script: line 7 took effect in the kernel" down "$(admin_state vmnic3)"
set_all_up

script='network nic down -n vmnic1
# a comment is a line too
network nic foo
network nic down -n vmnic3'
out=$(esx <<<"$script" 2>&1)
check_eq "script: an error exits 1" 1 $?
check_contains "script: the error names line 3" "line 3: network nic foo" "$out"
check_contains "script: the error itself" "Error: Unknown command or namespace network nic foo" "$out"
check_eq "script: line 1 ran (kernel)" down "$(admin_state vmnic1)"
check_eq "script: line 4 did not run after the error (kernel)" up "$(admin_state vmnic3)"
set_all_up

out=$("$ESXCLI" --socket="$DAEMON_SOCKET" --continue-on-error <<<"$script" 2>&1)
check_eq "script --continue-on-error: still exits 1" 1 $?
check_contains "script --continue-on-error: still names line 3" "line 3: network nic foo" "$out"
check_eq "script --continue-on-error: line 4 ran (kernel)" down "$(admin_state vmnic3)"
set_all_up

# --- interactive mode in tmux --------------------------------------------
home=$TEST_TMP/home
mkdir -p "$home"
tmux_ new-session -d -s esx -x 200 -y 50 \
	"env HOME='$home' TERM=xterm '$ESXCLI' --socket='$DAEMON_SOCKET'; echo \$? >'$TEST_TMP/repl.status'; sleep 30"
screen() { tmux_ capture-pane -p -t esx; }
screen_has() { screen | grep -qF -- "$1"; }

if wait_until 50 screen_has 'esxcli>'; then
	ok "interactive: the prompt appears"
else
	fail "interactive: the prompt appears" "$(screen)"
fi
tmux_ send-keys -t esx 'network nic l' Tab
if wait_until 30 screen_has 'esxcli> network nic list'; then
	ok "interactive: Tab completes 'network nic l' to 'network nic list'"
else
	fail "interactive: Tab completes 'network nic l' to 'network nic list'" "$(screen)"
fi
tmux_ send-keys -t esx Enter
if wait_until 30 screen_has 'Admin Status' && screen | grep -q '^vmnic1 '; then
	ok "interactive: Enter runs it and the table appears"
else
	fail "interactive: Enter runs it and the table appears" "$(screen)"
fi
tmux_ send-keys -t esx 'network nic get -n vmnic1 --secret=hunter2' Enter
wait_until 30 screen_has 'Invalid option --secret'
check "interactive: the line with --secret ran (refused: unknown option)" \
	screen_has 'Invalid option --secret'
# A secret option without a value: asked for, without echo.
tmux_ send-keys -t esx 'network nic get -n vmnic1 --secret' Enter
if wait_until 50 screen_has 'Secret:'; then
	ok "interactive: --secret without a value asks 'Secret: '"
else
	fail "interactive: --secret without a value asks 'Secret: '" "$(screen)"
fi
tmux_ send-keys -t esx 'typed-s3cret' Enter
wait_until 30 sh -c "[ \$(tmux -L '$TMUX_SOCKET' capture-pane -p -t esx | grep -c 'Invalid option --secret') -ge 2 ]"
check_eq "interactive: the prompted line ran (refused: unknown option)" 2 \
	"$(screen | grep -c 'Invalid option --secret')"
check_not_contains "interactive: what was typed at 'Secret: ' is not shown" "typed-s3cret" \
	"$(screen)"
tmux_ send-keys -t esx 'exit' Enter
wait_until 50 test -s "$TEST_TMP/repl.status"
check_eq "interactive: exit leaves with status 0" 0 "$(cat "$TEST_TMP/repl.status" 2>&1)"

history=$(cat "$home/.esxcli_history" 2>&1)
check "interactive: the history file is written" test -f "$home/.esxcli_history"
check_contains "interactive: the history holds the command run" "network nic list" "$history"
check_not_contains "interactive: the history never holds a --secret line" "secret" "$history"
check_not_contains "interactive: nor the secret value" "hunter2" "$history"
check_not_contains "interactive: nor a value typed at 'Secret: '" "typed-s3cret" "$history"

out=$("$ESXCLI" --socket="$DAEMON_SOCKET" network nic get -n vmnic1 --secret </dev/null 2>&1)
check_eq "one command, no terminal: a secret without a value fails" 1 $?
check_contains "... saying there is no terminal to ask on" \
	"a secret option has no value, and stdin is not a terminal to ask for it on" "$out"

finish
