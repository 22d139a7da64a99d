#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `esxcli network vswitch standard` against the real kernel: vSwitches,
# uplinks, failover policy, portgroups and their overrides. A vSwitch is
# nothing in the kernel but its uplinks' MTU (applied, and each NIC's own put
# back when it leaves); a failover order decides which uplink a vmk's macvlan
# sits on. Every refusal leaves the state file byte for byte and the kernel
# as they were; at the end the kernel is exactly as before the first command.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/net/kernel_state.sh
. "$(dirname "$0")/kernel_state.sh"

net_require

NS=esxt-vsw-$$
SW=esxt-vssw-$$
net_setup_ns "$NS"
net_setup_ns "$SW"

# add_nic NAME MTU: a veth NIC in $NS, up, whose peer p<NAME> is up in $SW.
add_nic() {
	ip -n "$NS" link add "$1" mtu "$2" type veth peer name "p$1" netns "$SW" ||
		{ echo "Bail out! cannot create veth $1"; exit 99; }
	ip -n "$NS" link set "$1" up
	ip -n "$SW" link set "p$1" up
}
# MTUs no vSwitch uses, so that restoring them cannot pass for a default.
add_nic vmnic1 1500
add_nic vmnic2 1400
add_nic vmnic3 1450
add_nic vmnic4 1500
# vmnic4 is a port of a bridge: the bridge gets its traffic, a macvlan on it
# would get none.
ip -n "$NS" link add br0 type bridge || { echo "Bail out! cannot create a bridge"; exit 99; }
ip -n "$NS" link set vmnic4 master br0

start_daemon "$NS"
STATE=$TEST_TMP/state/esx.conf
pristine=$(snapshot)

mtu_of() {
	link_field "$1" 'l["mtu"]'
}

vs_field() {
	list_field "$1" "$2" network vswitch standard list
}

# policy_of -v VS | -p PG: "Active|Standby|Unused" of the effective policy.
policy_of() {
	local what=

	[ "$1" = -p ] && what=portgroup
	# shellcheck disable=SC2086
	esx --formatter=json network vswitch standard $what policy failover get "$@" |
		pyq '"|".join(", ".join(d["result"][k]) for k in ("ActiveAdapters", "StandbyAdapters", "UnusedAdapters"))'
}

run() {
	local text=$1 out

	shift
	out=$(esx "$@" 2>&1)
	check_eq "$text: exits 0 and prints nothing" "0:" "$?:$out"
}

# ---- vSwitches ----

check_eq "no vSwitch at first" "" "$(esx network vswitch standard list 2>&1)"
run "vswitch add -v vSwitch1" network vswitch standard add -v vSwitch1
check_eq "vSwitch1 has ESXi's defaults" \
	"cswitch 128 0 128 1500 listen False 1 3" \
	"$(for k in Class NumPorts UsedPorts ConfiguredPorts MTU CDPStatus BeaconEnabled BeaconInterval BeaconThreshold; do
		vs_field vSwitch1 $k; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "a vSwitch is nothing in the kernel" "$pristine" "$(snapshot)"
run "vswitch add -v vSwitch2 -P 256" network vswitch standard add -v vSwitch2 -P 256
check_eq "-P sets Num Ports and Configured Ports" "256 256" \
	"$(vs_field vSwitch2 NumPorts) $(vs_field vSwitch2 ConfiguredPorts)"
check_eq "list -v shows one vSwitch" vSwitch2 \
	"$(esx --formatter=json network vswitch standard list -v vSwitch2 | pyq '[r["Name"] for r in d["result"]]')"
refused "a vSwitch name that exists" "A portset with this name already exists" \
	network vswitch standard add -v vSwitch1
refused "a vSwitch name with a comma" "Invalid vSwitch name 'a,b'" \
	network vswitch standard add -v a,b
refused "an unknown vSwitch" "Unable to find vSwitch vSwitch9" \
	network vswitch standard set -v vSwitch9 -m 9000

# ---- uplinks and their MTU ----

run "uplink add -u vmnic1" network vswitch standard uplink add -u vmnic1 -v vSwitch1
check_eq "vSwitch1 lists vmnic1, one used port" "vmnic1 1" \
	"$(vs_field vSwitch1 Uplinks) $(vs_field vSwitch1 UsedPorts)"
