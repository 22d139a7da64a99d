/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of NMP's foundations: the catalog, the value checks (hostile
 * vendor/model text above all), Round Robin options, the multipath drop-in
 * for every SATP x PSP combination, the store's "nmp" section (round trip,
 * corrupt sections) and, where root and multipath-tools are present, the
 * drop-in parsed by the real `multipath -t` in a private mount namespace.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "model.h"
#include "mpath_conf.h"
#include "mpath_dropin.h"
#include "nmp_catalog.h"
#include "nmp_model.h"
#include "nmp_path_off.h"
#include "scsi_disk_state.h"

/* ---- helpers ---- */

static struct nmp_satp_rule *add_rule(struct nmp_config *c, const char *satp, const char *vendor,
				      const char *model, const char *psp, const char *options)
{
	struct nmp_satp_rule *r = nmp_add_rule(c);

	ck_assert_ptr_nonnull(r);
	snprintf(r->satp, sizeof(r->satp), "%s", satp);
	snprintf(r->vendor, sizeof(r->vendor), "%s", vendor);
	snprintf(r->model, sizeof(r->model), "%s", model);
	snprintf(r->psp, sizeof(r->psp), "%s", psp);
	snprintf(r->psp_options, sizeof(r->psp_options), "%s", options);
	return r;
}

static char *render(const struct nmp_config *c)
{
	struct esx_err err = { 0 };
	char *text = NULL;

	ck_assert_msg(mpath_conf_render(c, NULL, 0, &text, &err) == 0, "render: %s", err.text);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* The text from the first line starting with marker to the end. */
static const char *from(const char *text, const char *marker)
{
	const char *p = strstr(text, marker);

	ck_assert_msg(p != NULL, "'%s' not in:\n%s", marker, text);
	return p;
}

/* ---- catalog ---- */

START_TEST(catalog_tables)
{
	size_t n;
	const struct nmp_satp_def *satps = nmp_satps(&n);
	const struct nmp_satp_rule *rules;

	ck_assert_uint_eq(n, 13);
	ck_assert_str_eq(satps[1].name, "VMW_SATP_ALUA");
	ck_assert_str_eq(nmp_satp_lookup("VMW_SATP_ALUA")->default_psp, "VMW_PSP_MRU");
	ck_assert(nmp_satp_lookup("VMW_SATP_ALUA")->alua);
	ck_assert_str_eq(nmp_satp_lookup("VMW_SATP_DEFAULT_AA")->default_psp, "VMW_PSP_FIXED");
	ck_assert_str_eq(nmp_satp_lookup("VMW_SATP_DEFAULT_AA")->description,
			 "Supports non-specific active/active arrays");
	ck_assert_ptr_null(nmp_satp_lookup("VMW_SATP_NOPE"));
	nmp_psps(&n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(nmp_psp_lookup("VMW_PSP_RR")->description, "Round Robin Path Selection");
	ck_assert_ptr_null(nmp_psp_lookup("VMW_PSP_rr"));
	rules = nmp_system_rules(&n);
	ck_assert_uint_ge(n, 1);
	ck_assert_str_eq(rules[0].vendor, "PURE");
	ck_assert_str_eq(rules[0].model, "FlashArray");
	ck_assert_str_eq(rules[0].psp, "VMW_PSP_RR");
	ck_assert_str_eq(rules[0].psp_options, "iops=1");
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(nmp_check_rule(&rules[i], NULL) == 0, "system rule %zu", i);
}
END_TEST

/* ---- checks ---- */

START_TEST(vendor_model_checks)
{
	static const char *const bad_vendor[] = { "PU\"RE", "PU\\RE", "PU\nRE", "PU\rRE",
						  "PU\tRE", "\x01PURE", "PURE\x7f", "P\xc3\xa9RE",
						  "VENDOR123", " PURE", "PURE ", NULL };
	struct esx_err err = { 0 };

	ck_assert_int_eq(nmp_check_vendor("PURE", &err), 0);
	ck_assert_int_eq(nmp_check_vendor("", &err), 0);
	ck_assert_int_eq(nmp_check_vendor("LIO-ORG", &err), 0);
	ck_assert_int_eq(nmp_check_vendor("A.B*C$(", &err), 0);  /* literal: escaped later */
	ck_assert_int_eq(nmp_check_vendor("12345678", &err), 0);
	for (size_t i = 0; bad_vendor[i]; i++) {
		err_reset(&err);
		ck_assert_msg(nmp_check_vendor(bad_vendor[i], &err) == -EINVAL, "vendor %zu", i);
		ck_assert(err.text[0]);
	}
	err_reset(&err);
	ck_assert_int_eq(nmp_check_vendor("ABCDEFGHI", &err), -EINVAL);
	ck_assert_str_eq(err.text, "Vendor 'ABCDEFGHI' is longer than 8 characters");
	ck_assert_int_eq(nmp_check_model("Pure FlashArray1", NULL), 0);   /* 16 bytes */
	ck_assert_int_eq(nmp_check_model("Pure FlashArray12", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_model("a\"\n}\ndefaults {", NULL), -EINVAL);
}
END_TEST

START_TEST(other_checks)
{
	struct esx_err err = { 0 };
	struct nmp_satp_rule r = { 0 };

	ck_assert_int_eq(nmp_check_device("naa.60014050aabbccddeeff001122334455", NULL), 0);
	ck_assert_int_eq(nmp_check_device("naa.5000c5001234abcd", NULL), 0);
	ck_assert_int_eq(nmp_check_device("eui.0123456789abcdef", NULL), 0);
	ck_assert_int_eq(nmp_check_device("naa.6001405AABBCCDDEEFF001122334455", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_device("naa.600", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_device("mpx.vmhba0:C0:T0:L0", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_satp("VMW_SATP_ALUA", NULL), 0);
	ck_assert_int_eq(nmp_check_satp("VMW_SATP_X", &err), -EINVAL);
	ck_assert_str_eq(err.text, "Invalid SATP name: VMW_SATP_X");
	ck_assert_int_eq(nmp_check_psp("VMW_PSP_LQD", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_transport("iscsi", NULL), 0);
	ck_assert_int_eq(nmp_check_transport("nvme\"", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_driver("iscsi_vmk", NULL), 0);
	ck_assert_int_eq(nmp_check_driver("a b", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_option_text("Claim option", "tpgs_on", NULL), 0);
	ck_assert_int_eq(nmp_check_option_text("Claim option", "tpgs\"on", NULL), -EINVAL);
	ck_assert_int_eq(nmp_check_description("FlashArray SATP Rule", NULL), 0);
	ck_assert_int_eq(nmp_check_description("a\nb", NULL), -EINVAL);
	/* Combinations ESXi forbids. */
	snprintf(r.satp, sizeof(r.satp), "VMW_SATP_ALUA");
	ck_assert_int_eq(nmp_check_rule(&r, NULL), -EINVAL);      /* matches nothing */
	snprintf(r.vendor, sizeof(r.vendor), "PURE");
	ck_assert_int_eq(nmp_check_rule(&r, NULL), 0);
	snprintf(r.driver, sizeof(r.driver), "iscsi_vmk");
	ck_assert_int_eq(nmp_check_rule(&r, NULL), -EINVAL);
	r.driver[0] = '\0';
	snprintf(r.device, sizeof(r.device), "naa.5000c5001234abcd");
	ck_assert_int_eq(nmp_check_rule(&r, NULL), -EINVAL);
	r.vendor[0] = '\0';
	ck_assert_int_eq(nmp_check_rule(&r, NULL), 0);
	snprintf(r.psp_options, sizeof(r.psp_options), "iops=1");
	err_reset(&err);
	ck_assert_int_eq(nmp_check_rule(&r, &err), -EINVAL);
	ck_assert_str_eq(err.text, "PSP options need a PSP (-P|--psp)");
	snprintf(r.psp, sizeof(r.psp), "VMW_PSP_RR");
	ck_assert_int_eq(nmp_check_rule(&r, NULL), 0);
}
END_TEST

START_TEST(psp_options)
{
	struct nmp_rr_config rr;
	struct esx_err err = { 0 };

	nmp_rr_defaults(&rr);
	ck_assert_uint_eq(rr.iops, 1000);
	ck_assert_uint_eq(rr.bytes, 10485760);
	ck_assert_uint_eq(rr.sampling_cycles, 16);
	ck_assert_uint_eq(rr.latency_eval_ms, 180000);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "iops=1", &rr, NULL), 0);
	ck_assert_int_eq(rr.type, NMP_RR_IOPS);
	ck_assert_uint_eq(rr.iops, 1);
	nmp_rr_defaults(&rr);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "policy=latency;samplingCycles=32",
					       &rr, NULL), 0);
	ck_assert_int_eq(rr.type, NMP_RR_LATENCY);
	ck_assert_uint_eq(rr.sampling_cycles, 32);
	nmp_rr_defaults(&rr);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "policy=iops,iops=1 useANO=1", &rr,
					       NULL), 0);
	ck_assert_uint_eq(rr.iops, 1);
	ck_assert(rr.useano);
	/* The kernel's round-robin sends one I/O per path, whatever it is told. */
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "iops=5", &rr, &err), -EINVAL);
	ck_assert_msg(strstr(err.text, "IOOperation Limit 5 is not supported") != NULL, "%s",
		      err.text);
	nmp_rr_defaults(&rr);
	err_reset(&err);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "bytes=1048576", &rr, &err), -EINVAL);
	ck_assert_msg(strstr(err.text, "bytes is not supported") != NULL, "%s", err.text);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "policy=bytes", &rr, NULL), -EINVAL);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "iops=0", &rr, NULL), -EINVAL);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "iops=2147483648", &rr, NULL),
			 -EINVAL);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "iops=-1", &rr, NULL), -EINVAL);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "frob=1", &rr, NULL), -EINVAL);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_RR", "iops", &rr, NULL), -EINVAL);
	err_reset(&err);
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_MRU", "iops=1", &rr, &err), -EINVAL);
	ck_assert_str_eq(err.text, "PSP VMW_PSP_MRU does not take options");
	ck_assert_int_eq(nmp_parse_psp_options("VMW_PSP_MRU", "", &rr, NULL), 0);
	rr.type = NMP_RR_BYTES;
	ck_assert_int_eq(nmp_check_rr(&rr, NULL), -EINVAL);
}
END_TEST

