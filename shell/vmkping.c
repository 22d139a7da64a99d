/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vmkping: ESXi's ping for VMkernel NICs. It asks esxclid to run
 * `network diag ping` (the daemon sends and receives; this program only
 * talks to it over the socket, as esxcli does) and prints the result the way
 * ESXi's vmkping does, in BSD ping's layout:
 *
 *   PING 10.0.1.1 (10.0.1.1): 56 data bytes
 *   64 bytes from 10.0.1.1: icmp_seq=0 ttl=64 time=0.337 ms
 *
 *   --- 10.0.1.1 ping statistics ---
 *   2 packets transmitted, 2 packets received, 0% packet loss
 *   round-trip min/avg/max = 0.337/3.434/6.532 ms
 *
 * The daemon answers once the run is over, so the lines come all together at
 * the end rather than one per second. Exit status: 0 when at least one reply
 * came, 1 when none did, 2 for a usage error or when the ping could not run.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "client.h"

#define EXIT_REPLIED 0
#define EXIT_NO_REPLY 1
#define EXIT_TROUBLE 2

/* The daemon's defaults, for the reply deadline and the PING line. */
#define DEFAULT_COUNT 3
#define DEFAULT_SIZE 56
#define DEFAULT_INTERVAL 1
#define DEFAULT_WAIT 1
/* Beyond the run itself, for the daemon to answer. */
#define REPLY_MARGIN_S 10

static const char usage_text[] =
	"Usage: vmkping [args] [host]\n"
	"   args:\n"
	"      -4                use IPv4 (default)\n"
	"      -6                use IPv6\n"
	"      -c <count>        set packet count\n"
	"      -d                set DF bit (IPv4) or disable fragmentation (IPv6)\n"
	"      -i <interval>     set interval (secs)\n"
	"      -I <interface>    outgoing interface (a VMkernel NIC)\n"
	"      -s <size>         set the number of ICMP data bytes to be sent.\n"
	"                        The default is 56, which translates to a 64 byte\n"
	"                        ICMP frame when added to the 8 byte ICMP header.\n"
	"                        (Note: these sizes does not include the IP header).\n"
	"      -t <ttl>          set IPv4 Time To Live or IPv6 Hop Limit\n"
	"      -W <time>         set timeout to wait if no responses are\n"
	"                        received (secs)\n"
	"      --socket=PATH     talk to the esxclid listening on PATH (default: $"
	ESX_SOCKET_ENV ",\n"
	"                        else " ESX_DEFAULT_SOCKET ")\n"
	"   host: an IPv4 or IPv6 address (names are not looked up)\n";

/* Options as given; the daemon checks the values. */
struct options {
	const char *host, *interface, *socket_path;
	const char *count, *size, *interval, *wait, *ttl;
	bool df, ipv4, ipv6;
};

