/**
 * Command-line parsing (node:util `parseArgs`), usage text and exit codes.
 *
 * @example
 * ```ts
 * import { parseCli } from "./args.ts";
 * const cli = parseCli(["call", "get_nodes", "--demo"]);
 * console.log(cli.command, cli.rest, cli.demo); // "call" ["get_nodes"] true
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";

/** Exit codes, documented in the README. */
export const EXIT = {
  OK: 0,
  FAILED: 1, // a tool call or a check failed
  USAGE: 2, // bad command line
  CONFIG: 3, // configuration missing or invalid, or secrets cannot be decrypted
  UNREACHABLE: 4, // check: PVE unreachable or token rejected
} as const;

export const USAGE = `proxmox-mcp: an MCP server for Proxmox VE

Usage:
  proxmox-mcp [serve] [options]          serve MCP over stdio (default)
  proxmox-mcp serve --http HOST:PORT     serve MCP over Streamable HTTP at /mcp (docs/http.md)
  proxmox-mcp healthcheck [URL]          exit 0 if an HTTP server's /healthz answers (containers;
                                         URL: http://HOST:PORT, default http://127.0.0.1:8080)
  proxmox-mcp check [options]            connect, show PVE version, token privileges, usable tools
  proxmox-mcp tools [--json] [options]   list the tools this configuration offers
  proxmox-mcp call TOOL [--args JSON]    run one tool and print its answer
  proxmox-mcp generate-key [--key-file F] [--force] [--print]  write a new master key (mode 0600)
  proxmox-mcp encrypt-config FILE [-o OUT] [--key-file F]  encrypt every plain secret in FILE
  proxmox-mcp config-status FILE [--json] [--key-file F]   which secrets are encrypted; key ok?
  proxmox-mcp rotate-key FILE|DIR [--new-key-file F]       re-encrypt under a new key, all or nothing
  proxmox-mcp audit verify [FILE…] [--audit-key K] check the audit trail's chain and MACs
                                                   (default: audit.file and its rotations)
  proxmox-mcp audit head [FILE…]                   the trail's last seq and hash, to keep elsewhere
  proxmox-mcp audit tail [FILE] [-n N]             the last audit entries, readably

Options:
  --config FILE     configuration file (else PROXMOX_MCP_CONFIG, else PROXMOX_* variables)
  --demo            use the built-in simulated cluster (no Proxmox needed); with --config FILE,
                    every section of FILE but the connection applies (audit, safety, tools, ...)
  --token ROLE      with --demo: the demo token's role, auditor, operator or admin (default)
  --read-only       offer no tool that changes anything
  --log-level L     DEBUG, INFO, WARNING or ERROR
  --json            machine-readable output (tools, call)
  -V, --version     print the version
  -h, --help        print this help

Exit codes: 0 ok, 1 tool or check failed, 2 usage error, 3 configuration error,
4 PVE unreachable or token rejected.`;

/** The parsed command line. */
export interface Cli {
  command: string;
  rest: string[];
  config?: string;
  demo: boolean;
  readOnly: boolean;
  logLevel?: string;
  json: boolean;
  args?: string;
  help: boolean;
  version: boolean;
  keyFile?: string;
  output?: string;
  force: boolean;
  print: boolean;
  newKeyFile?: string;
  http?: string;
  lines?: number;
  /** `--audit-key` with `audit verify`: the trail's HMAC key file (else audit.key_file). */
  auditKey?: string;
  /** `--token` with `--demo`: the demo token's role. */
  token?: DemoRole;
}

/** Roles of the demo token (`--demo --token ROLE`); the same list as src/demo.ts. */
export const DEMO_TOKEN_ROLES = ["auditor", "operator", "admin"] as const;
type DemoRole = (typeof DEMO_TOKEN_ROLES)[number];

function demoRole(token: string | undefined, demo: boolean): DemoRole | undefined {
  if (token === undefined) return undefined;
  if (!demo) {
    throw new TypeError(
      "--token only applies to --demo; a real cluster's token is set in the configuration (auth)",
    );
  }
  const role = DEMO_TOKEN_ROLES.find((r) => r === token);
  if (!role) {
    throw new TypeError(
      `--token "${token}" is not a demo role: use ${DEMO_TOKEN_ROLES.join(", ")}`,
    );
  }
  return role;
}

/** Parses argv; throws a `TypeError` with a readable message on bad input. */
export function parseCli(argv: string[]): Cli {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: "string", short: "c" },
      demo: { type: "boolean", default: false },
      "read-only": { type: "boolean", default: false },
      "log-level": { type: "string" },
      json: { type: "boolean", default: false },
      args: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
      version: { type: "boolean", short: "V", default: false },
      "key-file": { type: "string" },
      output: { type: "string", short: "o" },
      force: { type: "boolean", default: false },
      print: { type: "boolean", default: false },
      "new-key-file": { type: "string" },
      http: { type: "string" },
      lines: { type: "string", short: "n" },
      token: { type: "string" },
      "audit-key": { type: "string" },
    },
  });
  const [command = "serve", ...rest] = positionals;
  return {
    command,
    rest,
    config: values.config,
    demo: values.demo,
    readOnly: values["read-only"],
    logLevel: values["log-level"],
    json: values.json,
    args: values.args,
    help: values.help,
    version: values.version,
    keyFile: values["key-file"],
    output: values.output,
    force: values.force,
    print: values.print,
    newKeyFile: values["new-key-file"],
    http: values.http,
    lines: values.lines === undefined ? undefined : Number(values.lines) || 20,
    token: demoRole(values.token, values.demo),
    auditKey: values["audit-key"],
  };
}
