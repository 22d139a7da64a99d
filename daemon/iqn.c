/* SPDX-License-Identifier: GPL-3.0-or-later */
/* iSCSI names and aliases: RFC 3720's three formats, and new names. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "iqn.h"

/* ASCII only, whatever the locale says. */
static bool ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool ascii_alnum(unsigned char c)
{
	return ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!ascii_digit(c) && !((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			return false;
	}
	return true;
}

/* The characters RFC 3720 leaves in a name once stringprep has run, as far
 * as ASCII goes: letters, digits, '-', '.' and ':'. Anything else (blanks,
 * '/', quotes, '=') could also change the meaning of a file line or a path. */
static bool name_char(unsigned char c)
{
	return ascii_alnum(c) || c == '-' || c == '.' || c == ':';
}

/* "YYYY-MM." and a reversed domain name, up to the end or the first ':'. */
static const char *iqn_body_reason(const char *p)
{
	const char *label;

	for (int i = 0; i < 4; i++) {
		if (!ascii_digit((unsigned char)p[i]))
			return "an iqn name starts with iqn.YYYY-MM. (a year of four digits)";
	}
	if (p[4] != '-' || !ascii_digit((unsigned char)p[5]) || !ascii_digit((unsigned char)p[6]))
		return "an iqn name starts with iqn.YYYY-MM. (a month of two digits)";
	if ((p[5] - '0') * 10 + (p[6] - '0') < 1 || (p[5] - '0') * 10 + (p[6] - '0') > 12)
		return "the month after iqn.YYYY- must be 01 to 12";
	if (p[7] != '.')
		return "the date must be followed by a dot and the naming authority's reversed domain name";
	label = p + 8;
	for (;;) {
		const char *end = label;

		while (ascii_alnum((unsigned char)*end) || *end == '-')
			end++;
		if (end == label)
			return "the naming authority must be a reversed domain name (com.example)";
		if (*end == '.') {
			label = end + 1;
			continue;
		}
		if (*end == '\0')
			return NULL;
		if (*end != ':')
			return "the naming authority must be a reversed domain name (com.example)";
		for (const char *q = end + 1; *q; q++) {
			if (!name_char((unsigned char)*q))
				return "only letters, digits, '-', '.' and ':' may follow the naming authority";
		}
		return NULL;
	}
}

const char *iqn_invalid_reason(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		return "the name is empty";
	if (len >= ISCSI_NAME_MAX)
		return "an iSCSI name has at most 223 characters";
	if (strncmp(name, "iqn.", 4) == 0)
		return iqn_body_reason(name + 4);
	if (strncmp(name, "eui.", 4) == 0) {
		if (len != 4 + 16 || !all_hex(name + 4, 16))
			return "an eui name is eui. followed by 16 hexadecimal digits";
		return NULL;
	}
	if (strncmp(name, "naa.", 4) == 0) {
		if ((len != 4 + 16 && len != 4 + 32) || !all_hex(name + 4, len - 4))
			return "a naa name is naa. followed by 16 or 32 hexadecimal digits";
		return NULL;
	}
	return "an iSCSI name starts with iqn., eui. or naa.";
}

bool iqn_valid(const char *name)
{
	return iqn_invalid_reason(name) == NULL;
}

const char *iqn_alias_invalid_reason(const char *alias)
{
	size_t len = alias ? strlen(alias) : 0;

	if (len >= ISCSI_ALIAS_MAX)
		return "an alias has at most 255 characters";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)alias[i];

		if (c <= ' ' || c >= 0x7f)
			return "an alias is printable ASCII without blanks (open-iscsi ends it at the first blank)";
	}
	return NULL;
}

void iqn_generate(const unsigned char random[6], char *out, size_t len)
{
	snprintf(out, len, "iqn.2005-03.org.open-iscsi:%02x%02x%02x%02x%02x%02x", random[0],
		 random[1], random[2], random[3], random[4], random[5]);
}