START_TEST(wwid_from_device)
{
	char wwid[NMP_WWID_MAX];

	ck_assert_int_eq(nmp_device_wwid("naa.60014050aabbccddeeff001122334455", wwid), 0);
	ck_assert_str_eq(wwid, "360014050aabbccddeeff001122334455");
	ck_assert_int_eq(nmp_device_wwid("eui.0123456789abcdef", wwid), 0);
	ck_assert_str_eq(wwid, "20123456789abcdef");
	ck_assert_int_eq(nmp_device_wwid("naa.\"", wwid), -EINVAL);
}
END_TEST

/* ---- rendering ---- */

START_TEST(regex_literal)
{
	char out[64];

	ck_assert_int_eq(mpath_regex_literal("PURE", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "^PURE$");
	ck_assert_int_eq(mpath_regex_literal("", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "^$");
	ck_assert_int_eq(mpath_regex_literal(".[](){}*+?^$|\\", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "^\\.\\[\\]\\(\\)\\{\\}\\*\\+\\?\\^\\$\\|\\\\$");
	ck_assert_int_eq(mpath_regex_literal("LUN C-Mode", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "^LUN C-Mode$");
	ck_assert_int_eq(mpath_regex_literal("ABCD", out, 7), 0);
	ck_assert_str_eq(out, "^ABCD$");
	ck_assert_int_eq(mpath_regex_literal("ABCDE", out, 7), -ENAMETOOLONG);
	ck_assert_int_eq(mpath_regex_literal("AB.", out, 6), -ENAMETOOLONG);
}
END_TEST

static const char empty_golden[] =
	"# Written by esxclid from its NMP settings (esxcli storage nmp ...).\n"
	"# esxclid overwrites this file whenever they change: put settings of\n"
	"# your own in /etc/multipath.conf or in another file of this directory.\n"
	"devices {\n"
	"\t# system rule: VMW_SATP_ALUA, PURE FlashArray IO Operation Limit Rule\n"
	"\tdevice {\n"
	"\t\tvendor \"^PURE$\"\n"
	"\t\tproduct \"^FlashArray$\"\n"
	"\t\thardware_handler \"1 alua\"\n"
	"\t\tprio alua\n"
	"\t\tpath_grouping_policy group_by_prio\n"
	"\t\tpath_selector \"round-robin 0\"\n"
	"\t\trr_min_io_rq 1\n"
	"\t\tfailback immediate\n"
	"\t}\n"
	"}\n"
	"multipaths {\n"
	"}\n";

START_TEST(render_empty)
{
	struct nmp_config c = { 0 };
	char *text = render(&c);

	ck_assert_str_eq(text, empty_golden);
	free(text);
}
END_TEST

#define ALUA_LINES "\t\thardware_handler \"1 alua\"\n\t\tprio alua\n"

static const struct {
	const char *satp, *psp, *options, *lines;
} matrix[] = {
	{ "VMW_SATP_ALUA", "VMW_PSP_MRU", "",
	  ALUA_LINES "\t\tpath_grouping_policy failover\n\t\tfailback manual\n" },
	{ "VMW_SATP_ALUA", "VMW_PSP_FIXED", "",
	  ALUA_LINES "\t\tpath_grouping_policy failover\n\t\tfailback immediate\n" },
	{ "VMW_SATP_ALUA", "VMW_PSP_RR", "",
	  ALUA_LINES "\t\tpath_grouping_policy group_by_prio\n\t\tpath_selector \"round-robin 0\"\n"
	  "\t\tfailback immediate\n" },
	{ "VMW_SATP_ALUA", "VMW_PSP_RR", "iops=1",
	  ALUA_LINES "\t\tpath_grouping_policy group_by_prio\n\t\tpath_selector \"round-robin 0\"\n"
	  "\t\trr_min_io_rq 1\n\t\tfailback immediate\n" },
	{ "VMW_SATP_ALUA", "VMW_PSP_RR", "policy=latency",
	  ALUA_LINES "\t\tpath_grouping_policy group_by_prio\n"
	  "\t\tpath_selector \"service-time 0\"\n"
	  "\t\tfailback immediate\n" },
	{ "VMW_SATP_ALUA", "VMW_PSP_RR", "iops=1;useANO=1",
	  ALUA_LINES "\t\tpath_grouping_policy multibus\n\t\tpath_selector \"round-robin 0\"\n"
	  "\t\trr_min_io_rq 1\n\t\tfailback immediate\n" },
	{ "VMW_SATP_DEFAULT_AA", "VMW_PSP_MRU", "",
	  "\t\tpath_grouping_policy failover\n\t\tfailback manual\n" },
	{ "VMW_SATP_DEFAULT_AA", "VMW_PSP_FIXED", "",
	  "\t\tpath_grouping_policy failover\n\t\tfailback immediate\n" },
	{ "VMW_SATP_DEFAULT_AA", "VMW_PSP_RR", "",
	  "\t\tpath_grouping_policy multibus\n\t\tpath_selector \"round-robin 0\"\n"
	  "\t\tfailback immediate\n" },
	{ "VMW_SATP_DEFAULT_AA", "VMW_PSP_RR", "iops=1",
	  "\t\tpath_grouping_policy multibus\n\t\tpath_selector \"round-robin 0\"\n"
	  "\t\trr_min_io_rq 1\n\t\tfailback immediate\n" },
	{ "VMW_SATP_DEFAULT_AA", "VMW_PSP_RR", "policy=latency",
	  "\t\tpath_grouping_policy multibus\n\t\tpath_selector \"service-time 0\"\n"
	  "\t\tfailback immediate\n" },
	{ "VMW_SATP_DEFAULT_AA", "VMW_PSP_RR", "iops=1;useANO=1",
	  "\t\tpath_grouping_policy multibus\n\t\tpath_selector \"round-robin 0\"\n"
	  "\t\trr_min_io_rq 1\n\t\tfailback immediate\n" },
	/* No PSP in the rule: the SATP's default. */
	{ "VMW_SATP_ALUA", "", "",
	  ALUA_LINES "\t\tpath_grouping_policy failover\n\t\tfailback manual\n" },
	{ "VMW_SATP_DEFAULT_AA", "", "",
	  "\t\tpath_grouping_policy failover\n\t\tfailback immediate\n" },
};

START_TEST(render_rule_matrix)
{
	struct nmp_config c = { 0 };
	char expected[1024], *text;

	add_rule(&c, matrix[_i].satp, "LIO-ORG", "disk.1", matrix[_i].psp, matrix[_i].options);
	snprintf(c.rules[0].description, sizeof(c.rules[0].description), "lab");
	snprintf(expected, sizeof(expected),
		 "\t# user rule: %s, lab\n\tdevice {\n\t\tvendor \"^LIO-ORG$\"\n"
		 "\t\tproduct \"^disk\\.1$\"\n%s\t}\n}\nmultipaths {\n}\n",
		 matrix[_i].satp, matrix[_i].lines);
	text = render(&c);
	ck_assert_str_eq(from(text, "\t# user rule"), expected);
	/* The system rules come first, unchanged. */
	ck_assert_int_eq(strncmp(text, empty_golden, strlen(empty_golden) - 17), 0);
	free(text);
	nmp_config_free(&c);
}
END_TEST

START_TEST(render_satp_default_and_sides)
{
	struct nmp_config c = { 0 };
	char *text;

	ck_assert_int_eq(nmp_set_satp_default(&c, "VMW_SATP_DEFAULT_AA", "VMW_PSP_RR"), 0);
	ck_assert_str_eq(nmp_satp_default_psp(&c, "VMW_SATP_DEFAULT_AA"), "VMW_PSP_RR");
	ck_assert_str_eq(nmp_satp_default_psp(&c, "VMW_SATP_ALUA"), "VMW_PSP_MRU");
	add_rule(&c, "VMW_SATP_DEFAULT_AA", "IET", "", "", "");
	add_rule(&c, "VMW_SATP_DEFAULT_AA", "", "VIRTUAL-DISK", "VMW_PSP_FIXED", "");
	text = render(&c);
	ck_assert_str_eq(from(text, "\t# user rule"),
			 "\t# user rule: VMW_SATP_DEFAULT_AA\n\tdevice {\n"
			 "\t\tvendor \"^IET$\"\n\t\tproduct \".*\"\n"
			 "\t\tpath_grouping_policy multibus\n\t\tpath_selector \"round-robin 0\"\n"
			 "\t\tfailback immediate\n\t}\n"
			 "\t# user rule: VMW_SATP_DEFAULT_AA\n\tdevice {\n"
			 "\t\tvendor \".*\"\n\t\tproduct \"^VIRTUAL-DISK$\"\n"
			 "\t\tpath_grouping_policy failover\n\t\tfailback immediate\n\t}\n"
			 "}\nmultipaths {\n}\n");
	free(text);
	/* Dropping the override puts FIXED back. */
	ck_assert_int_eq(nmp_set_satp_default(&c, "VMW_SATP_DEFAULT_AA", NULL), 0);
	ck_assert_uint_eq(c.nsatp_defaults, 0);
	ck_assert_str_eq(nmp_satp_default_psp(&c, "VMW_SATP_DEFAULT_AA"), "VMW_PSP_FIXED");
	/* Rules without vendor or model have no devices form. */
	nmp_config_free(&c);
	add_rule(&c, "VMW_SATP_ALUA", "", "", "VMW_PSP_RR", "");
	snprintf(c.rules[0].claim_options, sizeof(c.rules[0].claim_options), "tpgs_on");
	text = render(&c);
	ck_assert_str_eq(text, empty_golden);
	free(text);
	nmp_config_free(&c);
}
END_TEST

START_TEST(render_devices)
{
	struct nmp_config c = { 0 };
	struct nmp_device_config *d;
	char *text;

	d = nmp_device_get_or_add(&c, "naa.60014050aabbccddeeff001122334455");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_RR");
	d->rr.type = NMP_RR_IOPS;
	d->rr.iops = 1;
	d = nmp_device_get_or_add(&c, "naa.60014050aabbccddeeff001122334466");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_RR");
	d->rr.type = NMP_RR_LATENCY;
	d = nmp_device_get_or_add(&c, "eui.0123456789abcdef");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_MRU");
	d = nmp_device_get_or_add(&c, "naa.5000c5001234abcd");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_FIXED");
	/* Back at its SATP's default: no entry. */
	nmp_device_get_or_add(&c, "naa.5000c5001234abce");
	ck_assert_ptr_eq(nmp_device_get_or_add(&c, "naa.5000c5001234abce"), &c.devices[4]);
	text = render(&c);
	ck_assert_str_eq(from(text, "multipaths {"),
			 "multipaths {\n"
			 "\t# naa.60014050aabbccddeeff001122334455: VMW_PSP_RR\n\tmultipath {\n"
			 "\t\twwid \"360014050aabbccddeeff001122334455\"\n"
			 "\t\tpath_grouping_policy group_by_prio\n"
			 "\t\tpath_selector \"round-robin 0\"\n\t\trr_min_io_rq 1\n"
			 "\t\tfailback immediate\n\t}\n"
			 "\t# naa.60014050aabbccddeeff001122334466: VMW_PSP_RR\n\tmultipath {\n"
			 "\t\twwid \"360014050aabbccddeeff001122334466\"\n"
			 "\t\tpath_grouping_policy group_by_prio\n"
			 "\t\tpath_selector \"service-time 0\"\n"
			 "\t\tfailback immediate\n\t}\n"
			 "\t# eui.0123456789abcdef: VMW_PSP_MRU\n\tmultipath {\n"
			 "\t\twwid \"20123456789abcdef\"\n"
			 "\t\tpath_grouping_policy failover\n\t\tfailback manual\n\t}\n"
			 "\t# naa.5000c5001234abcd: VMW_PSP_FIXED\n\tmultipath {\n"
			 "\t\twwid \"35000c5001234abcd\"\n"
			 "\t\tpath_grouping_policy failover\n\t\tfailback immediate\n\t}\n"
			 "}\n");
	/* Same input, same bytes. */
	{
		char *again = render(&c);

		ck_assert_str_eq(again, text);
		free(again);
	}
	free(text);
	nmp_remove_device(&c, "naa.5000c5001234abcd");
	ck_assert_uint_eq(c.ndevices, 4);
	ck_assert_ptr_null(nmp_device(&c, "naa.5000c5001234abcd"));
	nmp_config_free(&c);
}
END_TEST

static const char arrays_golden[] =
	"\t# iSCSI array: recovery_tmo is RecoveryTimeout's (esxcli iscsi adapter param)\n"
	"\tdevice {\n"
	"\t\tvendor \"^ACME\\+$\"\n"
	"\t\tproduct \"^disk\\.1 \\(x\\)$\"\n"
	"\t\tfast_io_fail_tmo off\n"
	"\t}\n"
	"\t# iSCSI array: recovery_tmo is RecoveryTimeout's (esxcli iscsi adapter param)\n"
	"\tdevice {\n"
	"\t\tvendor \"^LIO-ORG$\"\n"
	"\t\tproduct \"^TCMU device$\"\n"
	"\t\tfast_io_fail_tmo off\n"
	"\t}\n"
	"}\n"
	"multipaths {\n"
	"}\n";

static const struct mpath_array two_arrays[] = {
	{ "ACME+", "disk.1 (x)" }, { "LIO-ORG", "TCMU device" },
};

/* The arrays behind the sessions come after every rule, so their
 * fast_io_fail_tmo wins over a rule's; multipath's own entries stay. */
START_TEST(render_arrays)
{
	struct nmp_config c = { 0 };
	struct esx_err err = { 0 };
	char *text = NULL;

	add_rule(&c, "VMW_SATP_DEFAULT_AA", "LIO-ORG", "", "VMW_PSP_RR", "");
	ck_assert_msg(mpath_conf_render(&c, two_arrays, 2, &text, &err) == 0, "%s", err.text);
	ck_assert_str_eq(from(text, "\t# iSCSI array"), arrays_golden);
	/* The rules are as without arrays. */
	ck_assert_int_eq(strncmp(text, empty_golden, strlen(empty_golden) - 17), 0);
	ck_assert_ptr_nonnull(strstr(text, "\t# user rule: VMW_SATP_DEFAULT_AA\n\tdevice {\n"
				      "\t\tvendor \"^LIO-ORG$\"\n\t\tproduct \".*\"\n"
				      "\t\tpath_grouping_policy multibus\n"
				      "\t\tpath_selector \"round-robin 0\"\n"
				      "\t\tfailback immediate\n\t}\n"
				      "\t# iSCSI array"));
	free(text);
	nmp_config_free(&c);
}
END_TEST

/* A rule with exactly an array's strings carries the line itself: two
 * entries with the same strings make multipath warn. */
START_TEST(render_array_in_rule)
{
	static const struct mpath_array arrays[] = { { "IET", "VIRTUAL-DISK" },
						     { "PURE", "FlashArray" } };
	struct nmp_config c = { 0 };
	struct esx_err err = { 0 };
	char *text = NULL;

	add_rule(&c, "VMW_SATP_DEFAULT_AA", "IET", "VIRTUAL-DISK", "VMW_PSP_MRU", "");
	ck_assert_msg(mpath_conf_render(&c, arrays, 2, &text, &err) == 0, "%s", err.text);
	ck_assert_ptr_null(strstr(text, "# iSCSI array"));
	ck_assert_ptr_nonnull(strstr(text, "\t\trr_min_io_rq 1\n\t\tfailback immediate\n"
				      "\t\tfast_io_fail_tmo off\n\t}\n"));
	ck_assert_str_eq(from(text, "\t# user rule"),
			 "\t# user rule: VMW_SATP_DEFAULT_AA\n\tdevice {\n"
			 "\t\tvendor \"^IET$\"\n\t\tproduct \"^VIRTUAL-DISK$\"\n"
			 "\t\tpath_grouping_policy failover\n\t\tfailback manual\n"
			 "\t\tfast_io_fail_tmo off\n\t}\n}\nmultipaths {\n}\n");
	free(text);
	nmp_config_free(&c);
}
END_TEST

START_TEST(render_refuses_hostile_array)
{
	static const struct mpath_array bad[] = { { "X\"", "Y" }, { "X", "a\n}" }, { "X", "" },
						  { "", "Y" } };
	struct nmp_config c = { 0 };
	struct esx_err err = { 0 };
	char *text = (char *)"unchanged";

	ck_assert_int_eq(mpath_conf_render(&c, &bad[_i], 1, &text, &err), -EINVAL);
	ck_assert_ptr_null(text);
	ck_assert(err.text[0]);
}
END_TEST

/* Values that slipped past the commands (a hand-edited store) are refused,
 * never written. */
START_TEST(render_refuses_hostile)
{
	struct nmp_config c = { 0 };
	struct esx_err err = { 0 };
	struct nmp_device_config *d;
	char *text = (char *)"unchanged";

	add_rule(&c, "VMW_SATP_ALUA", "X\"\n}\ndefaults {\n#", "", "VMW_PSP_RR", "");
	ck_assert_int_eq(mpath_conf_render(&c, NULL, 0, &text, &err), -EINVAL);
	ck_assert_ptr_null(text);
	ck_assert(err.text[0]);
	nmp_config_free(&c);
	d = nmp_device_get_or_add(&c, "naa.5000c5001234abcd");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_RR");
	d->rr.type = NMP_RR_BYTES;
	err_reset(&err);
	ck_assert_int_eq(mpath_conf_render(&c, NULL, 0, &text, &err), -EINVAL);
	ck_assert_msg(strstr(err.text, "bytes") != NULL, "%s", err.text);
	nmp_config_free(&c);
}
END_TEST

/* ---- the store's nmp section ---- */

static void fill(struct model *m)
{
	struct nmp_satp_rule *r;
	struct nmp_device_config *d;

	r = add_rule(&m->nmp, "VMW_SATP_ALUA", "PURE", "FlashArray", "VMW_PSP_RR", "iops=1");
	snprintf(r->description, sizeof(r->description), "FlashArray SATP Rule");
	snprintf(r->claim_options, sizeof(r->claim_options), "tpgs_on");
	r = add_rule(&m->nmp, "VMW_SATP_DEFAULT_AA", "", "", "", "");
	snprintf(r->transport, sizeof(r->transport), "iscsi");
	ck_assert_int_eq(nmp_set_satp_default(&m->nmp, "VMW_SATP_ALUA", "VMW_PSP_RR"), 0);
	d = nmp_device_get_or_add(&m->nmp, "naa.60014050aabbccddeeff001122334455");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_RR");
	d->rr.type = NMP_RR_LATENCY;
	d->rr.useano = true;
	d->rr.sampling_cycles = 32;
	d->rr.latency_eval_ms = 60000;
}

START_TEST(json_round_trip)
{
	struct model m = { 0 }, back = { 0 }, copy = { 0 };
	struct json_object *root = json_object_new_object(), *root2 = json_object_new_object();
	struct esx_err err = { 0 };

	model_iscsi_defaults(&m.iscsi);
	fill(&m);
	ck_assert_int_eq(model_save(&m, root, &err), 0);
	ck_assert_msg(model_load(root, &back, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(back.nmp.nrules, 2);
	ck_assert_str_eq(back.nmp.rules[0].vendor, "PURE");
	ck_assert_str_eq(back.nmp.rules[0].psp_options, "iops=1");
	ck_assert_str_eq(back.nmp.rules[0].description, "FlashArray SATP Rule");
	ck_assert_str_eq(back.nmp.rules[0].claim_options, "tpgs_on");
	ck_assert_str_eq(back.nmp.rules[1].transport, "iscsi");
	ck_assert_str_eq(back.nmp.rules[1].vendor, "");
	ck_assert_str_eq(nmp_satp_default_psp(&back.nmp, "VMW_SATP_ALUA"), "VMW_PSP_RR");
	ck_assert_uint_eq(back.nmp.ndevices, 1);
	ck_assert_int_eq(back.nmp.devices[0].rr.type, NMP_RR_LATENCY);
	ck_assert(back.nmp.devices[0].rr.useano);
	ck_assert_uint_eq(back.nmp.devices[0].rr.sampling_cycles, 32);
	ck_assert_uint_eq(back.nmp.devices[0].rr.latency_eval_ms, 60000);
	ck_assert_uint_eq(back.nmp.devices[0].rr.iops, 1000);
	ck_assert_uint_eq(back.nmp.devices[0].rr.bytes, 10485760);
	ck_assert_int_eq(model_save(&back, root2, &err), 0);
	ck_assert_str_eq(json_object_to_json_string(root), json_object_to_json_string(root2));
	/* A clone owns its own arrays. */
	ck_assert_int_eq(model_clone(&m, &copy), 0);
	ck_assert_ptr_ne(copy.nmp.rules, m.nmp.rules);
	ck_assert_uint_eq(copy.nmp.nrules, 2);
	nmp_remove_rule(&copy.nmp, &copy.nmp.rules[0]);
	ck_assert_uint_eq(copy.nmp.nrules, 1);
	ck_assert_str_eq(copy.nmp.rules[0].transport, "iscsi");
	ck_assert_uint_eq(m.nmp.nrules, 2);
	ck_assert_ptr_eq(nmp_find_rule(&m.nmp, &copy.nmp.rules[0]), &m.nmp.rules[1]);
	model_free(&copy);
	/* Nothing configured: no section. */
	nmp_config_free(&back.nmp);
	ck_assert_int_eq(model_save(&back, root2, &err), 0);
	ck_assert(!json_object_object_get_ex(root2, "nmp", NULL));
	model_free(&m);
	model_free(&back);
	json_object_put(root);
	json_object_put(root2);
}
END_TEST

static const struct {
	const char *json, *where;
} corrupt_cases[] = {
	{ "[]", "nmp: must be an object" },
	{ "{\"rule\":[]}", "nmp: unknown key 'rule'" },
	{ "{\"rules\":{}}", "nmp: rules must be an array" },
	{ "{\"rules\":[1]}", "nmp.rules[0]: must be an object" },
	{ "{\"rules\":[{\"satp\":\"VMW_SATP_ALUA\",\"vendor\":\"PU\\\"RE\"}]}",
	  "nmp.rules[0]: Vendor contains" },
	{ "{\"rules\":[{\"satp\":\"VMW_SATP_ALUA\",\"vendor\":\"PURE\\u0000X\"}]}",
	  "nmp.rules[0]: vendor contains a NUL" },
	{ "{\"rules\":[{\"satp\":\"VMW_SATP_ALUA\",\"model\":\"12345678901234567\"}]}",
	  "nmp.rules[0]: model is longer than 16" },
	{ "{\"rules\":[{\"satp\":\"VMW_SATP_FOO\",\"vendor\":\"PURE\"}]}",
	  "nmp.rules[0]: Invalid SATP name: VMW_SATP_FOO" },
	{ "{\"rules\":[{\"satp\":\"VMW_SATP_ALUA\",\"vendor\":\"PURE\",\"extra\":1}]}",
	  "nmp.rules[0]: unknown key 'extra'" },
	{ "{\"rules\":[{\"satp\":\"VMW_SATP_ALUA\",\"vendor\":\"PURE\","
	  "\"psp\":\"VMW_PSP_RR\",\"psp_options\":\"bytes=5\"}]}",
	  "nmp.rules[0]: Limit type bytes" },
	{ "{\"rules\":[{\"satp\":\"VMW_SATP_ALUA\",\"vendor\":\"PURE\"},"
	  "{\"satp\":\"VMW_SATP_ALUA\",\"vendor\":\"PURE\"}]}",
	  "nmp.rules[1]: the same rule is stored twice" },
	{ "{\"satp_defaults\":[{\"satp\":\"VMW_SATP_ALUA\",\"psp\":\"VMW_PSP_X\"}]}",
	  "nmp.satp_defaults[0]: Invalid PSP name: VMW_PSP_X" },
	{ "{\"satp_defaults\":[{\"satp\":\"VMW_SATP_ALUA\",\"psp\":\"VMW_PSP_RR\"},"
	  "{\"satp\":\"VMW_SATP_ALUA\",\"psp\":\"VMW_PSP_MRU\"}]}",
	  "nmp.satp_defaults[1]: VMW_SATP_ALUA is stored twice" },
	{ "{\"devices\":[{\"device\":\"naa.XYZ\"}]}", "nmp.devices[0]: Unable to find device" },
	{ "{\"devices\":[{\"device\":\"naa.5000c5001234abcd\",\"psp\":5}]}",
	  "nmp.devices[0]: psp must be a string" },
	{ "{\"devices\":[{\"device\":\"naa.5000c5001234abcd\",\"rr\":{\"type\":\"bytes\","
	  "\"iops\":1,\"bytes\":1,\"useano\":false,\"sampling_cycles\":1,"
	  "\"latency_eval_time\":1}}]}",
	  "nmp.devices[0].rr: Limit type bytes" },
	{ "{\"devices\":[{\"device\":\"naa.5000c5001234abcd\",\"rr\":{\"type\":\"iops\","
	  "\"iops\":0,\"bytes\":1,\"useano\":false,\"sampling_cycles\":1,"
	  "\"latency_eval_time\":1}}]}",
	  "nmp.devices[0].rr: iops: 0 is not in 1..2147483647" },
	{ "{\"devices\":[{\"device\":\"naa.5000c5001234abcd\",\"rr\":{\"type\":\"iops\","
	  "\"iops\":1,\"bytes\":1,\"sampling_cycles\":1,\"latency_eval_time\":1}}]}",
	  "nmp.devices[0].rr: useano must be a boolean" },
	{ "{\"devices\":[{\"device\":\"naa.5000c5001234abcd\"},"
	  "{\"device\":\"naa.5000c5001234abcd\"}]}",
	  "nmp.devices[1]: naa.5000c5001234abcd is stored twice" },
	{ "{\"paths_off\":{}}", "nmp: paths_off must be an array" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1:3260\",\"lun\":1,\"isid\":\"x\"}]}",
	  "nmp.paths_off[0]: unknown key 'isid'" },
	{ "{\"paths_off\":[{\"iface\":\"vmk/1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1:3260\",\"lun\":1}]}",
	  "nmp.paths_off[0]: Invalid iface name: vmk/1" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"not an iqn\","
	  "\"portal\":\"10.0.0.1:3260\",\"lun\":1}]}",
	  "nmp.paths_off[0]: Invalid iSCSI target name: not an iqn" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1\",\"lun\":1}]}",
	  "nmp.paths_off[0]: Invalid portal: 10.0.0.1" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1:0\",\"lun\":1}]}",
	  "nmp.paths_off[0]: Invalid portal: 10.0.0.1:0" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"fd00::1:3260\",\"lun\":1}]}",
	  "nmp.paths_off[0]: Invalid portal: fd00::1:3260" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1:3260\",\"lun\":-1}]}",
	  "nmp.paths_off[0]: lun must be an integer from 0" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1:3260\",\"lun\":\"1\"}]}",
	  "nmp.paths_off[0]: lun must be an integer from 0" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1:3260\"}]}",
	  "nmp.paths_off[0]: lun must be an integer from 0" },
	{ "{\"paths_off\":[{\"iface\":\"vmk1\",\"target\":\"iqn.2001-04.com.example:t1\","
	  "\"portal\":\"10.0.0.1:3260\",\"lun\":1},{\"iface\":\"vmk1\","
	  "\"target\":\"iqn.2001-04.com.example:t1\",\"portal\":\"10.0.0.1:3260\",\"lun\":1}]}",
	  "nmp.paths_off[1]: the same path is stored twice" },
};

START_TEST(json_corrupt)
{
	struct json_object *root = json_object_new_object();
	struct json_object *section = json_tokener_parse(corrupt_cases[_i].json);
	struct model m = { 0 };
	struct esx_err err = { 0 };
	char expected[256];

	ck_assert_ptr_nonnull(section);
	json_object_object_add(root, "nmp", section);
	ck_assert_int_eq(model_load(root, &m, &err), -EBADMSG);
	snprintf(expected, sizeof(expected), "The stored NMP configuration is invalid: %s",
		 corrupt_cases[_i].where);
	ck_assert_msg(strncmp(err.text, expected, strlen(expected)) == 0, "case %d: %s", _i,
		      err.text);
	ck_assert_uint_eq(m.nmp.nrules + m.nmp.ndevices + m.nmp.nsatp_defaults +
			  m.nmp.npaths_off, 0);
	json_object_put(root);
}
END_TEST

/* ---- the drop-in file ---- */

START_TEST(dropin_compare_and_write)
{
	char dir[] = "/tmp/test_nmp.XXXXXX", path[400], sub[320], mid[256];
	struct esx_err err = { 0 };
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(mid, sizeof(mid), "%s/multipath", dir);
	snprintf(sub, sizeof(sub), "%s/conf.d", mid);
	snprintf(path, sizeof(path), "%s/esxclid.conf", sub);
	ck_assert_int_eq(mpath_dropin_differs(path, "a\n", &err), 1);   /* missing */
	ck_assert_msg(mpath_dropin_write(path, "a\n", &err) == 0, "%s", err.text);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(mpath_dropin_differs(path, "a\n", &err), 0);
	ck_assert_int_eq(mpath_dropin_differs(path, "a\nb\n", &err), 1);   /* longer */
	ck_assert_int_eq(mpath_dropin_differs(path, "a", &err), 1);        /* shorter */
	ck_assert_int_eq(mpath_dropin_differs(path, "b\n", &err), 1);
	ck_assert_int_eq(mpath_dropin_write(path, "b\n", &err), 0);
	ck_assert_int_eq(mpath_dropin_differs(path, "b\n", &err), 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(sub), 0);
	ck_assert_int_eq(rmdir(mid), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- the real multipath-tools ---- */

#define MULTIPATH "/usr/sbin/multipath"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	ck_assert_ptr_nonnull(f);
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(text);
		return strdup("");
	}
	return text;
}

/* multipath has no option for another configuration: run `multipath -t`
 * in a private mount namespace where /etc is an overlay whose upper layer
 * holds only our drop-in. Exit 77 from the child: namespace or overlay
 * unavailable. */
static int run_multipath_t(const char *dir, char **out, char **errout)
{
	char opts[512], outp[300], errp[300];
	pid_t pid;
	int status;

	snprintf(opts, sizeof(opts), "lowerdir=/etc,upperdir=%s/upper,workdir=%s/work", dir, dir);
	snprintf(outp, sizeof(outp), "%s/out", dir);
	snprintf(errp, sizeof(errp), "%s/err", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *const argv[] = { (char *)MULTIPATH, (char *)"-t", NULL };
		int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o < 0 || e < 0 || unshare(CLONE_NEWNS) < 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("overlay", "/etc", "overlay", 0, opts) < 0)
			_exit(77);
		if (dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(77);
		execv(MULTIPATH, argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	*out = slurp(outp);
	*errout = slurp(errp);
	return WEXITSTATUS(status);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static const char *const leftovers[] = {
	"upper/multipath/conf.d/esxclid.conf", "upper/multipath/conf.d", "upper/multipath",
	"upper", "work/work", "work", "out", "err",
};

START_TEST(multipath_parses_dropin)
{
	char dir[] = "/tmp/test_nmp_mp.XXXXXX", path[512], *text, *out = NULL, *errout = NULL;
	struct nmp_config c = { 0 };
	struct nmp_device_config *d;
	int rc;

	if (geteuid() != 0 || access(MULTIPATH, X_OK) != 0) {
		fprintf(stderr, "multipath_parses_dropin: skipped (needs root and %s)\n",
			MULTIPATH);
		return;
	}
	add_rule(&c, "VMW_SATP_ALUA", "LIO-ORG", "disk.1 (x)", "VMW_PSP_RR", "iops=1");
	add_rule(&c, "VMW_SATP_DEFAULT_AA", "IET", "VIRTUAL-DISK", "VMW_PSP_RR", "policy=latency");
	add_rule(&c, "VMW_SATP_DEFAULT_AA", "ACME+", "", "VMW_PSP_MRU", "");
	d = nmp_device_get_or_add(&c, "naa.60014050aabbccddeeff001122334455");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_RR");
	d->rr.type = NMP_RR_IOPS;
	d->rr.iops = 1;
	d = nmp_device_get_or_add(&c, "naa.5000c5001234abcd");
	snprintf(d->psp, sizeof(d->psp), "VMW_PSP_FIXED");
	{
		static const struct mpath_array arrays[] = {
			{ "IET", "VIRTUAL-DISK" }, { "LIO-ORG", "TCMU device" },
			{ "PURE", "FlashArray" },
		};
		struct esx_err err = { 0 };

		ck_assert_msg(mpath_conf_render(&c, arrays, 3, &text, &err) == 0, "%s", err.text);
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/upper", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/work", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/upper/multipath", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/upper/multipath/conf.d", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/upper/multipath/conf.d/esxclid.conf", dir);
	write_file(path, text);
	rc = run_multipath_t(dir, &out, &errout);
	if (rc == 77) {
		fprintf(stderr,
			"multipath_parses_dropin: skipped (no mount namespace or overlay)\n");
	} else {
		ck_assert_msg(rc == 0, "multipath -t exited %d: %s", rc, errout);
		ck_assert_msg(errout[0] == '\0', "multipath -t warned:\n%s", errout);
		ck_assert_ptr_nonnull(strstr(out,
			"\t\tvendor \"^LIO-ORG$\"\n"
			"\t\tproduct \"^disk\\.1 \\(x\\)$\"\n"
			"\t\tpath_grouping_policy \"group_by_prio\"\n"
			"\t\tpath_selector \"round-robin 0\"\n"
			"\t\thardware_handler \"1 alua\"\n"
			"\t\tprio \"alua\"\n"
			"\t\tfailback \"immediate\"\n"
			"\t\trr_min_io_rq 1\n"));
		ck_assert_msg(strstr(out,
			"\t\tvendor \"^IET$\"\n"
			"\t\tproduct \"^VIRTUAL-DISK$\"\n"
			"\t\tpath_grouping_policy \"multibus\"\n"
			"\t\tpath_selector \"service-time 0\"\n"
			"\t\tfailback \"immediate\"\n"
			"\t\tfast_io_fail_tmo off\n"
			"\t}\n") != NULL, "%s", out);
		/* An array's own entry; multipath's entry for the vendor stays
		 * as it was (multipath merges matching entries per path, the
		 * later one winning per attribute). */
		ck_assert_ptr_nonnull(strstr(out,
			"\tdevice {\n"
			"\t\tvendor \"^LIO-ORG$\"\n"
			"\t\tproduct \"^TCMU device$\"\n"
			"\t\tfast_io_fail_tmo off\n"
			"\t}\n"));
		ck_assert_ptr_nonnull(strstr(out,
			"\t\tvendor \"(LIO-ORG|SUSE)\"\n"
			"\t\tproduct \".*\"\n"
			"\t\tpath_grouping_policy \"group_by_prio\"\n"
			"\t\thardware_handler \"1 alua\"\n"
			"\t\tprio \"alua\"\n"
			"\t\tfailback \"immediate\"\n"
			"\t\tno_path_retry 12\n"
			"\t}\n"));
		ck_assert_ptr_nonnull(strstr(out,
			"\t\tvendor \"^ACME\\+$\"\n"
			"\t\tproduct \".*\"\n"
			"\t\tpath_grouping_policy \"failover\"\n"
			"\t\tfailback \"manual\"\n"));
		ck_assert_ptr_nonnull(strstr(out,
			"\t\tvendor \"^PURE$\"\n"
			"\t\tproduct \"^FlashArray$\"\n"
			"\t\tpath_grouping_policy \"group_by_prio\"\n"
			"\t\tpath_selector \"round-robin 0\"\n"
			"\t\thardware_handler \"1 alua\"\n"
			"\t\tprio \"alua\"\n"
			"\t\tfailback \"immediate\"\n"
			"\t\trr_min_io_rq 1\n"
			"\t\tfast_io_fail_tmo off\n"
			"\t}\n"));
		ck_assert_ptr_nonnull(strstr(out,
			"\tmultipath {\n"
			"\t\twwid \"360014050aabbccddeeff001122334455\"\n"
			"\t\tpath_grouping_policy \"group_by_prio\"\n"
			"\t\tpath_selector \"round-robin 0\"\n"
			"\t\tfailback \"immediate\"\n"
			"\t\trr_min_io_rq 1\n"
			"\t}\n"));
		ck_assert_ptr_nonnull(strstr(out,
			"\tmultipath {\n"
			"\t\twwid \"35000c5001234abcd\"\n"
			"\t\tpath_grouping_policy \"failover\"\n"
			"\t\tfailback \"immediate\"\n"
			"\t}\n"));
	}
	/* What the test and the overlay made, deepest first. */
	for (size_t i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, leftovers[i]);
		remove(path);
	}
	ck_assert_int_eq(rmdir(dir), 0);
	free(out);
	free(errout);
	free(text);
	nmp_config_free(&c);
}
END_TEST


/* ---- paths set off ---- */

#define T1 "iqn.2001-04.com.example:t1"
#define T2 "iqn.2001-04.com.example:t2"

static struct nmp_path_off off_id(const char *iface, const char *target, const char *portal,
				  unsigned long long lun)
{
	struct nmp_path_off p = { 0 };

	snprintf(p.iface, sizeof(p.iface), "%s", iface);
	snprintf(p.target, sizeof(p.target), "%s", target);
	snprintf(p.portal, sizeof(p.portal), "%s", portal);
	p.lun = lun;
	return p;
}

START_TEST(paths_off_round_trip)
{
	struct model m = { 0 }, back = { 0 }, copy = { 0 };
	struct json_object *root = json_object_new_object(), *root2 = json_object_new_object();
	struct json_object *section;
	struct nmp_path_off a = off_id("vmk1", T1, "10.10.1.100:3260", 0);
	struct nmp_path_off b = off_id("vmk2", T2, "[fd00::64]:3261", 7);
	struct esx_err err = { 0 };

	model_iscsi_defaults(&m.iscsi);
	fill(&m);
	/* Before any path is off, the section has no paths_off key at all:
	 * stores written before it existed stay the same. */
	ck_assert_int_eq(model_save(&m, root, &err), 0);
	ck_assert(json_object_object_get_ex(root, "nmp", &section));
	ck_assert(!json_object_object_get_ex(section, "paths_off", NULL));
	ck_assert_int_eq(nmp_check_path_off(&a, &err), 0);
	ck_assert_int_eq(nmp_check_path_off(&b, &err), 0);
	ck_assert_int_eq(nmp_add_path_off(&m.nmp, &a), 0);
	ck_assert_int_eq(nmp_add_path_off(&m.nmp, &b), 0);
	ck_assert_int_eq(model_save(&m, root, &err), 0);
	ck_assert_msg(model_load(root, &back, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(back.nmp.npaths_off, 2);
	ck_assert_str_eq(back.nmp.paths_off[0].iface, "vmk1");
	ck_assert_str_eq(back.nmp.paths_off[0].target, T1);
	ck_assert_str_eq(back.nmp.paths_off[0].portal, "10.10.1.100:3260");
	ck_assert_uint_eq(back.nmp.paths_off[0].lun, 0);
	ck_assert_str_eq(back.nmp.paths_off[1].portal, "[fd00::64]:3261");
	ck_assert_uint_eq(back.nmp.paths_off[1].lun, 7);
	ck_assert_int_eq(model_save(&back, root2, &err), 0);
	ck_assert_str_eq(json_object_to_json_string(root), json_object_to_json_string(root2));
	/* Found by every part of the identity, and only by all of them. */
	ck_assert_ptr_eq(nmp_find_path_off(&back.nmp, &b), &back.nmp.paths_off[1]);
	b.lun = 6;
	ck_assert_ptr_null(nmp_find_path_off(&back.nmp, &b));
	b = off_id("vmk1", T2, "[fd00::64]:3261", 7);
	ck_assert_ptr_null(nmp_find_path_off(&back.nmp, &b));
	/* A clone owns its own array. */
	ck_assert_int_eq(model_clone(&back, &copy), 0);
	ck_assert_ptr_ne(copy.nmp.paths_off, back.nmp.paths_off);
	nmp_remove_path_off(&copy.nmp, &a);
	ck_assert_uint_eq(copy.nmp.npaths_off, 1);
	ck_assert_str_eq(copy.nmp.paths_off[0].iface, "vmk2");
	ck_assert_uint_eq(back.nmp.npaths_off, 2);
	/* Paths off alone keep the section. */
	nmp_config_free(&copy.nmp);
	ck_assert_int_eq(nmp_add_path_off(&copy.nmp, &a), 0);
	ck_assert(!nmp_config_empty(&copy.nmp));
	ck_assert_int_eq(model_save(&copy, root2, &err), 0);
	ck_assert(json_object_object_get_ex(root2, "nmp", &section));
	ck_assert(json_object_object_get_ex(section, "paths_off", NULL));
	model_free(&copy);
	model_free(&m);
	model_free(&back);
	json_object_put(root);
	json_object_put(root2);
}
END_TEST

/* Two LUNs of T1 through vmk1 and vmk2 (one device each), and one LUN of
 * T2 through vmk1 only. */
static const struct iscsi_path sys_paths[] = {
	{ 1, "vmk1", T1, "10.10.1.100:3260", "2:0:0:1", "sdb", "naa.600000000000000000000000000000a1",
	  "LOGGED_IN", "running", true, "IET", "VIRTUAL-DISK" },
	{ 2, "vmk2", T1, "10.10.1.100:3260", "3:0:0:1", "sdc", "naa.600000000000000000000000000000a1",
	  "LOGGED_IN", "running", true, "IET", "VIRTUAL-DISK" },
	{ 1, "vmk1", T1, "10.10.1.100:3260", "2:0:0:2", "sdd", "naa.600000000000000000000000000000a2",
	  "LOGGED_IN", "running", true, "IET", "VIRTUAL-DISK" },
	{ 2, "vmk2", T1, "10.10.1.100:3260", "3:0:0:2", "sde", "naa.600000000000000000000000000000a2",
	  "FAILED", "blocked", false, "IET", "VIRTUAL-DISK" },
	{ 3, "vmk1", T2, "10.10.1.100:3260", "4:0:0:1", "sdf", "naa.600000000000000000000000000000b1",
	  "LOGGED_IN", "running", true, "IET", "VIRTUAL-DISK" },
};
#define NSYS (sizeof(sys_paths) / sizeof(sys_paths[0]))

START_TEST(paths_off_identity)
{
	struct nmp_config c = { 0 };
	struct nmp_path_off id;
	struct iscsi_path p = sys_paths[0];
	struct esx_err err = { 0 };

	ck_assert_int_eq(nmp_path_off_of(&p, &id, &err), 0);
	ck_assert_str_eq(id.iface, "vmk1");
	ck_assert_str_eq(id.target, T1);
	ck_assert_str_eq(id.portal, "10.10.1.100:3260");
	ck_assert_uint_eq(id.lun, 1);
	ck_assert_int_eq(nmp_check_path_off(&id, &err), 0);
	ck_assert(!nmp_path_is_off(&c, &p));
	ck_assert_int_eq(nmp_add_path_off(&c, &id), 0);
	ck_assert(nmp_path_is_off(&c, &p));
	/* A new session (another sid, host, ISID and disk) is the same path. */
	p.sid = 9;
	snprintf(p.hctl, sizeof(p.hctl), "7:0:0:1");
	snprintf(p.block, sizeof(p.block), "sdz");
	ck_assert(nmp_path_is_off(&c, &p));
	/* Another vmk, portal, target or LUN is not. */
	for (size_t i = 1; i < NSYS; i++)
		ck_assert_msg(!nmp_path_is_off(&c, &sys_paths[i]), "path %zu", i);
	p = sys_paths[0];
	snprintf(p.portal, sizeof(p.portal), "10.10.1.101:3260");
	ck_assert(!nmp_path_is_off(&c, &p));
	/* Without a portal there is no identity. */
	p.portal[0] = '\0';
	ck_assert_int_eq(nmp_path_off_of(&p, &id, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "portal of path 2:0:0:1 is not known"));
	ck_assert(!nmp_path_is_off(&c, &p));
	nmp_config_free(&c);
}
END_TEST

static const struct nmp_path *by_runtime(const struct nmp_path *paths, const char *runtime)
{
	const struct nmp_path *p = nmp_path_named(paths, NSYS, runtime);

	ck_assert_msg(p != NULL, "no path %s", runtime);
	return p;
}

START_TEST(paths_off_states_and_last_path)
{
	struct nmp_config c = { 0 };
	struct esx_strv bindings = { 0 };
	struct nmp_path *paths = NULL;
	const struct nmp_path *p;
	struct nmp_path_off id;
	struct esx_err err = { 0 };

	ck_assert_int_eq(strv_add(&bindings, "vmk1"), 0);
	ck_assert_int_eq(strv_add(&bindings, "vmk2"), 0);
	ck_assert_int_eq(nmp_path_off_of(&sys_paths[1], &id, &err), 0);
	ck_assert_int_eq(nmp_add_path_off(&c, &id), 0);
	ck_assert_int_eq(nmp_paths_build_off(&c, "vmhba64", "iqn.1998-01.com.vmware:h", &bindings,
					     sys_paths, NSYS, NULL, 0, NULL, &paths, &err), 0);
	/* vmk2's path to LUN 1 is off: disabled, Group State dead. */
	p = by_runtime(paths, "vmhba64:C1:T0:L1");
	ck_assert_str_eq(p->sys->block, "sdc");
	ck_assert_str_eq(p->state, "disabled");
	ck_assert_str_eq(p->group_state, "dead");
	p = by_runtime(paths, "vmhba64:C0:T0:L1");
	ck_assert_str_eq(p->state, "active");
	ck_assert_ptr_eq(nmp_path_named(paths, NSYS, p->uid), p);
	ck_assert_ptr_null(nmp_path_named(paths, NSYS, "vmhba64:C9:T0:L1"));
	/* vmk1's path to LUN 1 is now the last usable one. */
	ck_assert_int_eq(nmp_path_off_allowed(paths, NSYS, p, &err), -EBUSY);
	ck_assert_ptr_nonnull(strstr(err.text, "vmhba64:C0:T0:L1"));
	ck_assert_ptr_nonnull(strstr(err.text, "last usable path to device "
				     "naa.600000000000000000000000000000a1"));
	/* So is vmk1's to LUN 2: vmk2's is dead. The dead one may go off. */
	ck_assert_int_eq(nmp_path_off_allowed(paths, NSYS, by_runtime(paths, "vmhba64:C0:T0:L2"),
					      &err), -EBUSY);
	ck_assert_int_eq(nmp_path_off_allowed(paths, NSYS, by_runtime(paths, "vmhba64:C1:T0:L2"),
					      &err), 0);
	/* T2's only path, and the one already off (setting it off again). */
	ck_assert_int_eq(nmp_path_off_allowed(paths, NSYS, by_runtime(paths, "vmhba64:C0:T1:L1"),
					      &err), -EBUSY);
	ck_assert_int_eq(nmp_path_off_allowed(paths, NSYS, by_runtime(paths, "vmhba64:C1:T0:L1"),
					      &err), 0);
	free(paths);
	/* Back on: both usable, either may go off. */
	nmp_remove_path_off(&c, &id);
	ck_assert_int_eq(nmp_paths_build_off(&c, "vmhba64", "iqn.1998-01.com.vmware:h", &bindings,
					     sys_paths, NSYS, NULL, 0, NULL, &paths, &err), 0);
	ck_assert_str_eq(by_runtime(paths, "vmhba64:C1:T0:L1")->state, "active");
	ck_assert_int_eq(nmp_path_off_allowed(paths, NSYS, by_runtime(paths, "vmhba64:C0:T0:L1"),
					      &err), 0);
	free(paths);
	strv_free(&bindings);
	nmp_config_free(&c);
}
END_TEST

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(scsi_disk_offline_write)
{
	char root[] = "/tmp/test_nmp_sys.XXXXXX", dir[128], state[160], text[32] = "";
	struct esx_err err = { 0 };
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/block", root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/block/sdb", root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/block/sdb/device", root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(state, sizeof(state), "%s/state", dir);
	write_text(state, "running");
	ck_assert_int_eq(scsi_disk_set_offline(root, "sdb", &err), 0);
	f = fopen(state, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(text, sizeof(text), f));
	fclose(f);
	ck_assert_str_eq(text, "offline\n");
	/* Names that would leave /sys/block, and disks that are not there. */
	ck_assert_int_eq(scsi_disk_set_offline(root, "../sdb", &err), -EINVAL);
	ck_assert_int_eq(scsi_disk_set_offline(root, "..", &err), -EINVAL);
	ck_assert_int_eq(scsi_disk_set_offline(root, "", &err), -EINVAL);
	ck_assert_int_eq(scsi_disk_set_offline(root, "sdq", &err), -ENOENT);
	unlink(state);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/block/sdb", root);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/block", root);
	rmdir(dir);
	ck_assert_int_eq(rmdir(root), 0);
}
END_TEST

static Suite *nmp_suite(void)
{
	Suite *s = suite_create("nmp");
	TCase *checks = tcase_create("checks");
	TCase *conf = tcase_create("conf");
	TCase *store = tcase_create("store");
	TCase *real = tcase_create("multipath");
	TCase *off = tcase_create("paths_off");

	tcase_add_test(checks, catalog_tables);
	tcase_add_test(checks, vendor_model_checks);
	tcase_add_test(checks, other_checks);
	tcase_add_test(checks, psp_options);
	tcase_add_test(checks, wwid_from_device);
	suite_add_tcase(s, checks);
	tcase_add_test(conf, regex_literal);
	tcase_add_test(conf, render_empty);
	tcase_add_loop_test(conf, render_rule_matrix, 0, (int)(sizeof(matrix) / sizeof(matrix[0])));
	tcase_add_test(conf, render_satp_default_and_sides);
	tcase_add_test(conf, render_devices);
	tcase_add_test(conf, render_refuses_hostile);
	tcase_add_test(conf, render_arrays);
	tcase_add_test(conf, render_array_in_rule);
	tcase_add_loop_test(conf, render_refuses_hostile_array, 0, 4);
	suite_add_tcase(s, conf);
	tcase_add_test(store, json_round_trip);
	tcase_add_loop_test(store, json_corrupt, 0,
			    (int)(sizeof(corrupt_cases) / sizeof(corrupt_cases[0])));
	tcase_add_test(store, dropin_compare_and_write);
	suite_add_tcase(s, store);
	tcase_add_test(off, paths_off_round_trip);
	tcase_add_test(off, paths_off_identity);
	tcase_add_test(off, paths_off_states_and_last_path);
	tcase_add_test(off, scsi_disk_offline_write);
	suite_add_tcase(s, off);
	tcase_set_timeout(real, 30);
	tcase_add_test(real, multipath_parses_dropin);
	suite_add_tcase(s, real);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(nmp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
