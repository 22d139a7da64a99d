/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `esxcli system` namespace: version, host UUID and host name. The UUID
 * is generated once and kept in the desired-state store, as ESXi keeps its
 * own in esx.conf.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "store.h"

#define UUID_TEXT_LEN 36

static const char hosts_path[] = "/etc/hosts";

/* ---- system version get ---- */

static int system_version_get(struct esx_call *call)
{
	struct esx_record *rec;
	struct utsname uts;
	unsigned major = 0, minor = 0, update = 0, patch = 0;
	int parts;

	if (uname(&uts) < 0)
		return err_set(&call->err, errno, "Unable to read the kernel release: %s",
			       strerror(errno));
	/* ESXi's Version is major.minor.update (8.0.3 is 8.0 Update 3); a
	 * fourth number, when the package has one, is the patch level. */
	parts = sscanf(PACKAGE_VERSION, "%u.%u.%u.%u", &major, &minor, &update, &patch);
	rec = result_record(call->result, NULL);
	rec_str(rec, "Product", "esxcli-linux");
	rec_str(rec, "Version", PACKAGE_VERSION);
	/* There is no build number of ours worth showing; what the host really
	 * runs underneath is the kernel, so Build is its release. */
	rec_str(rec, "Build", uts.release);
	rec_strf(rec, "Update", "%u", parts >= 3 ? update : 0);
	rec_strf(rec, "Patch", "%u", parts >= 4 ? patch : 0);
	return 0;
}

/* ---- system uuid get ---- */

static bool uuid_is_valid(const char *text)
{
	if (strlen(text) != UUID_TEXT_LEN)
		return false;
	for (int i = 0; i < UUID_TEXT_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? text[i] != '-' : !isxdigit((unsigned char)text[i]))
			return false;
	}
	return true;
}

/* The stored UUID, or NULL when none was made yet. A "system" entry that
 * is not what this file wrote is an error, never silently replaced: the
 * UUID must not change under the admin's feet. */
static int stored_uuid(struct json_object *root, const char **uuid, struct esx_err *err)
{
	struct json_object *system, *value;

	*uuid = NULL;
	if (!json_object_object_get_ex(root, "system", &system))
		return 0;
	if (!json_object_is_type(system, json_type_object))
		return err_set(err, EIO, "The stored configuration is damaged: \"system\" is not "
			       "an object");
	if (!json_object_object_get_ex(system, "uuid", &value))
		return 0;
	if (!json_object_is_type(value, json_type_string) ||
	    !uuid_is_valid(json_object_get_string(value)))
		return err_set(err, EIO, "The stored configuration is damaged: the system UUID "
			       "is not a valid UUID");
	*uuid = json_object_get_string(value);
	return 0;
}

/* A random (version 4) UUID. */
static int new_uuid(char out[UUID_TEXT_LEN + 1], struct esx_err *err)
{
	unsigned char b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, errno, "Unable to generate the system UUID: %s",
				       strerror(errno));
		got += (size_t)n;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, UUID_TEXT_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

