/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A growable vector of owned strings (completion candidates, name lists). */
#ifndef ESXD_STRV_H
#define ESXD_STRV_H

#include <stddef.h>

struct esx_strv {
	char **items;
	size_t len, cap;
};

/* Append a copy of s. Returns 0 or -ENOMEM. */
int strv_add(struct esx_strv *v, const char *s);
/* Append s only if it starts with prefix (NULL or "" matches everything). */
int strv_add_if_prefix(struct esx_strv *v, const char *s, const char *prefix);
/* Append s unless the vector holds it already. */
int strv_add_unique(struct esx_strv *v, const char *s);
/* Whether the vector holds s. */
int strv_contains(const struct esx_strv *v, const char *s);
/* Sort and drop duplicates. */
void strv_sort_unique(struct esx_strv *v);
void strv_free(struct esx_strv *v);

#endif
