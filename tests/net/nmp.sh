#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `esxcli storage nmp psp|satp` against a real esxclid: the catalog lists,
# SATP rules added, listed (system and user) and removed, `satp set`, and
# the store's nmp section after each change. Every refusal (a duplicate, a
# hostile vendor, ESXi's exclusivity rules) leaves the state file byte for
# byte, and the daemon keeps serving. Nothing here touches dm-multipath.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/net/kernel_state.sh
. "$(dirname "$0")/kernel_state.sh"

net_require

NS=esxt-nmp-$$
net_setup_ns "$NS"
start_daemon "$NS"
STATE=$TEST_TMP/state/esx.conf

run() {
	local text=$1 out

	shift
	out=$(esx "$@" 2>&1)
	check_eq "$text: exits 0 and prints nothing" "0:" "$?:$out"
}

# applied TEXT ARGS...: a change that rewrites the drop-in; with no
# multipathd to tell, the reply says when it applies.
applied() {
	local text=$1 out

	shift
	out=$(esx "$@" 2>&1)
	check_eq "$text: exits 0, saying multipathd is not running" \
		"0:multipathd is not running: the settings apply when it starts" "$?:$out"
}

# store EXPR: EXPR (Python) over the state file's "nmp" section as n
# (None when the section is absent).
store() {
	pyq "(lambda n: $1)(d.get('nmp'))" <"$STATE"
}

# rules ARGS...: `satp rule list ARGS` as "Name|Vendor|Model|RuleGroup|DefaultPSP|PSPOptions"
# lines.
rules() {
	esx --formatter=json storage nmp satp rule list "$@" |
		pyq '["|".join(r[k] for k in ("Name", "Vendor", "Model", "RuleGroup", "DefaultPSP", "PSPOptions")) for r in d["result"]]'
}

SYSTEM_RULES="VMW_SATP_ALUA|PURE|FlashArray|system|VMW_PSP_RR|iops=1
VMW_SATP_ALUA|||system||
VMW_SATP_DEFAULT_AA|||system||"

# ---- the catalog ----

check_eq "psp list: ESXi's three PSPs" \
	"Name           Description
-------------  -----------
VMW_PSP_MRU    Most Recently Used Path Selection
VMW_PSP_RR     Round Robin Path Selection
VMW_PSP_FIXED  Fixed Path Selection" "$(esx storage nmp psp list 2>&1)"
check_eq "satp list: header and ALUA with MRU" \
	"Name                 Default PSP    Description
-------------------  -------------  -----------
VMW_SATP_ALUA        VMW_PSP_MRU    Supports non-specific arrays that use the ALUA protocol" \
	"$(esx storage nmp satp list 2>&1 | grep -E '^(Name|---|VMW_SATP_ALUA )')"
check_eq "satp list: DEFAULT_AA defaults to FIXED" "VMW_PSP_FIXED" \
	"$(list_field VMW_SATP_DEFAULT_AA DefaultPSP storage nmp satp list)"
check_eq "rule list: the system rules alone at first" "$SYSTEM_RULES" "$(rules)"
check_eq "rule list: ESXi's wide header" \
	"Name Device Vendor Model Driver Transport Options Rule Group Claim Options Default PSP PSP Options Description" \
	"$(esx storage nmp satp rule list | head -1 | sed 's/  */ /g')"
check_eq "nothing stored yet" "" "$([ -f "$STATE" ] && store 'n')"

# ---- rule add ----

check "no drop-in before the first change" test ! -e "$DAEMON_DROPIN"
applied "rule add -s ALUA -V LIO-ORG -M TCMU -P RR -O iops=1 -e" storage nmp satp rule add \
	-s VMW_SATP_ALUA -V LIO-ORG -M TCMU -P VMW_PSP_RR -O iops=1 -e "Lab target rule"
check_eq "the drop-in has the rule as a devices entry, vendor and model anchored" \
	"	# user rule: VMW_SATP_ALUA, Lab target rule
	device {
		vendor \"^LIO-ORG\$\"
		product \"^TCMU\$\"
		hardware_handler \"1 alua\"
		prio alua
		path_grouping_policy group_by_prio
		path_selector \"round-robin 0\"
		rr_min_io_rq 1
		failback immediate
	}" "$(sed -n '/# user rule/,/^\t}/p' "$DAEMON_DROPIN")"
check_eq "the drop-in is world-readable, owned by root" "644 root" \
	"$(stat -c '%a %U' "$DAEMON_DROPIN")"
