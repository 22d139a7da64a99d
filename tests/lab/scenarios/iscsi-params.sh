#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ESXi's iSCSI parameters at adapter, sendtarget and target-portal level,
# asserted on what open-iscsi's node records and the kernel's routes hold:
#  - a rescan gives every record the adapter owns ESXi's values (LoginTimeout
#    5, not iscsid.conf's 15);
#  - LoginTimeout 30 on the sendtarget reaches every record it discovered and
#    not the static target's; it survives two rediscoveries (one of which
#    re-creates a deleted record: the new record gets 30 too) and a rescan;
#    --inherit brings the adapter's 5 back; param get shows Current and
#    Inherit at both levels;
#  - DelayedAck false at the adapter puts quickack on the bound vmks'
#    routes (ip route show table N), true takes it off;
#  - NoopOutTimeout 20 on one target portal reaches that target's records
#    only;
#  - bad input is refused and changes neither the records nor the store.

. "$(dirname "$0")/../lib.sh"

lab_require_nics 2

A=vmhba64
SUBNET=10.10.1
ST=$LAB_PORTAL1:3260
STATIC=$LAB_PORTAL2:3260
T1=$LAB_TARGET1
T2=$LAB_TARGET2
LOGIN=node.conn[0].timeo.login_timeout
NOOP=node.conn[0].timeo.noop_out_timeout

lab_start_daemon

# rec_val TARGET PORTAL IFACE KEY: what the node record holds for KEY.
rec_val() {
	iscsiadm -m node -T "$1" -p "$2" -I "$3" -o show 2>/dev/null |
		awk -F ' = ' -v k="$4" '$1 == k { print $2 }'
}

# every_val KEY: "target portal iface=value" for every node record, sorted
# (one iscsiadm for all: each run costs a lot under emulation).
every_val() {
	iscsiadm -m node -o show 2>/dev/null | awk -F ' = ' -v k="$1" '
		$1 == "node.name" { n = $2; sub(/.*:/, "", n) }
		$1 == "iface.iscsi_ifacename" { i = $2 }
		$1 == "node.conn[0].address" { a = $2 }
		$1 == "node.conn[0].port" { p = $2 }
		$1 == k { v = $2 }
		/^# END RECORD/ { print n, a ":" p, i "=" v; n = i = a = p = v = "" }' | LC_ALL=C sort
}

# param_row LEVEL-ARGS... KEY: "Current Inherit" of KEY in param get.
param_row() {
	local key=${*: -1}

	esx iscsi "${@:1:$#-1}" | awk -v k="$key" '$1 == k { print $2, $NF }'
}

# ---- the network: two vmks, each pinned to one uplink, a gateway to the
# array's second subnet ----------------------------------------------------
lab_pinned_vmks "-g $LAB_PORTAL1"
lab_esx_each iscsi "software set --enabled true" \
	"networkportal add -A $A -n vmk1" \
	"networkportal add -A $A -n vmk2" \
	"adapter discovery sendtarget add -A $A -a $ST" \
	"adapter discovery statictarget add -A $A -a $STATIC -n $T1"

# ---- before any record: the adapter's table -------------------------------
out=$(esx iscsi adapter param get -A $A)
check_eq "param get lists ESXi's 19 parameters" 21 "$(wc -l <<<"$out")"
check_contains "with ESXi's header" \
	"Name                  Current     Default     Min  Max       Settable  Inherit" "$out"
check_eq "in ESXi's row order" \
	"ErrorRecoveryLevel InitialLoginRetryMax InitialR2T FirstBurstLength MaxBurstLength MaxRecvDataSegment MaxOutstandingR2T MaxCmds ImmediateData DefaultTime2Retain DefaultTime2Wait LoginTimeout LogoutTimeout NoopOutInterval NoopOutTimeout RecoveryTimeout DelayedAck HeaderDigest DataDigest" \
	"$(tail -n +3 <<<"$out" | awk '{ print $1 }' | xargs)"
