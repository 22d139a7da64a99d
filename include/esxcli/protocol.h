/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wire contract between esxclid and its clients (the esxcli shell, or any
 * varlink client): method names, message keys, error names and limits.
 *
 * Framing is varlink's: one JSON object per message, followed by a NUL byte,
 * over a SOCK_STREAM Unix socket. docs/PROTOCOL.md describes every message.
 */
#ifndef ESXCLI_PROTOCOL_H
#define ESXCLI_PROTOCOL_H

#define ESX_DEFAULT_SOCKET "/run/esxclid/esxclid.sock"
#define ESX_SOCKET_ENV "ESXCLI_SOCKET"

/* Version of the result schema carried in replies and in --formatter=json. */
#define ESX_SCHEMA_VERSION 1

/* Varlink interface and methods. */
#define ESX_INTERFACE "io.esxcli.Shell"
#define ESX_METHOD_EXECUTE ESX_INTERFACE ".Execute"
#define ESX_METHOD_COMPLETE ESX_INTERFACE ".Complete"
#define ESX_METHOD_HELP ESX_INTERFACE ".Help"
#define ESX_METHOD_GETINFO "org.varlink.service.GetInfo"
#define ESX_METHOD_GETINTERFACE "org.varlink.service.GetInterfaceDescription"

/*
 * Request:  {"method": M, "parameters": {...}}
 *   Execute:  {"argv": [words], "width": N}   width: screen width for help text
 *   Complete: {"argv": [complete words], "word": "partial word"}
 *   Help:     {"argv": [words], "width": N}
 * Reply:    {"parameters": {...}}  or  {"error": NAME, "parameters": {...}}
 *   Execute ok:  {"schemaVersion": 1, "result": RESULT} or {"schemaVersion": 1, "help": TEXT}
 *                plus an optional "message": TEXT printed after the result
 *   Complete ok: {"candidates": [words]}
 *   Help ok:     {"help": TEXT}
 *   Error:       {"name": SHORT_NAME, "message": TEXT, "help": TEXT (optional)}
 */
#define ESX_KEY_METHOD "method"
#define ESX_KEY_PARAMETERS "parameters"
#define ESX_KEY_ERROR "error"
#define ESX_KEY_ARGV "argv"
#define ESX_KEY_WIDTH "width"
#define ESX_KEY_WORD "word"
#define ESX_KEY_CANDIDATES "candidates"
#define ESX_KEY_SCHEMA_VERSION "schemaVersion"
#define ESX_KEY_RESULT "result"
#define ESX_KEY_HELP "help"
#define ESX_KEY_MESSAGE "message"
#define ESX_KEY_NAME "name"

/*
 * RESULT: a typed, ordered record set, rendered by the shell.
 *   {"shape": "table"|"structs"|"struct"|"scalar"|"none",
 *    "typeName": "NIC",                      struct type, for xml/keyvalue
 *    "fields": [FIELD...],                   schema (not for scalar/none)
 *    "records": [[value...]...],             table and structs: values in field order
 *    "headings": ["vmk0"...],                structs: one heading per record
 *    "value": V, "valueType": TYPE}          struct: "value" is [value...]; scalar: a value
 * FIELD: {"name": "PCI Device", "key": "PCIDevice", "type": TYPE,
 *         "fields": [FIELD...] and "typeName": "..." only when TYPE is "struct" or
 *         "structlist": the nested structure's schema (of every element, for a list)}
 * TYPE:  "string" | "int" | "bool" | "list" (array of strings) | "struct" (array of values)
 *        | "structlist" (array of records, each an array of values in the order of the
 *          field's own "fields"; [] when empty), e.g. the "Trace" of `network diag ping`:
 *          {"name": "Trace", "key": "Trace", "type": "structlist", "typeName": "PingTrace",
 *           "fields": [{"name": "Host", ...}, ...]}  with the value [["10.0.0.2", ...], ...]
 *        A table's fields are never "struct" or "structlist" (a row is one line).
 */
#define ESX_RES_SHAPE "shape"
#define ESX_RES_TYPENAME "typeName"
#define ESX_RES_FIELDS "fields"
#define ESX_RES_RECORDS "records"
#define ESX_RES_HEADINGS "headings"
#define ESX_RES_VALUE "value"
#define ESX_RES_VALUE_TYPE "valueType"
#define ESX_FIELD_NAME "name"
#define ESX_FIELD_KEY "key"
#define ESX_FIELD_TYPE "type"

#define ESX_SHAPE_TABLE "table"
#define ESX_SHAPE_STRUCTS "structs"
#define ESX_SHAPE_STRUCT "struct"
#define ESX_SHAPE_SCALAR "scalar"
#define ESX_SHAPE_NONE "none"

#define ESX_TYPE_STRING "string"
#define ESX_TYPE_INT "int"
#define ESX_TYPE_BOOL "bool"
#define ESX_TYPE_LIST "list"
#define ESX_TYPE_STRUCT "struct"
#define ESX_TYPE_STRUCT_LIST "structlist"

/* Error names (the reply's "error" is ESX_INTERFACE "." NAME). Stable: scripts
 * match on them. */
#define ESX_ERR_UNKNOWN_COMMAND "UnknownCommand"
#define ESX_ERR_INVALID_OPTION "InvalidOption"
#define ESX_ERR_MISSING_PARAMETER "MissingParameter"
#define ESX_ERR_DUPLICATED_OPTION "DuplicatedOption"
#define ESX_ERR_INVALID_VALUE "InvalidValue"
#define ESX_ERR_NOT_FOUND "NotFound"
#define ESX_ERR_ALREADY_EXISTS "AlreadyExists"
#define ESX_ERR_IN_USE "InUse"
#define ESX_ERR_PERMISSION_DENIED "PermissionDenied"
#define ESX_ERR_NOT_SUPPORTED "NotSupported"
#define ESX_ERR_UNAVAILABLE "Unavailable"
#define ESX_ERR_BUSY "Busy"
#define ESX_ERR_TIMEOUT "Timeout"
#define ESX_ERR_RUNTIME "RuntimeError"
#define ESX_ERR_PROTOCOL "ProtocolError"
#define ESX_ERR_METHOD_NOT_FOUND "org.varlink.service.MethodNotFound"
#define ESX_ERR_INVALID_PARAMETER "org.varlink.service.InvalidParameter"

/* Limits. A request larger than this is refused and the connection closed. */
#define ESX_MAX_REQUEST 65536
/* The shell refuses replies larger than this. */
#define ESX_MAX_REPLY (16 * 1024 * 1024)
#define ESX_MAX_ARGV 256

/* Client-side deadlines, milliseconds. */
#define ESX_CLIENT_CONNECT_TIMEOUT_MS 2000
#define ESX_CLIENT_REPLY_TIMEOUT_MS 120000

#endif
