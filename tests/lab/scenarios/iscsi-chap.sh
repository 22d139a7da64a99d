#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CHAP with esxcli against a target that requires it (LAB_TARGET3, reached
# from 10.10.3.0/24 only), asserted on open-iscsi's records, sysfs and
# every process's command line:
#  - the sendtarget's CHAP is set in the interactive shell, the secret typed
#    at the "Secret: " prompt: never echoed, never in the history file;
#  - no reply carries the secret (get at each level, every formatter);
#  - a rescan discovers through a SendTargets record that carries the CHAP
#    lines and logs in to the CHAP target: its node record has authmethod
#    CHAP and the secret (iscsiadm shows it masked), mode 0600;
#  - a wrong secret at the target portal: the login fails, saying that
#    authentication failed for that target through vmk1, and no session;
#  - --inherit goes back to the sendtarget's and the login works again;
#  - mutual CHAP (the array proves itself too) logs in, username_in is set;
#  - all along, a watcher reads every process's /proc/PID/cmdline and never
#    sees a secret; nor does the daemon's log; the store is 0600.

. "$(dirname "$0")/../lib.sh"

A=vmhba64
PORTAL=$LAB_PORTAL3:3260
ADDR=10.10.3.11
WRONG=wrong-s3cret-999
WORK=$(mktemp -d)
SECRETS=$WORK/secrets            # what must never show, one a line
printf '%s\n' "$LAB_CHAP_SECRET" "$LAB_CHAP_ARRAY_SECRET" "$WRONG" >"$SECRETS"
printf '%s\n' "$LAB_CHAP_SECRET" >"$WORK/uni-secret"
REC=/etc/iscsi/nodes/$LAB_TARGET3/$LAB_PORTAL3,3260,1/vmk1
ST_REC=/etc/iscsi/send_targets/$LAB_PORTAL3,3260/st_config

# has_secret TEXT: 0 when TEXT holds any of the secrets (no process sees them).
has_secret() {
	local s

	while read -r s; do
		case "$1" in *"$s"*) return 0 ;; esac
	done <"$SECRETS"
	return 1
}

check_no_secret() {
	if has_secret "$2"; then
		fail "$1" "a secret is in it"
	else
		ok "$1"
	fi
}

# esx_stdin LINE: one esxcli line read from stdin (script mode): a secret
# given there is on no command line.
esx_stdin() {
	"$ESXCLI" --socket="$DAEMON_SOCKET" <<<"$1"
}

# The watcher: every process's command line, again and again, until
# $WORK/watching goes; hits in $WORK/hits, rounds in $WORK/rounds.
cat >"$WORK/watch.py" <<'EOF'
import os, sys
work = sys.argv[1]
secrets = [l.strip().encode() for l in open(work + "/secrets") if l.strip()]
rounds = 0
open(work + "/watch-ready", "w").close()
while os.path.exists(work + "/watching"):
    rounds += 1
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if any(s in cmdline for s in secrets):
            with open(work + "/hits", "a") as h:
                h.write("%s: %s\n" % (pid, cmdline.replace(b"\0", b" ").decode(errors="replace")))
with open(work + "/rounds", "w") as f:
    f.write("%d\n" % rounds)
EOF

# The interactive shell on a pseudo-terminal: types each step after the
# esxcli> prompt; "@SECRET" types the first line of a file after "Secret: ".
cat >"$WORK/repl.py" <<'EOF'
import os, pty, select, sys, time
esxcli, sock, home, secret_file, transcript = sys.argv[1:6]
steps = sys.argv[6:]
secret = open(secret_file).readline().strip().encode()
pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ, HOME=home, TERM="dumb")
    os.execve(esxcli, ["esxcli", "--socket=" + sock], env)
out, pos = b"", 0
def expect(pattern, seconds=60):
    global out, pos
    end = time.time() + seconds
    while out.find(pattern, pos) < 0:
        if time.time() > end:
            open(transcript, "wb").write(out)
            raise SystemExit("no %r in: %r" % (pattern, out[pos:]))
        if select.select([fd], [], [], 0.2)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                raise SystemExit("esxcli ended; output: %r" % out)
            out += data
    pos = out.find(pattern, pos) + len(pattern)
for step in steps:
    if step == "@SECRET":
        expect(b"Secret: ")
        os.write(fd, secret + b"\n")
    else:
        expect(b"esxcli> ")
        os.write(fd, step.encode() + b"\n")