check_eq "LoginTimeout: 5, default 5, 1..60, settable, not inherited" \
	"LoginTimeout 5 5 1 60 true false" "$(awk '$1 == "LoginTimeout"' <<<"$out" | xargs)"
check_eq "DelayedAck: na limits" "DelayedAck true true na na true false" \
	"$(awk '$1 == "DelayedAck"' <<<"$out" | xargs)"
check_eq "HeaderDigest: prohibited" "HeaderDigest prohibited prohibited na na true false" \
	"$(awk '$1 == "HeaderDigest"' <<<"$out" | xargs)"

# ---- the rescan: every owned record gets ESXi's values --------------------
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
check_eq "the rescan succeeds" 0 "$?"
echo "$out" | sed 's/^/# /'
check_eq "6 sessions: 2 vmks x (2 discovered + 1 static)" 6 \
	"$(iscsiadm -m session 2>/dev/null | wc -l)"
check_eq "every record has ESXi's LoginTimeout 5 (iscsid.conf says 15)" \
	"$(printf '%s\n' "array1 $ST vmk1=5" "array1 $ST vmk2=5" "array1 $STATIC vmk1=5" \
		"array1 $STATIC vmk2=5" "array2 $ST vmk1=5" "array2 $ST vmk2=5")" \
	"$(every_val "$LOGIN")"
check_eq "... and NoopOutTimeout 10" 6 "$(every_val "$NOOP" | grep -c '=10$')"
check_eq "RecoveryTimeout 10 in node.session.timeo.replacement_timeout" 10 \
	"$(rec_val "$T1" "$ST" vmk1 node.session.timeo.replacement_timeout)"
check_eq "MaxRecvDataSegment 65536" 65536 \
	"$(rec_val "$T1" "$ST" vmk1 'node.conn[0].iscsi.MaxRecvDataSegmentLength')"
check_eq "a parameter esxcli cannot set shows the records' value (iscsid.conf's 8)" \
	"8 false" "$(param_row adapter param get -A $A InitialLoginRetryMax)"

# ---- LoginTimeout 30 on the sendtarget ------------------------------------
check_eq "sendtarget param set prints nothing" "" \
	"$(esx iscsi adapter discovery sendtarget param set -A $A -a $ST -k LoginTimeout -v 30 2>&1)"
expect30=$(printf '%s\n' "array1 $ST vmk1=30" "array1 $ST vmk2=30" "array1 $STATIC vmk1=5" \
	"array1 $STATIC vmk2=5" "array2 $ST vmk1=30" "array2 $ST vmk2=30")
check_eq "the sendtarget's records have 30, the static target's 5" "$expect30" \
	"$(every_val "$LOGIN")"
check_eq "sendtarget param get: Current 30, not inherited" "30 false" \
	"$(param_row adapter discovery sendtarget param get -A $A -a $ST LoginTimeout)"
check_eq "... NoopOutTimeout inherited" "10 true" \
	"$(param_row adapter discovery sendtarget param get -A $A -a $ST NoopOutTimeout)"
check_eq "the adapter keeps 5" "5 false" "$(param_row adapter param get -A $A LoginTimeout)"
check_eq "the static target's portal inherits the adapter's 5" "5 true" \
	"$(param_row adapter target portal param get -A $A -a $STATIC -n "$T1" LoginTimeout)"
check_eq "a discovered portal inherits the sendtarget's 30" "30 true" \
	"$(param_row adapter target portal param get -A $A -a $ST -n "$T2" LoginTimeout)"