check_eq "a new uplink is active" "vmnic1||" "$(policy_of -v vSwitch1)"
run "set -m 9000" network vswitch standard set -v vSwitch1 -m 9000
check_eq "vSwitch1 shows MTU 9000" 9000 "$(vs_field vSwitch1 MTU)"
check_eq "vmnic1 has MTU 9000 in the kernel" 9000 "$(mtu_of vmnic1)"
run "uplink add -u vmnic2" network vswitch standard uplink add -u vmnic2 -v vSwitch1
check_eq "vmnic2 (1400 of its own) takes the vSwitch's 9000" 9000 "$(mtu_of vmnic2)"
check_eq "vmnic2 is active after vmnic1" "vmnic1, vmnic2||" "$(policy_of -v vSwitch1)"
run "uplink remove -u vmnic2" network vswitch standard uplink remove -u vmnic2 -v vSwitch1
check_eq "vmnic2 has its own MTU 1400 back" 1400 "$(mtu_of vmnic2)"
check_eq "vSwitch1 lists vmnic1 alone" vmnic1 "$(vs_field vSwitch1 Uplinks)"
check_eq "the policy forgets vmnic2" "vmnic1||" "$(policy_of -v vSwitch1)"
before=$(snapshot)
run "set -c both" network vswitch standard set -v vSwitch1 -c both
check_eq "CDP Status is both" both "$(vs_field vSwitch1 CDPStatus)"
check_eq "the CDP status changes nothing in the kernel" "$before" "$(snapshot)"

refused "an uplink already on the vSwitch" "Uplink already exists: vmnic1" \
	network vswitch standard uplink add -u vmnic1 -v vSwitch1
refused "an uplink of another vSwitch" \
	"Uplink vmnic1 is already used by vSwitch vSwitch1: an uplink belongs to one vSwitch" \
	network vswitch standard uplink add -u vmnic1 -v vSwitch2
refused "a NIC that does not exist" "Unable to find NIC vmnic8" \
	network vswitch standard uplink add -u vmnic8 -v vSwitch1
refused "the loopback" "lo is not a NIC" \
	network vswitch standard uplink add -u lo -v vSwitch1
refused "a port of a bridge" "Uplink vmnic4 is a port of br0: add br0 as the uplink instead" \
	network vswitch standard uplink add -u vmnic4 -v vSwitch1
refused "removing a NIC that is not an uplink" "No such uplink: vmnic3" \
	network vswitch standard uplink remove -u vmnic3 -v vSwitch1

# ---- vSwitch failover policy ----

run "uplink add -u vmnic2 again" network vswitch standard uplink add -u vmnic2 -v vSwitch1
run "uplink add -u vmnic3" network vswitch standard uplink add -u vmnic3 -v vSwitch1
check_eq "every uplink of vSwitch1 has its MTU, 9000" "9000 9000 9000" \
	"$(mtu_of vmnic1) $(mtu_of vmnic2) $(mtu_of vmnic3)"
run "policy failover set -a -s -l -b -n" network vswitch standard policy failover set \
	-v vSwitch1 -a vmnic2,vmnic1 -s vmnic3 -l explicit -b false -n false
check_eq "policy failover get shows the order" "vmnic2, vmnic1|vmnic3|" "$(policy_of -v vSwitch1)"
check_eq "and the other settings" "explicit link False False" \
	"$(for k in LoadBalancing NetworkFailureDetection NotifySwitches Failback; do
		struct_field $k network vswitch standard policy failover get -v vSwitch1; done | tr '\n' ' ' | sed 's/ $//')"
run "-s vmnic1 alone moves it from active to standby" network vswitch standard policy failover set \
	-v vSwitch1 -s vmnic1
check_eq "the active list keeps the rest" "vmnic2|vmnic1|vmnic3" "$(policy_of -v vSwitch1)"
out=$(esx network vswitch standard policy failover set -v vSwitch1 -f beacon 2>&1)
check_eq "-f beacon exits 0" 0 "$?"
check_contains "-f beacon says beacon probing is not implemented" \
	"Beacon probing is not implemented by esxcli-linux" "$out"
check_eq "list: no beacons are sent, vSwitch1 asked for them" "False vSwitch1" \
	"$(vs_field vSwitch1 BeaconEnabled) $(vs_field vSwitch1 BeaconRequiredBy)"