expect(b"esxcli> ")
os.write(fd, b"exit\n")
status = os.waitpid(pid, 0)[1]
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
open(transcript, "wb").write(out)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)
EOF

lab_start_daemon

# ---- one vmk in 10.10.3.0/24, bound --------------------------------------
lab_esx_each network "vswitch standard add -v vSwitch1" \
	"vswitch standard uplink add -u vmnic1 -v vSwitch1" \
	"vswitch standard portgroup add -p iSCSI-C -v vSwitch1" \
	"ip interface add -i vmk1 -p iSCSI-C" \
	"ip interface ipv4 set -i vmk1 -t static -I $ADDR -N 255.255.255.0"
check "vmk1 reaches $LAB_PORTAL3" lab_wait_for 20 ping -c 1 -W 2 -I vmk1 "$LAB_PORTAL3"
check_eq "software iSCSI enabled" "Software iSCSI Enabled" "$(esx iscsi software set -e true 2>&1)"
check_eq "vmk1 bound" "" "$(esx iscsi networkportal add -A $A -n vmk1 2>&1)"
check_eq "sendtarget $PORTAL added" "" "$(esx iscsi adapter discovery sendtarget add -A $A -a $PORTAL 2>&1)"

out=$(esx iscsi adapter auth chap get -A $A -d uni)
check_contains "the adapter's CHAP starts prohibited" "Level: prohibited" "$out"

# ---- from here on, nothing may show a secret on a command line -------------
: >"$WORK/watching"
python3 "$WORK/watch.py" "$WORK" &
WATCHER=$!
check "the command-line watcher runs" lab_wait_for 30 test -e "$WORK/watch-ready"

# ---- the sendtarget's CHAP, typed at the prompt ---------------------------
home=$WORK/home
mkdir -p "$home"
python3 "$WORK/repl.py" "$ESXCLI" "$DAEMON_SOCKET" "$home" "$WORK/uni-secret" "$WORK/repl.out" \
	"iscsi adapter discovery sendtarget auth chap set -A $A -a $PORTAL -d uni -l required -N $LAB_CHAP_USER -S" \
	"@SECRET" \
	"iscsi adapter discovery sendtarget auth chap get -A $A -a $PORTAL -d uni" \
	>"$WORK/repl.err" 2>&1
check_eq "the interactive shell set it and left with status 0" 0 "$?"
sed 's/^/# repl: /' "$WORK/repl.err"
transcript=$(tr -d '\r' <"$WORK/repl.out" 2>&1)
echo "$transcript" | sed 's/^/# /'
check_contains "esxcli asked for the secret" "Secret: " "$transcript"
check_no_secret "what was typed there was not shown" "$transcript"
check_contains "get shows the level set on the sendtarget" "   Level: required" "$transcript"
check_contains "... and the name" "   Name: $LAB_CHAP_USER" "$transcript"
check_contains "... set there, not inherited" "   Inheritance: false" "$transcript"
history=$(cat "$home/.esxcli_history" 2>&1)
check_contains "the history file holds the get" "sendtarget auth chap get" "$history"
check_not_contains "... not the line that asked for the secret" "auth chap set" "$history"
check_no_secret "... and no secret" "$history"

out=$(esx iscsi adapter auth chap set -A $A -l required -N x -S </dev/null 2>&1)
check_eq "one command without a terminal: -S without a value fails" 1 "$?"
check_contains "... saying why" "stdin is not a terminal" "$out"

# ---- no reply carries it --------------------------------------------------
for fmt in "" --formatter=json --formatter=xml --formatter=keyvalue --formatter=csv; do
	out=$(esx $fmt iscsi adapter discovery sendtarget auth chap get -A $A -a $PORTAL 2>&1)
	check_no_secret "sendtarget chap get ${fmt:-(text)} shows no secret" "$out"
done
out=$(esx --formatter=json iscsi adapter auth chap get -A $A 2>&1)
check_no_secret "adapter chap get shows no secret" "$out"
check_contains "the adapter's stays prohibited (nothing inherits upwards)" '"Level":"prohibited"' \
	"$(tr -d ' \n' <<<"$out")"