# Two rediscoveries; before the second, one record is deleted (it comes back
# from iscsid.conf, 15) and must get 30 again.
rediscovered() {
	esx iscsi adapter discovery status get -A $A | grep -q 'Discovery In Progress: false'
}
rediscover() {
	check_eq "rediscovery $1 starts" "Rediscovery started" \
		"$(esx iscsi adapter discovery rediscover -A $A 2>&1)"
	check "rediscovery $1 ends" lab_wait_for 60 rediscovered
}
rediscover 1
check_eq "after a rediscovery the values stay" "$expect30" "$(every_val "$LOGIN")"
iscsiadm -m node -T "$T2" -p "$ST" -I vmk2 -u >/dev/null 2>&1
check "a record of array2 through vmk2 is deleted" \
	iscsiadm -m node -T "$T2" -p "$ST" -I vmk2 -o delete
rediscover 2
back30() { [ "$(rec_val "$T2" "$ST" vmk2 "$LOGIN")" = 30 ]; }
check "the re-discovered record gets the sendtarget's 30" lab_wait_for 15 back30
check_eq "... and the others keep theirs" "$expect30" "$(every_val "$LOGIN")"
out=$(timeout 150 "$ESXCLI" --socket="$DAEMON_SOCKET" storage core adapter rescan -A $A 2>&1)
check_eq "a rescan succeeds" 0 "$?"
check_eq "after the rescan the values stay" "$expect30" "$(every_val "$LOGIN")"
check_eq "6 sessions again" 6 "$(iscsiadm -m session 2>/dev/null | wc -l)"

# ---- --inherit ------------------------------------------------------------
check_eq "--inherit at the sendtarget prints nothing" "" \
	"$(esx iscsi adapter discovery sendtarget param set -A $A -a $ST -k LoginTimeout --inherit 2>&1)"
check_eq "every record has the adapter's 5 again" 6 "$(every_val "$LOGIN" | grep -c '=5$')"
check_eq "sendtarget param get: 5, inherited" "5 true" \
	"$(param_row adapter discovery sendtarget param get -A $A -a $ST LoginTimeout)"
check_eq "adapter param get: 5, not inherited" "5 false" \
	"$(param_row adapter param get -A $A LoginTimeout)"

# ---- DelayedAck: quickack on the bound vmks' routes ------------------------
# vmk_table ADDRESS: the table of the rule "from ADDRESS lookup N".
vmk_table() {
	ip rule show | awk -v a="$1" '
		$3 == a { for (i = 4; i < NF; i++) if ($i == "lookup") { print $(i + 1); exit } }'
}
table1=$(vmk_table "$SUBNET.11")
table2=$(vmk_table "$SUBNET.12")
check "vmk1 and vmk2 have tables" test -n "$table1" -a -n "$table2"
check_not_contains "no quickack while DelayedAck is on" "quickack" \
	"$(ip route show table "$table1")"
check_eq "DelayedAck false at the adapter" "" \
	"$(esx iscsi adapter param set -A $A -k DelayedAck -v false 2>&1)"
for t in "$table1" "$table2"; do
	routes=$(ip route show table "$t")
	echo "$routes" | sed 's/^/# table '"$t"': /'
	check_contains "table $t: the subnet route has quickack 1" \
		"$SUBNET.0/24 dev vmk" "$(grep 'quickack 1' <<<"$routes")"
	check_contains "table $t: the gateway route has quickack 1" \
		"default via $LAB_PORTAL1" "$(grep 'quickack 1' <<<"$routes")"
done
check_eq "param get shows DelayedAck false" "false false" \
	"$(param_row adapter param get -A $A DelayedAck)"
check_eq "the records are untouched by DelayedAck" 6 "$(every_val "$LOGIN" | grep -c '=5$')"
check_eq "DelayedAck true again" "" \
	"$(esx iscsi adapter param set -A $A -k DelayedAck -v true 2>&1)"
check_not_contains "quickack is gone from vmk1's table" "quickack" \
	"$(ip route show table "$table1")"
check_not_contains "... and from vmk2's" "quickack" "$(ip route show table "$table2")"

# ---- one target portal ----------------------------------------------------
check_eq "NoopOutTimeout 20 on array1's portal $ST" "" \
	"$(esx iscsi adapter target portal param set -A $A -a $ST -n "$T1" -k NoopOutTimeout -v 20 2>&1)"