static int commit_uuid(struct esx_store *store, const char *uuid, struct esx_err *err)
{
	struct json_object *doc = NULL, *system, *value = NULL;
	int ret = 0;

	doc = store_edit(store);
	if (!doc) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	if (!json_object_object_get_ex(doc, "system", &system)) {
		system = json_object_new_object();
		if (!system || json_object_object_add(doc, "system", system) < 0) {
			json_object_put(system);
			ret = err_set(err, ENOMEM, "Out of memory");
			goto out;
		}
	}
	value = json_object_new_string(uuid);
	if (!value || json_object_object_add(system, "uuid", value) < 0) {
		json_object_put(value);
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	ret = store_commit(store, doc, err);
	doc = NULL;   /* the store took it */
out:
	json_object_put(doc);
	return ret;
}

/* Made at the first get rather than at start: the namespace needs no hook
 * in the daemon, and once committed it survives restarts like any state. */
static int system_uuid_get(struct esx_call *call)
{
	struct esx_store *store = call->daemon->store;
	char fresh[UUID_TEXT_LEN + 1];
	const char *uuid;
	int ret;

	if (!store)
		return err_set(&call->err, EIO, "The configuration store is not available");
	ret = stored_uuid(store_root(store), &uuid, &call->err);
	if (ret < 0)
		return ret;
	if (!uuid) {
		ret = new_uuid(fresh, &call->err);
		if (ret < 0)
			return ret;
		ret = commit_uuid(store, fresh, &call->err);
		if (ret < 0)
			return ret;
		uuid = fresh;
	}
	result_scalar_str(call->result, uuid);
	return 0;
}

/* ---- system hostname get ---- */

/* The canonical name /etc/hosts gives a host known by short_name (Debian's
 * installer writes "127.0.1.1 host.example.com host"). Read directly rather
 * than through getaddrinfo(): no DNS query may block the daemon's loop. */
static bool is_qualified_form(const char *name, const char *short_name, size_t short_len)
{
	return strncasecmp(name, short_name, short_len) == 0 && name[short_len] == '.' &&
	       name[short_len + 1] != '\0';
}

static bool fqdn_from_hosts(const char *short_name, char *out, size_t out_len)
{
	size_t short_len = strlen(short_name), cap = 0;
	char *line = NULL, *save, *canonical, *alias;
	bool matches, found = false;
	FILE *f = fopen(hosts_path, "re");

	if (!f)
		goto out;
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "#")] = '\0';
		if (!strtok_r(line, " \t\r\n", &save))
			continue;
		canonical = strtok_r(NULL, " \t\r\n", &save);
		if (!canonical)
			continue;
		matches = strcasecmp(canonical, short_name) == 0 ||
			  is_qualified_form(canonical, short_name, short_len);
		while (!matches && (alias = strtok_r(NULL, " \t\r\n", &save)))
			matches = strcasecmp(alias, short_name) == 0;
		if (!matches)
			continue;
		/* The first line naming the host decides, as for the resolver. */
		if (is_qualified_form(canonical, short_name, short_len))
			found = (size_t)snprintf(out, out_len, "%s", canonical) < out_len;
		break;
	}
out:
	free(line);
	if (f)
		fclose(f);
	return found;
}

static int system_hostname_get(struct esx_call *call)
{
	char host[HOST_NAME_MAX + 1], fqdn[256];
	struct esx_record *rec;
	const char *dot;

	if (gethostname(host, sizeof(host)) < 0)
		return err_set(&call->err, errno, "Unable to read the host name: %s",
			       strerror(errno));
	host[sizeof(host) - 1] = '\0';
	dot = strchr(host, '.');
	if (dot) {
		snprintf(fqdn, sizeof(fqdn), "%s", host);
		host[dot - host] = '\0';
	} else if (!fqdn_from_hosts(host, fqdn, sizeof(fqdn))) {
		snprintf(fqdn, sizeof(fqdn), "%s", host);
	}
	dot = strchr(fqdn, '.');
	rec = result_record(call->result, NULL);
	rec_str(rec, "Domain Name", dot ? dot + 1 : "");
	rec_str(rec, "Fully Qualified Domain Name", fqdn);
	rec_str(rec, "Host Name", host);
	return 0;
}

/* ---- tables ---- */

static const struct esx_option no_options[] = {
	{ 0 },
};

static const struct esx_field_def version_fields[] = {
	{ "Product", VT_STRING, NULL },
	{ "Version", VT_STRING, NULL },
	{ "Build", VT_STRING, NULL },
	{ "Update", VT_STRING, NULL },
	{ "Patch", VT_STRING, NULL },
	{ NULL, 0, NULL },
};

static const struct esx_schema version_schema = { "VersionGet", version_fields };

static const struct esx_field_def hostname_fields[] = {
	{ "Domain Name", VT_STRING, NULL },
	{ "Fully Qualified Domain Name", VT_STRING, NULL },
	{ "Host Name", VT_STRING, NULL },
	{ NULL, 0, NULL },
};

static const struct esx_schema hostname_schema = { "HostnameGet", hostname_fields };

const struct esx_command system_commands[] = {
	{ "system version get", "Display the product name, version and build information.",
	  no_options, system_version_get, SHAPE_STRUCT, &version_schema, VT_STRING,
	  CMD_READONLY },
	{ "system uuid get", "Get the system UUID.",
	  no_options, system_uuid_get, SHAPE_SCALAR, NULL, VT_STRING, CMD_READONLY },
	{ "system hostname get",
	  "Get the host, domain or fully qualified name of the ESX host.",
	  no_options, system_hostname_get, SHAPE_STRUCT, &hostname_schema, VT_STRING,
	  CMD_READONLY },
	{ 0 },
};

const struct esx_namespace system_namespaces[] = {
	{ "system", "System monitoring and management command." },
	{ "system version", "Commands to get version information." },
	{ "system uuid", "Get the system UUID." },
	{ "system hostname", "Operations pertaining the network name of the ESX host." },
	{ 0 },
};