DROPIN_BEFORE=$(stat -c '%i %Y' "$DAEMON_DROPIN")
check_eq "the store holds the rule, every given field and nothing else" \
	"[{'satp': 'VMW_SATP_ALUA', 'vendor': 'LIO-ORG', 'model': 'TCMU', 'psp': 'VMW_PSP_RR', 'psp_options': 'iops=1', 'description': 'Lab target rule'}]" \
	"$(store "repr(n['rules'])")"
check_eq "rule list: system rules, then the user rule in its SATP's group" \
	"VMW_SATP_ALUA|PURE|FlashArray|system|VMW_PSP_RR|iops=1
VMW_SATP_ALUA|||system||
VMW_SATP_ALUA|LIO-ORG|TCMU|user|VMW_PSP_RR|iops=1
VMW_SATP_DEFAULT_AA|||system||" "$(rules)"
check_eq "the user rule's description" "Lab target rule" \
	"$(esx --formatter=json storage nmp satp rule list | pyq '[r["Description"] for r in d["result"] if r["RuleGroup"] == "user"]')"
# A transport rule has no devices form: the drop-in's text stays, so it is
# not rewritten (same inode and time) and multipathd is not asked again
# (run: no message).
run "rule add -s DEFAULT_AA -R iscsi -c tpgs_off -b -f" storage nmp satp rule add \
	-s VMW_SATP_DEFAULT_AA -R iscsi -c tpgs_off -b -f
check_eq "rule list -s VMW_SATP_DEFAULT_AA: its system and user rule only" \
	"VMW_SATP_DEFAULT_AA|||system||
VMW_SATP_DEFAULT_AA|||user||" "$(rules -s VMW_SATP_DEFAULT_AA)"
check_eq "the transport rule is stored with its claim option" "iscsi tpgs_off" \
	"$(store "n['rules'][1]['transport'] + ' ' + n['rules'][1]['claim_options']")"
run "rule add -s ALUA -d naa... -t device" storage nmp satp rule add -s VMW_SATP_ALUA \
	-d naa.6001405abcdef0123456789abcdef012 -t device
check_eq "rules without a vendor or model leave the drop-in as it was (not rewritten)" \
	"$DROPIN_BEFORE" "$(stat -c '%i %Y' "$DAEMON_DROPIN")"
check_eq "three user rules stored, in the order added" "LIO-ORG iscsi naa.6001405abcdef0123456789abcdef012" \
	"$(store "' '.join(r.get('vendor') or r.get('transport') or r.get('device') for r in n['rules'])")"

refused "a duplicate rule" \
	"Duplicate user rule found for SATP VMW_SATP_ALUA matching vendor LIO-ORG model TCMU" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V LIO-ORG -M TCMU -P VMW_PSP_RR -O iops=1 \
	-e "another description"
refused "a vendor with a double quote" "Vendor contains a character that is not allowed" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V 'EV"IL' -M X
refused "a vendor with a newline" "Vendor contains a character that is not allowed" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V $'A\nB' -M X
refused "a long vendor that would open a new section" \
	"Vendor contains a character that is not allowed" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V $'A"\n}\ndefaults {' -M X
refused "a model with a backslash" "Model contains a character that is not allowed" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V A -M 'X\'
refused "a vendor longer than 8 characters" "Vendor 'VENDOR123' is longer than 8 characters" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V VENDOR123
refused "a description with a newline" "Description contains a character that is not allowed" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V A -e $'x\ny'
refused "vendor with driver" "Vendor/model and driver are mutually exclusive" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V A -D iscsi_tcp
refused "device with model" "A device rule cannot also name a vendor, model or driver" \
	storage nmp satp rule add -s VMW_SATP_ALUA -M X -d naa.6001405abcdef0123456789abcdef012
refused "a rule that matches nothing" "A rule must match on at least one of" \
	storage nmp satp rule add -s VMW_SATP_ALUA -P VMW_PSP_RR
refused "PSP options without a PSP" "PSP options need a PSP (-P|--psp)" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V A -O iops=1
refused "a bytes limit" "Limit type bytes is not supported" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V A -P VMW_PSP_RR -O bytes=100
refused "an unknown SATP" "Invalid SATP name: VMW_SATP_FOO" \
	storage nmp satp rule add -s VMW_SATP_FOO -V A