check_eq "only array1's records at $ST have 20" \
	"$(printf '%s\n' "array1 $ST vmk1=20" "array1 $ST vmk2=20" "array1 $STATIC vmk1=10" \
		"array1 $STATIC vmk2=10" "array2 $ST vmk1=10" "array2 $ST vmk2=10")" \
	"$(every_val "$NOOP")"
check_eq "portal param get: 20, not inherited" "20 false" \
	"$(param_row adapter target portal param get -A $A -a $ST -n "$T1" NoopOutTimeout)"
check_eq "... LoginTimeout inherited" "5 true" \
	"$(param_row adapter target portal param get -A $A -a $ST -n "$T1" LoginTimeout)"
check_eq "-D at the portal sets the default at that level" "" \
	"$(esx iscsi adapter target portal param set -A $A -a $ST -n "$T1" -k NoopOutTimeout -D 2>&1)"
check_eq "... 10, not inherited" "10 false" \
	"$(param_row adapter target portal param get -A $A -a $ST -n "$T1" NoopOutTimeout)"
check_eq "... in the records too" 6 "$(every_val "$NOOP" | grep -c '=10$')"

# ---- bad input changes nothing ---------------------------------------------
esx iscsi adapter target portal param set -A $A -a $ST -n "$T1" -k NoopOutTimeout -v 20 >/dev/null
before_login=$(every_val "$LOGIN")
before_noop=$(every_val "$NOOP")
before_get=$(esx iscsi adapter param get -A $A)
refused() {
	local text=$1 expect=$2 out rc

	shift 2
	out=$(esx iscsi "$@" 2>&1)
	rc=$?
	check_eq "$text: refused" 1 "$rc"
	check_contains "$text: says why" "$expect" "$out"
}
refused "LoginTimeout 61" "Invalid value '61' for LoginTimeout: must be a number between 1 and 60" \
	adapter param set -A $A -k LoginTimeout -v 61
refused "an unknown key" "Invalid key 'LoginTimeOuts'" \
	adapter param set -A $A -k LoginTimeOuts -v 30
refused "MaxCmds" "The iSCSI parameter MaxCmds is not settable" \
	adapter param set -A $A -k MaxCmds -v 64
refused "--inherit at the adapter" "Invalid option --inherit" \
	adapter param set -A $A -k LoginTimeout --inherit
refused "-v with -D" "Give either --value or --default, not both" \
	adapter param set -A $A -k LoginTimeout -v 30 -D
refused "none of -v, -D, --inherit" "Give --value, --default or --inherit" \
	adapter discovery sendtarget param set -A $A -a $ST -k LoginTimeout
refused "a digest that is not one" "must be one of prohibited, discouraged, preferred, required" \
	adapter discovery sendtarget param set -A $A -a $ST -k HeaderDigest -v crc32c
refused "an unknown sendtarget" "Unable to find sendtarget 10.10.1.99:3260 on $A" \
	adapter discovery sendtarget param set -A $A -a 10.10.1.99 -k LoginTimeout -v 30
refused "an unknown target portal" "Unable to find target portal $STATIC of $T2" \
	adapter target portal param set -A $A -a $STATIC -n "$T2" -k LoginTimeout -v 30
check_eq "the records' LoginTimeout is unchanged" "$before_login" "$(every_val "$LOGIN")"
check_eq "... and their NoopOutTimeout" "$before_noop" "$(every_val "$NOOP")"
check_eq "the adapter's parameters are unchanged" "$before_get" \
	"$(esx iscsi adapter param get -A $A)"

# ---- the store survives a restart ------------------------------------------
lab_restart_daemon
check_eq "after a restart the portal keeps NoopOutTimeout 20" "20 false" \
	"$(param_row adapter target portal param get -A $A -a $ST -n "$T1" NoopOutTimeout)"
check_eq "and the records theirs" "$before_noop" "$(every_val "$NOOP")"

finish