run "policy failover set -f link -l portid -b true -n true -a vmnic1,vmnic2 -s ''" \
	network vswitch standard policy failover set -v vSwitch1 -f link -l portid -b true -n true \
	-a vmnic1,vmnic2 -s ""
check_eq "back to ESXi's defaults, vmnic3 unused" "vmnic1, vmnic2||vmnic3 srcport" \
	"$(policy_of -v vSwitch1) $(struct_field LoadBalancing network vswitch standard policy failover get -v vSwitch1)"
refused "an active uplink not on the vSwitch" "Uplink vmnic4 is not on vSwitch vSwitch1" \
	network vswitch standard policy failover set -v vSwitch1 -a vmnic4
refused "an uplink both active and standby" "Uplink vmnic1 cannot be both active and standby" \
	network vswitch standard policy failover set -v vSwitch1 -a vmnic1 -s vmnic1
refused "an uplink listed twice" "Uplink vmnic1 is listed twice" \
	network vswitch standard policy failover set -v vSwitch1 -a vmnic1,vmnic1
refused "an empty uplink name" "Invalid uplink list 'vmnic1,,vmnic2': an uplink name is empty" \
	network vswitch standard policy failover set -v vSwitch1 -a vmnic1,,vmnic2

# ---- portgroups ----

run "portgroup add -p pgA" network vswitch standard portgroup add -p pgA -v vSwitch1
run "portgroup add -p pgB" network vswitch standard portgroup add -p pgB -v vSwitch1
check_eq "portgroup list: name, vSwitch, clients, VLAN" "pgA vSwitch1 0 0|pgB vSwitch1 0 0|" \
	"$(esx --formatter=json network vswitch standard portgroup list |
		pyq '[" ".join(str(r[k]) for k in ("Name", "VirtualSwitch", "ActiveClients", "VLANID")) for r in d["result"]]' | tr '\n' '|')"
check_eq "vSwitch1 lists its portgroups" "pgA, pgB" "$(vs_field vSwitch1 Portgroups)"
before=$(snapshot)
run "portgroup set -p pgB --vlan-id 4095" network vswitch standard portgroup set -p pgB --vlan-id 4095
check_eq "pgB has VLAN ID 4095" 4095 "$(list_field pgB VLANID network vswitch standard portgroup list)"
run "portgroup set -p pgB -v 0" network vswitch standard portgroup set -p pgB -v 0
check_eq "portgroups and VLAN IDs without a vmk are nothing in the kernel" "$before" "$(snapshot)"
refused "a portgroup name in use on another vSwitch" "A portgroup with the name pgA already exists" \
	network vswitch standard portgroup add -p pgA -v vSwitch2
refused "removing a portgroup from the wrong vSwitch" \
	"Portgroup pgA is not on vSwitch vSwitch2 (it is on vSwitch1)" \
	network vswitch standard portgroup remove -p pgA -v vSwitch2

check_eq "pgA inherits the vSwitch's policy" "vmnic1, vmnic2||vmnic3" "$(policy_of -p pgA)"
check_eq "with no override" "False False False False False" \
	"$(for k in OverrideVswitchLoadBalancing OverrideVswitchNetworkFailureDetection OverrideVswitchNotifySwitches OverrideVswitchFailback OverrideVswitchUplinks; do
		struct_field $k network vswitch standard portgroup policy failover get -p pgA; done | tr '\n' ' ' | sed 's/ $//')"

# ---- failover orders, realised: where a vmk sits ----

run "interface add -i vmk1 -p pgA -m 9000" network ip interface add -i vmk1 -p pgA -m 9000
check_eq "vmk1 sits on vmnic1, first active of the vSwitch" vmnic1 "$(link_field vmk1 'l["link"]')"
mac=$(link_field vmk1 'l["address"]')
check_eq "vmnic1 carries it: ARP sysctls set" "1 2 2" "$(sysctls vmnic1)"
run "portgroup policy failover set -p pgA -a vmnic2" \
	network vswitch standard portgroup policy failover set -p pgA -a vmnic2
check_eq "pgA's own order: vmnic2 active, the rest unused" "vmnic2||vmnic1, vmnic3" "$(policy_of -p pgA)"
check_eq "Override Vswitch Uplinks is true" True \
	"$(struct_field OverrideVswitchUplinks network vswitch standard portgroup policy failover get -p pgA)"
