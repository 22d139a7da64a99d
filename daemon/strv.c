/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A growable vector of owned strings. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

int strv_add(struct esx_strv *v, const char *s)
{
	char *copy;

	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		char **items = realloc(v->items, cap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		v->items = items;
		v->cap = cap;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	v->items[v->len++] = copy;
	return 0;
}

int strv_add_if_prefix(struct esx_strv *v, const char *s, const char *prefix)
{
	if (prefix && strncmp(s, prefix, strlen(prefix)) != 0)
		return 0;
	return strv_add(v, s);
}

int strv_contains(const struct esx_strv *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++) {
		if (strcmp(v->items[i], s) == 0)
			return 1;
	}
	return 0;
}

int strv_add_unique(struct esx_strv *v, const char *s)
{
	return strv_contains(v, s) ? 0 : strv_add(v, s);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort_unique(struct esx_strv *v)
{
	size_t out = 0;

	if (v->len == 0)
		return;
	qsort(v->items, v->len, sizeof(*v->items), compare_strings);
	for (size_t i = 0; i < v->len; i++) {
		if (out > 0 && strcmp(v->items[out - 1], v->items[i]) == 0) {
			free(v->items[i]);
			continue;
		}
		v->items[out++] = v->items[i];
	}
	v->len = out;
}

void strv_free(struct esx_strv *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}