/* "vmkping: WHAT ARG" (when WHAT is given), then the usage. */
static int usage_error(const char *what, const char *arg)
{
	if (what)
		fprintf(stderr, "vmkping: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
	fputs(usage_text, stderr);
	return EXIT_TROUBLE;
}

/* A whole number in 0..INT_MAX, or -1. */
static long number(const char *text)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno || end == text || *end || n < 0 || n > INT_MAX)
		return -1;
	return n;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option long_options[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char name[3];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46c:di:I:s:t:W:h", long_options, NULL)) != -1) {
		switch (c) {
		case '4': o->ipv4 = true; break;
		case '6': o->ipv6 = true; break;
		case 'c': o->count = optarg; break;
		case 'd': o->df = true; break;
		case 'i': o->interval = optarg; break;
		case 'I': o->interface = optarg; break;
		case 's': o->size = optarg; break;
		case 't': o->ttl = optarg; break;
		case 'W': o->wait = optarg; break;
		case 'S': o->socket_path = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case ':':
		default:
			/* optopt names a short option; a long one is the word itself. */
			snprintf(name, sizeof(name), "-%c", optopt);
			return usage_error(c == ':' ? "option requires an argument:" :
					   "invalid option:", optopt ? name : argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error(NULL, NULL);
	if (optind + 1 < argc)
		return usage_error("one host only, unexpected:", argv[optind + 1]);
	o->host = argv[optind];
	if (o->ipv4 && o->ipv6)
		return usage_error("-4 and -6 cannot be used together", NULL);
	if ((o->count && number(o->count) < 1) || (o->interval && number(o->interval) < 1) ||
	    (o->wait && number(o->wait) < 1) || (o->size && number(o->size) < 0) ||
	    (o->ttl && number(o->ttl) < 1))
		return usage_error("-c, -i, -W and -t take a positive number, -s a number", NULL);
	return 0;
}

/* {"argv": ["network", "diag", "ping", "--host", HOST, ...], "width": 80} */
static struct json_object *request(const struct options *o)
{
	const char *words[32];
	struct json_object *params = json_object_new_object();
	struct json_object *argv = json_object_new_array();
	struct json_object *ret = NULL;
	size_t n = 0;

	words[n++] = "network";
	words[n++] = "diag";
	words[n++] = "ping";
	words[n++] = "--host";
	words[n++] = o->host;
#define WORD_PAIR(opt, value) do { if (value) { words[n++] = opt; words[n++] = value; } } while (0)
	WORD_PAIR("--interface", o->interface);
	WORD_PAIR("--count", o->count);
	WORD_PAIR("--size", o->size);
	WORD_PAIR("--interval", o->interval);
	WORD_PAIR("--wait", o->wait);
	WORD_PAIR("--ttl", o->ttl);
#undef WORD_PAIR
	if (o->df)
		words[n++] = "--df";
	if (o->ipv4)
		words[n++] = "--ipv4";
	if (o->ipv6)
		words[n++] = "--ipv6";
	if (!params || !argv)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct json_object *w = json_object_new_string(words[i]);

		if (!w || json_object_array_add(argv, w) < 0) {
			json_object_put(w);
			goto out;
		}
	}
	if (json_object_object_add(params, ESX_KEY_ARGV, argv) < 0)
		goto out;
	argv = NULL;
	if (json_object_object_add(params, ESX_KEY_WIDTH, json_object_new_int(80)) < 0)
		goto out;
	ret = params;
	params = NULL;
out:
	json_object_put(argv);
	json_object_put(params);
	return ret;
}

/* ---- reading the result ---- */

static struct json_object *member(struct json_object *obj, const char *key, json_type type)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A record's value for the field with this key: looked up in the schema
 * rather than assumed at a position. *sub_fields gets the nested schema. */
static struct json_object *field(struct json_object *fields, struct json_object *values,
				 const char *key, struct json_object **sub_fields)
{
	size_t n = json_object_array_length(fields);

	if (n != json_object_array_length(values))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(fields, i);
		struct json_object *k = member(f, ESX_FIELD_KEY, json_type_string);

		if (!k || strcmp(json_object_get_string(k), key) != 0)
			continue;
		if (sub_fields)
			*sub_fields = member(f, ESX_RES_FIELDS, json_type_array);
		return json_object_array_get_idx(values, i);
	}
	return NULL;
}

