/**
 * The names of the programs that have a grammar, as a plain list: the
 * configuration check (`console.allow`, src/console/config_check.ts) runs at
 * every start, and importing the grammars themselves for their names would
 * load all of them before the first request. tests/unit/console_catalog_test.ts
 * checks that this list is exactly the catalog's.
 *
 * @example
 * ```ts
 * import { PROGRAM_NAMES } from "./programs.ts";
 * console.log(PROGRAM_NAMES.includes("journalctl")); // true
 * ```
 *
 * @module
 */

/** Lower-case program names, in the catalog's order. */
export const PROGRAM_NAMES: readonly string[] = [
  "cat",
  "head",
  "tail",
  "wc",
  "ls",
  "stat",
  "df",
  "du",
  "uname",
  "id",
  "sort",
  "uniq",
  "cut",
  "tr",
  "date",
  "seq",
  "sleep",
  "echo",
  "grep",
  "find",
  "ps",
  "free",
  "uptime",
  "vmstat",
  "dmesg",
  "lsblk",
  "findmnt",
  "mount",
  "lscpu",
  "systemctl",
  "journalctl",
  "ip",
  "ss",
  "hostname",
  "netstat",
  "ipconfig",
  "systeminfo",
  "tasklist",
  "whoami",
  "get-process",
  "get-service",
  "get-childitem",
  "get-content",
  "get-date",
  "get-computerinfo",
  "get-hotfix",
  "get-psdrive",
  "get-timezone",
  "get-volume",
  "get-disk",
  "get-netipaddress",
  "get-netipconfiguration",
  "get-netroute",
  "get-nettcpconnection",
  "get-netadapter",
  "get-dnsclientserveraddress",
  "get-winevent",
  "get-eventlog",
  "get-ciminstance",
  "select-object",
  "where-object",
  "sort-object",
  "measure-object",
  "format-table",
  "format-list",
  "select-string",
  "out-string",
  "convertto-json",
  "test-netconnection",
  "resolve-dnsname",
];