check_eq "vmk1 moved to vmnic2, with its MAC" "vmnic2 $mac" \
	"$(link_field vmk1 'l["link"] + " " + l["address"]')"
check_eq "vmnic2 now carries it: ARP sysctls set" "1 2 2" "$(sysctls vmnic2)"
check_eq "vmnic1 carries nothing: its sysctls are back" "0 0 0" "$(sysctls vmnic1)"
refused "--use-vswitch with other options" \
	"--use-vswitch resets every failover setting to the vSwitch's" \
	network vswitch standard portgroup policy failover set -p pgA -u -a vmnic1
run "portgroup policy failover set -p pgA -u" \
	network vswitch standard portgroup policy failover set -p pgA -u
check_eq "pgA inherits again" "vmnic1, vmnic2||vmnic3 False" \
	"$(policy_of -p pgA) $(struct_field OverrideVswitchUplinks network vswitch standard portgroup policy failover get -p pgA)"
check_eq "vmk1 is back on vmnic1" vmnic1 "$(link_field vmk1 'l["link"]')"
run "vSwitch order vmnic3 first" network vswitch standard policy failover set -v vSwitch1 \
	-a vmnic3,vmnic1,vmnic2
check_eq "vmk1 follows the vSwitch's order it inherits: on vmnic3" vmnic3 "$(link_field vmk1 'l["link"]')"
check_eq "vmk1 kept its MAC and MTU" "$mac 9000" "$(link_field vmk1 'l["address"] + " " + str(l["mtu"])')"

refused "removing an uplink in a vmk's failover order" \
	"Cannot remove uplink vmnic1 from vSwitch vSwitch1: it is in the failover order of vmk1" \
	network vswitch standard uplink remove -u vmnic1 -v vSwitch1
run "--force true removes the uplink vmk1 sits on" \
	network vswitch standard uplink remove -u vmnic3 -v vSwitch1 --force true
check_eq "vmnic3 left the vSwitch's order" "vmnic1, vmnic2||" "$(policy_of -v vSwitch1)"
check_eq "vmk1 moved to the next uplink of its order" vmnic1 "$(link_field vmk1 'l["link"]')"
check_eq "vmnic3 has its own MTU back" 1450 "$(mtu_of vmnic3)"
check_eq "vmnic3 carries nothing: its sysctls are back" "0 0 0" "$(sysctls vmnic3)"
run "uplink add -u vmnic3 again" network vswitch standard uplink add -u vmnic3 -v vSwitch1
refused "an MTU below a vmk's" "Cannot set the MTU of vSwitch vSwitch1 to 1500: vmk1 has MTU 9000" \
	network vswitch standard set -v vSwitch1 -m 1500
refused "removing a portgroup a vmk uses" "Cannot remove portgroup pgA: it is used by vmk1" \
	network vswitch standard portgroup remove -p pgA -v vSwitch1
refused "removing a vSwitch with portgroups" \
	"Cannot remove vSwitch vSwitch1: it still has the portgroups pgA, pgB; remove them first" \
	network vswitch standard remove -v vSwitch1
check_eq "Used Ports counts the uplinks and the vmk" 4 "$(vs_field vSwitch1 UsedPorts)"
check_eq "pgA has one active client" 1 \
	"$(list_field pgA ActiveClients network vswitch standard portgroup list)"

# ---- taking it all down puts the kernel back as it was ----

run "interface remove -i vmk1" network ip interface remove -i vmk1
run "portgroup remove -p pgA" network vswitch standard portgroup remove -p pgA -v vSwitch1
run "portgroup remove -p pgB" network vswitch standard portgroup remove -p pgB -v vSwitch1
for nic in vmnic1 vmnic2 vmnic3; do
	run "uplink remove -u $nic" network vswitch standard uplink remove -u $nic -v vSwitch1
done
check_eq "every NIC has its own MTU back" "1500 1400 1450" \
	"$(mtu_of vmnic1) $(mtu_of vmnic2) $(mtu_of vmnic3)"
run "vswitch remove -v vSwitch1" network vswitch standard remove -v vSwitch1
run "vswitch remove -v vSwitch2" network vswitch standard remove -v vSwitch2
check_eq "no vSwitch is left" "" "$(esx network vswitch standard list 2>&1)"
check_eq "the kernel is exactly as before the first command (NICs never re-created)" \
	"$pristine" "$(snapshot)"

finish_kernel_test