refused "an unknown PSP" "Invalid PSP name: VMW_PSP_FOO" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V A -P VMW_PSP_FOO
refused "an unknown transport" "'tcp' is not a valid transport" \
	storage nmp satp rule add -s VMW_SATP_ALUA -R tcp
refused "-t that disagrees with the options" "Claim type driver does not match" \
	storage nmp satp rule add -s VMW_SATP_ALUA -V A -t driver
refused "a missing -s" "Missing required parameter -s|--satp" \
	storage nmp satp rule add -V A
check "the daemon still runs after the refusals" kill -0 "$DAEMON_PID"
check "and still answers" esx storage nmp psp list

# ---- rule remove ----

refused "removing a rule that does not exist" \
	"No user rule found for SATP VMW_SATP_ALUA matching vendor LIO-ORG model TCMU" \
	storage nmp satp rule remove -s VMW_SATP_ALUA -V LIO-ORG -M TCMU
refused "removing a system rule" "No user rule found for SATP VMW_SATP_ALUA matching vendor PURE" \
	storage nmp satp rule remove -s VMW_SATP_ALUA -V PURE -M FlashArray -P VMW_PSP_RR -O iops=1
refused "removing with a description that differs" "No user rule found" \
	storage nmp satp rule remove -s VMW_SATP_ALUA -V LIO-ORG -M TCMU -P VMW_PSP_RR -O iops=1 \
	-e other
applied "rule remove with the options it was added with" storage nmp satp rule remove \
	-s VMW_SATP_ALUA -V LIO-ORG -M TCMU -P VMW_PSP_RR -O iops=1
check_eq "the drop-in no longer has the rule" "" "$(grep -F 'LIO-ORG' "$DAEMON_DROPIN")"
check_eq "the store keeps the other two" "iscsi naa.6001405abcdef0123456789abcdef012" \
	"$(store "' '.join(r.get('vendor') or r.get('transport') or r.get('device') for r in n['rules'])")"
check_not_contains "rule list no longer shows it" "LIO-ORG" "$(rules)"

# ---- satp set ----

out=$(esx storage nmp satp set -s VMW_SATP_DEFAULT_AA -P VMW_PSP_RR 2>&1)
check_eq "satp set prints ESXi's message" "0:Default PSP for VMW_SATP_DEFAULT_AA is now VMW_PSP_RR" \
	"$?:$out"
check_eq "satp list shows the new default" "VMW_PSP_RR" \
	"$(list_field VMW_SATP_DEFAULT_AA DefaultPSP storage nmp satp list)"
check_eq "the store holds it" "[{'satp': 'VMW_SATP_DEFAULT_AA', 'psp': 'VMW_PSP_RR'}]" \
	"$(store "repr(n['satp_defaults'])")"
check "satp set -b is accepted" esx storage nmp satp set -s VMW_SATP_ALUA -P VMW_PSP_RR -b
refused "satp set with an unknown PSP" "Invalid PSP name: RR" \
	storage nmp satp set -s VMW_SATP_ALUA -P RR
refused "satp set of an unknown SATP" "Invalid SATP name: VMW_SATP_X" \
	storage nmp satp set -s VMW_SATP_X -P VMW_PSP_RR

# ---- kept across a restart ----

restart_daemon "$NS"
check_eq "after a restart: the user rules" "VMW_SATP_ALUA|||user||
VMW_SATP_DEFAULT_AA|||user||" "$(rules | grep '|user|')"
check_eq "after a restart: the SATP defaults" "VMW_PSP_RR VMW_PSP_RR" \
	"$(list_field VMW_SATP_ALUA DefaultPSP storage nmp satp list) $(list_field VMW_SATP_DEFAULT_AA DefaultPSP storage nmp satp list)"

# ---- back to nothing ----

check "satp set ALUA back to MRU" esx storage nmp satp set -s VMW_SATP_ALUA -P VMW_PSP_MRU
check "satp set DEFAULT_AA back to FIXED" esx storage nmp satp set -s VMW_SATP_DEFAULT_AA \
	-P VMW_PSP_FIXED
run "remove the transport rule" storage nmp satp rule remove -s VMW_SATP_DEFAULT_AA -R iscsi \
	-c tpgs_off
run "remove the device rule" storage nmp satp rule remove -s VMW_SATP_ALUA \
	-d naa.6001405abcdef0123456789abcdef012
check_eq "an empty nmp section leaves the store" "None" "$(store 'repr(n)')"
check_eq "rule list: the system rules again" "$SYSTEM_RULES" "$(rules)"

finish_kernel_test
