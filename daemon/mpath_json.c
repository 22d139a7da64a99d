/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Parsing multipathd's `show maps json` into maps, path groups and paths,
 * and the pure questions asked of the result (see mpath_json.h).
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpath_json.h"

/* A missing key is "" (multipathd leaves some out in older formats); a
 * value that is not a string, or too long, is refused. */
static int get_str(struct json_object *obj, const char *key, char *out, size_t len,
		   struct esx_err *err)
{
	struct json_object *v;
	const char *s;

	out[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return err_set(err, EINVAL, "multipathd's JSON: \"%s\" is not a string", key);
	s = json_object_get_string(v);
	if ((size_t)snprintf(out, len, "%s", s) >= len)
		return err_set(err, EINVAL, "multipathd's JSON: \"%s\" is too long", key);
	return 0;
}

/* The string members a JSON object fills, by key. */
struct str_field {
	const char *key;
	size_t offset, size;
};

#define FIELD(type, member) { #member, offsetof(type, member), sizeof(((type *)0)->member) }

static const struct str_field path_fields[] = {
	FIELD(struct mpath_path, dev), FIELD(struct mpath_path, dev_t),
	FIELD(struct mpath_path, dm_st), FIELD(struct mpath_path, dev_st),
	FIELD(struct mpath_path, chk_st), FIELD(struct mpath_path, checker),
	FIELD(struct mpath_path, host_wwnn), FIELD(struct mpath_path, target_wwnn),
	FIELD(struct mpath_path, host_wwpn), FIELD(struct mpath_path, target_wwpn),
	FIELD(struct mpath_path, host_adapter), FIELD(struct mpath_path, marginal_st),
};

static const struct str_field group_fields[] = {
	FIELD(struct mpath_group, selector), FIELD(struct mpath_group, dm_st),
	FIELD(struct mpath_group, marginal_st),
};

static const struct str_field map_fields[] = {
	FIELD(struct mpath_map, name), FIELD(struct mpath_map, uuid),
	FIELD(struct mpath_map, sysfs), FIELD(struct mpath_map, failback),
	FIELD(struct mpath_map, queueing), FIELD(struct mpath_map, write_prot),
	FIELD(struct mpath_map, dm_st), FIELD(struct mpath_map, features),
	FIELD(struct mpath_map, hwhandler), FIELD(struct mpath_map, action),
	FIELD(struct mpath_map, vend), FIELD(struct mpath_map, prod),
	FIELD(struct mpath_map, rev),
};

static int get_fields(struct json_object *obj, void *base, const struct str_field *fields,
		      size_t n, struct esx_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int ret = get_str(obj, fields[i].key, (char *)base + fields[i].offset,
				  fields[i].size, err);

		if (ret < 0)
			return ret;
	}
	return 0;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* multipathd prints numbers bare; an unknown one may come as a string. */
static long long get_int(struct json_object *obj, const char *key, long long dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return dflt;
	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	return dflt;
}

/* "0x0001000000000000": the SAM LUN, two bytes per level, the way the
 * kernel's scsilun_to_int folds it into the L of H:C:T:L. */
static bool parse_lun_hex(const char *s, unsigned long long *lun)
{
	unsigned char b[8];
	unsigned long long v = 0;

	if (strncmp(s, "0x", 2) != 0 || strlen(s) != 18)
		return false;
	for (size_t i = 0; i < 8; i++) {
		unsigned x;

		if (sscanf(s + 2 + 2 * i, "%2x", &x) != 1)
			return false;
		b[i] = (unsigned char)x;
	}
	for (size_t i = 0; i < 8; i += 2)
		v |= (unsigned long long)((b[i] << 8) | b[i + 1]) << (i * 8);
	*lun = v;
	return true;
}

static int parse_path(struct json_object *jp, size_t group, struct mpath_path *p,
		      struct esx_err *err)
{
	char lun_hex[MPATH_SHORT_MAX];
	int ret;