static long long int_field(struct json_object *fields, struct json_object *values,
			   const char *key)
{
	struct json_object *v = field(fields, values, key, NULL);

	return json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

static const char *string_field(struct json_object *fields, struct json_object *values,
				const char *key)
{
	struct json_object *v = field(fields, values, key, NULL);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* "182 us" as milliseconds. */
static double ms_field(struct json_object *fields, struct json_object *values, const char *key)
{
	return strtod(string_field(fields, values, key), NULL) / 1000.0;
}

/* IPv6's hop limit is "hlim", as BSD's ping6 prints it. */
static void print_trace(struct json_object *fields, struct json_object *item, bool ipv6)
{
	const char *from = string_field(fields, item, "Host");
	const char *detail = string_field(fields, item, "Detail");
	json_bool dup = json_object_get_boolean(field(fields, item, "Dup", NULL));

	if (!*from) {
		printf("%s\n", detail);    /* a request that could not be sent */
		return;
	}
	printf("%lld bytes from %s: ", int_field(fields, item, "ReceivedBytes"), from);
	if (*detail) {
		printf("%s\n", detail);
		return;
	}
	printf("icmp_seq=%lld %s=%lld time=%.3f ms%s\n", int_field(fields, item, "ICMPSeq"),
	       ipv6 ? "hlim" : "ttl", int_field(fields, item, "TTL"),
	       ms_field(fields, item, "RoundtripTime"), dup ? " (DUP!)" : "");
}

/* Print a `network diag ping` result; returns the exit status. */
static int print_result(const struct options *o, struct json_object *params)
{
	struct json_object *result = member(params, ESX_KEY_RESULT, json_type_object);
	struct json_object *fields = member(result, ESX_RES_FIELDS, json_type_array);
	struct json_object *value = member(result, ESX_RES_VALUE, json_type_array);
	struct json_object *trace_fields = NULL, *summary_fields = NULL, *trace, *summary;
	long long received, dups;

	if (!fields || !value)
		goto bad;
	trace = field(fields, value, "Trace", &trace_fields);
	summary = field(fields, value, "Summary", &summary_fields);
	if (!json_object_is_type(trace, json_type_array) || !trace_fields ||
	    !json_object_is_type(summary, json_type_array) || !summary_fields)
		goto bad;
	for (size_t i = 0; i < json_object_array_length(trace); i++) {
		struct json_object *item = json_object_array_get_idx(trace, i);

		if (!json_object_is_type(item, json_type_array))
			goto bad;
		print_trace(trace_fields, item, strchr(o->host, ':') != NULL);
	}
	received = int_field(summary_fields, summary, "Received");
	dups = int_field(summary_fields, summary, "Duplicated");
	printf("\n--- %s ping statistics ---\n", o->host);
	printf("%lld packets transmitted, %lld packets received, ",
	       int_field(summary_fields, summary, "Transmitted"), received);
	if (dups)
		printf("+%lld duplicates, ", dups);
	printf("%lld%% packet loss\n", int_field(summary_fields, summary, "PacketLost"));
	if (received + dups > 0)
		printf("round-trip min/avg/max = %.3f/%.3f/%.3f ms\n",
		       ms_field(summary_fields, summary, "RoundtripMin"),
		       ms_field(summary_fields, summary, "RoundtripAvg"),
		       ms_field(summary_fields, summary, "RoundtripMax"));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vmkping: write error: %s\n", strerror(errno));
		return EXIT_TROUBLE;
	}
	return received > 0 ? EXIT_REPLIED : EXIT_NO_REPLY;
bad:
	fflush(stdout);
	fprintf(stderr, "vmkping: esxclid sent a result this vmkping cannot read\n");
	return EXIT_TROUBLE;
}

static int show_error(struct json_object *reply)
{
	struct json_object *params = member(reply, ESX_KEY_PARAMETERS, json_type_object);
	struct json_object *message = member(params, ESX_KEY_MESSAGE, json_type_string);
	struct json_object *error = member(reply, ESX_KEY_ERROR, json_type_string);

	fflush(stdout);
	fprintf(stderr, "vmkping: %s\n", message ? json_object_get_string(message) :
		error ? json_object_get_string(error) : "esxclid refused the request");
	return EXIT_TROUBLE;
}

/* How long the run may take, and then some: the reply deadline. */
static int reply_timeout_ms(const struct options *o)
{
	long count = o->count ? number(o->count) : DEFAULT_COUNT;
	long interval = o->interval ? number(o->interval) : DEFAULT_INTERVAL;
	long wait = o->wait ? number(o->wait) : DEFAULT_WAIT;
	long long seconds = (long long)(count - 1) * interval + wait + REPLY_MARGIN_S;

	return seconds * 1000 > INT_MAX ? INT_MAX : (int)(seconds * 1000);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct json_object *params = NULL, *reply = NULL, *reply_params;
	const char *env = getenv(ESX_SOCKET_ENV);
	char errbuf[512];
	int status;

	status = parse_options(argc, argv, &o);
	if (status != 0)
		return status < 0 ? EXIT_SUCCESS : status;
	if (!o.socket_path)
		o.socket_path = env && *env ? env : ESX_DEFAULT_SOCKET;
	params = request(&o);
	if (!params) {
		fprintf(stderr, "vmkping: %s\n", strerror(ENOMEM));
		status = EXIT_TROUBLE;
		goto out;
	}
	if (client_call(o.socket_path, ESX_METHOD_EXECUTE, params, reply_timeout_ms(&o), &reply,
			errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "vmkping: %s\n", errbuf);
		status = EXIT_TROUBLE;
		goto out;
	}
	if (json_object_object_get_ex(reply, ESX_KEY_ERROR, NULL)) {
		status = show_error(reply);
		goto out;
	}
	reply_params = member(reply, ESX_KEY_PARAMETERS, json_type_object);
	printf("PING %s (%s): %ld data bytes\n", o.host, o.host,
	       o.size ? number(o.size) : DEFAULT_SIZE);
	status = print_result(&o, reply_params);
out:
	json_object_put(reply);
	json_object_put(params);
	return status;
}