# ---- a rescan: discovery with the CHAP lines, then logins -----------------
out=$(timeout 170 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
check_eq "the rescan succeeds" 0 "$rc"
check_contains "discovery at $PORTAL found the CHAP target too" \
	"Discovery at $PORTAL through vmk1: 3 targets found" "$out"
check_contains "the login to the CHAP target succeeded" \
	"Login to $LAB_TARGET3 at $PORTAL through vmk1: successful" "$out"

chap_sessions() {
	local s n=0

	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname" 2>/dev/null)" = "$LAB_TARGET3" ] && n=$((n + 1))
	done
	echo "$n"
}
check_eq "a session to the CHAP target is in sysfs" 1 "$(chap_sessions)"
username=$(cat /sys/class/iscsi_session/session*/username 2>/dev/null | sort -u | xargs)
check_contains "sysfs shows it logged in as $LAB_CHAP_USER" "$LAB_CHAP_USER" "$username"

st=$(cat "$ST_REC" 2>&1)
check_contains "the SendTargets record has authmethod CHAP" \
	"discovery.sendtargets.auth.authmethod = CHAP" "$st"
check_contains "... the name" "discovery.sendtargets.auth.username = $LAB_CHAP_USER" "$st"
check_contains "... and the secret" "discovery.sendtargets.auth.password = $LAB_CHAP_SECRET" "$st"
rec=$(cat "$REC" 2>&1)
check_contains "the CHAP target's node record has authmethod CHAP" \
	"node.session.auth.authmethod = CHAP" "$rec"
check_contains "... the name" "node.session.auth.username = $LAB_CHAP_USER" "$rec"
check_contains "... and the secret" "node.session.auth.password = $LAB_CHAP_SECRET" "$rec"
check_contains "... its other lines kept (node.startup from the binding)" \
	"node.startup = automatic" "$rec"
check_eq "the record file is 0600" 600 "$(stat -c %a "$REC")"
shown=$(iscsiadm -m node -T "$LAB_TARGET3" -p "$PORTAL" -I vmk1 2>&1)
check_contains "iscsiadm reads it: username" "node.session.auth.username = $LAB_CHAP_USER" "$shown"
check_contains "iscsiadm reads it: the password, masked" "node.session.auth.password = ********" \
	"$shown"
check "no temporary file left in /etc/iscsi" \
	test -z "$(find /etc/iscsi -name '.esxclid-*')"

# ---- a wrong secret at the target portal ----------------------------------
check "the CHAP target's session is logged out" esx iscsi session remove -A $A -n "$LAB_TARGET3"
check_eq "no session to the CHAP target" 0 "$(chap_sessions)"
out=$(esx_stdin "iscsi adapter target portal auth chap set -A $A -a $PORTAL -n $LAB_TARGET3 -l required -N $LAB_CHAP_USER -S=$WRONG" 2>&1)
check_eq "a wrong secret is set on the target portal" "" "$out"
out=$(esx iscsi adapter target portal auth chap get -A $A -a $PORTAL -n "$LAB_TARGET3" -d uni)
check_contains "portal get: its own setting" "   Inheritance: false" "$out"
check_contains "portal get: its parent is the sendtarget" "   Parent: $PORTAL" "$out"
check_no_secret "portal get shows no secret" "$out"
check_contains "the record has the wrong secret now" "node.session.auth.password = $WRONG" \
	"$(cat "$REC")"