	if (!json_object_is_type(jp, json_type_object))
		return err_set(err, EINVAL, "multipathd's JSON: a path is not an object");
	if ((ret = get_fields(jp, p, path_fields, ARRAY_LEN(path_fields), err)) < 0 ||
	    (ret = get_str(jp, "lun_hex", lun_hex, sizeof(lun_hex), err)) < 0)
		return ret;
	if (!p->dev[0])
		return err_set(err, EINVAL, "multipathd's JSON: a path has no \"dev\"");
	p->pri = (int)get_int(jp, "pri", -1);
	p->lun_known = parse_lun_hex(lun_hex, &p->lun);
	p->group = group;
	return 0;
}

static int parse_group(struct json_object *jg, struct mpath_map *m, size_t gi,
		       struct esx_err *err)
{
	struct mpath_group *g = &m->groups[gi];
	struct json_object *paths;
	size_t n;
	int ret;

	if (!json_object_is_type(jg, json_type_object))
		return err_set(err, EINVAL, "multipathd's JSON: a path group is not an object");
	ret = get_fields(jg, g, group_fields, ARRAY_LEN(group_fields), err);
	if (ret < 0)
		return ret;
	g->pri = (int)get_int(jg, "pri", -1);
	g->number = (unsigned)get_int(jg, "group", (long long)gi + 1);
	g->first = m->npaths;
	g->npaths = 0;
	if (!json_object_object_get_ex(jg, "paths", &paths) || !paths)
		return 0;
	if (!json_object_is_type(paths, json_type_array))
		return err_set(err, EINVAL, "multipathd's JSON: \"paths\" is not an array");
	n = json_object_array_length(paths);
	if (n) {
		struct mpath_path *grown = realloc(m->paths, (m->npaths + n) * sizeof(*grown));

		if (!grown)
			return err_set(err, ENOMEM, "Out of memory");
		m->paths = grown;
		memset(&m->paths[m->npaths], 0, n * sizeof(*grown));
	}
	for (size_t i = 0; i < n; i++) {
		ret = parse_path(json_object_array_get_idx(paths, i), gi,
				 &m->paths[m->npaths], err);
		if (ret < 0)
			return ret;
		m->npaths++;
		g->npaths++;
	}
	return 0;
}

static void map_free(struct mpath_map *m)
{
	free(m->groups);
	free(m->paths);
	m->groups = NULL;
	m->paths = NULL;
}

static int parse_map(struct json_object *jm, struct mpath_map *m, struct esx_err *err)
{
	struct json_object *groups;
	size_t n;
	int ret;

	if (!json_object_is_type(jm, json_type_object))
		return err_set(err, EINVAL, "multipathd's JSON: a map is not an object");
	ret = get_fields(jm, m, map_fields, ARRAY_LEN(map_fields), err);
	if (ret < 0)
		return ret;
	if (!m->name[0] || !m->uuid[0])
		return err_set(err, EINVAL, "multipathd's JSON: a map has no name or uuid");
	m->path_faults = get_int(jm, "path_faults", 0);
	if (!json_object_object_get_ex(jm, "path_groups", &groups) || !groups)
		return 0;
	if (!json_object_is_type(groups, json_type_array))
		return err_set(err, EINVAL, "multipathd's JSON: \"path_groups\" is not an array");
	n = json_object_array_length(groups);
	if (!n)
		return 0;
	m->groups = calloc(n, sizeof(*m->groups));
	if (!m->groups)
		return err_set(err, ENOMEM, "Out of memory");
	for (size_t i = 0; i < n; i++) {
		m->ngroups = i + 1;
		ret = parse_group(json_object_array_get_idx(groups, i), m, i, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void mpath_maps_free(struct mpath_maps *maps)
{
	for (size_t i = 0; i < maps->n; i++)
		map_free(&maps->maps[i]);
	free(maps->maps);
	maps->maps = NULL;
	maps->n = 0;
}

int mpath_json_parse(const char *text, struct mpath_maps *out, struct esx_err *err)
{
	struct json_object *root = NULL, *list, *one;
	size_t n = 0;
	int ret = 0;

	out->maps = NULL;
	out->n = 0;
	root = json_tokener_parse(text);
	if (!root || !json_object_is_type(root, json_type_object)) {
		ret = err_set(err, EINVAL, "multipathd's reply is not JSON: %.80s", text);
		goto out;
	}
	if (json_object_object_get_ex(root, "maps", &list) && list) {
		if (!json_object_is_type(list, json_type_array)) {
			ret = err_set(err, EINVAL, "multipathd's JSON: \"maps\" is not an array");
			goto out;
		}
		n = json_object_array_length(list);
	} else if (json_object_object_get_ex(root, "map", &one) && one) {
		list = NULL;
		n = 1;
	} else {
		ret = err_set(err, EINVAL, "multipathd's JSON has neither \"maps\" nor \"map\"");
		goto out;
	}
	if (n) {
		out->maps = calloc(n, sizeof(*out->maps));
		if (!out->maps) {
			ret = err_set(err, ENOMEM, "Out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		out->n = i + 1;
		ret = parse_map(list ? json_object_array_get_idx(list, i) : one,
				&out->maps[i], err);
		if (ret < 0)
			goto out;
	}
out:
	if (ret < 0)
		mpath_maps_free(out);
	json_object_put(root);
	return ret;
}

const struct mpath_map *mpath_maps_find(const struct mpath_maps *maps, const char *key)
{
	for (size_t i = 0; i < maps->n; i++)
		if (!strcmp(maps->maps[i].name, key) || !strcmp(maps->maps[i].uuid, key))
			return &maps->maps[i];
	return NULL;
}

bool mpath_maps_find_path(const struct mpath_maps *maps, const char *dev,
			  const struct mpath_map **map, const struct mpath_path **path)
{
	for (size_t i = 0; i < maps->n; i++) {
		for (size_t j = 0; j < maps->maps[i].npaths; j++) {
			if (!strcmp(maps->maps[i].paths[j].dev, dev)) {
				*map = &maps->maps[i];
				*path = &maps->maps[i].paths[j];
				return true;
			}
		}
	}
	return false;
}

bool mpath_path_usable(const struct mpath_path *p)
{
	return !strcmp(p->dm_st, "active") &&
	       (!strcmp(p->chk_st, "ready") || !strcmp(p->chk_st, "ghost"));
}

static size_t group_usable(const struct mpath_map *map, size_t gi, size_t *idx, size_t max)
{
	const struct mpath_group *g = &map->groups[gi];
	size_t n = 0;

	for (size_t i = g->first; i < g->first + g->npaths; i++) {
		if (!mpath_path_usable(&map->paths[i]))
			continue;
		if (idx && n < max)
			idx[n] = i;
		n++;
	}
	return n;
}

size_t mpath_map_working(const struct mpath_map *map, size_t *idx, size_t max)
{
	for (size_t gi = 0; gi < map->ngroups; gi++) {
		if (!strcmp(map->groups[gi].dm_st, "active")) {
			size_t n = group_usable(map, gi, idx, max);

			if (n)
				return n;
		}
	}
	/* No active group with a usable path (its last one just failed, or
	 * the map is being set up): the kernel switches to the next group
	 * in order that has one. */
	for (size_t gi = 0; gi < map->ngroups; gi++) {
		size_t n = group_usable(map, gi, idx, max);

		if (n)
			return n;
	}
	return 0;
}

const char *mpath_map_status(const struct mpath_map *map)
{
	size_t usable = 0;

	for (size_t i = 0; i < map->npaths; i++)
		usable += mpath_path_usable(&map->paths[i]);
	if (usable >= 2)
		return "on";
	return usable == 1 ? "degraded" : "dead";
}