started=$SECONDS
out=$(timeout 170 "$ESXCLI" --socket="$DAEMON_SOCKET" iscsi session add -A $A -n "$LAB_TARGET3" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
echo "# the failed login took $((SECONDS - started)) s"
check_eq "the login with the wrong secret fails" 1 "$rc"
check_contains "... saying authentication failed, for which target and path" \
	"authentication failed for target $LAB_TARGET3 at $PORTAL through vmk1" "$out"
check_eq "... and there is no session" 0 "$(chap_sessions)"

# ---- back to the sendtarget's ----------------------------------------------
check_eq "--inherit: the portal inherits again" "" \
	"$(esx iscsi adapter target portal auth chap set -A $A -a $PORTAL -n "$LAB_TARGET3" -d uni --inherit 2>&1)"
check_contains "portal get: inherited" "   Inheritance: true" \
	"$(esx iscsi adapter target portal auth chap get -A $A -a $PORTAL -n "$LAB_TARGET3" -d uni)"
out=$(timeout 170 "$ESXCLI" --socket="$DAEMON_SOCKET" iscsi session add -A $A -n "$LAB_TARGET3" 2>&1)
check_eq "the login works again" 0 "$?"
check_contains "... and says so" "Login to $LAB_TARGET3 at $PORTAL through vmk1: successful" "$out"
check_eq "one session to the CHAP target" 1 "$(chap_sessions)"

# ---- mutual CHAP: the array proves itself too ------------------------------
check "the CHAP target's session is logged out again" \
	esx iscsi session remove -A $A -n "$LAB_TARGET3"
out=$(esx_stdin "iscsi adapter auth chap set -A $A -d mutual -l required -N $LAB_CHAP_ARRAY_USER -S=$LAB_CHAP_ARRAY_SECRET" 2>&1)
check_contains "mutual CHAP on the adapter, whose uni CHAP is prohibited, is refused" \
	"needs unidirectional CHAP at level required, not prohibited" "$out"
check_no_secret "... and the refusal quotes no secret" "$out"
out=$(esx_stdin "iscsi adapter target portal auth chap set -A $A -a $PORTAL -n $LAB_TARGET3 -d mutual -l required -N $LAB_CHAP_ARRAY_USER -S=$LAB_CHAP_ARRAY_SECRET" 2>&1)
check_eq "mutual CHAP on the portal, over the uni CHAP required it inherits, is accepted" "" "$out"
check_contains "the record has username_in" \
	"node.session.auth.username_in = $LAB_CHAP_ARRAY_USER" "$(cat "$REC")"
out=$(timeout 170 "$ESXCLI" --socket="$DAEMON_SOCKET" iscsi session add -A $A -n "$LAB_TARGET3" 2>&1)
check_eq "the login with mutual CHAP works" 0 "$?"
check_contains "... and says so" "Login to $LAB_TARGET3 at $PORTAL through vmk1: successful" "$out"
check_eq "one session to the CHAP target" 1 "$(chap_sessions)"
check "... logged out once more" esx iscsi session remove -A $A -n "$LAB_TARGET3"
out=$(esx_stdin "iscsi adapter target portal auth chap set -A $A -a $PORTAL -n $LAB_TARGET3 -d mutual -S=$WRONG" 2>&1)
check_eq "a wrong secret for the array (-S alone keeps level and name)" "" "$out"
out=$(timeout 170 "$ESXCLI" --socket="$DAEMON_SOCKET" iscsi session add -A $A -n "$LAB_TARGET3" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
check_eq "an array that cannot prove itself: the login fails" 1 "$rc"
check_eq "... and there is no session" 0 "$(chap_sessions)"

# ---- a set whose records cannot be written changes nothing -----------------
# open-iscsi's lock held (as a hung iscsiadm would hold it): the set waits
# 15 s, fails, and the store and the records keep the old value.
store_before=$(md5sum </var/lib/esxclid/esx.conf)
rec_before=$(md5sum <"$REC")
get_before=$(esx iscsi adapter target portal auth chap get -A $A -a $PORTAL -n "$LAB_TARGET3" -d mutual)
mkdir -p /run/lock/iscsi && touch /run/lock/iscsi/lock && ln /run/lock/iscsi/lock /run/lock/iscsi/lock.write
out=$(esx_stdin "iscsi adapter target portal auth chap set -A $A -a $PORTAL -n $LAB_TARGET3 -d mutual -S=$LAB_CHAP_ARRAY_SECRET" 2>&1)
rc=$?
rm -f /run/lock/iscsi/lock.write
check_eq "with open-iscsi's lock held, the set fails" 1 "$rc"
check_contains "... saying nothing was changed" "Nothing was changed." "$out"
check_no_secret "... quoting no secret" "$out"
check_eq "chap get shows the old value" "$get_before" \
	"$(esx iscsi adapter target portal auth chap get -A $A -a $PORTAL -n "$LAB_TARGET3" -d mutual)"
store_back() { [ "$(md5sum </var/lib/esxclid/esx.conf)" = "$store_before" ]; }
check "the store is as it was" lab_wait_for 10 store_back
check_eq "the record is as it was" "$rec_before" "$(md5sum <"$REC")"

# ---- what the watcher and the files saw -----------------------------------
rm -f "$WORK/watching"
wait "$WATCHER"
check "the watcher went round at least 10 times" \
	test "$(cat "$WORK/rounds" 2>/dev/null || echo 0)" -ge 10
echo "# the watcher read every command line $(cat "$WORK/rounds" 2>/dev/null) times"
if [ -s "$WORK/hits" ]; then
	fail "no process ever had a secret on its command line" "$(cat "$WORK/hits")"
else
	ok "no process ever had a secret on its command line"
fi
check_no_secret "the daemon's log holds no secret" "$(cat "$DAEMON_LOG")"
check_contains "... though it logged the changes, -S redacted" "-S=***" "$(cat "$DAEMON_LOG")"
check_eq "the store is 0600" 600 "$(stat -c %a /var/lib/esxclid/esx.conf)"

rm -rf "$WORK"
finish
