/**
 * The configuration schema (declarative descriptors, see spec.ts). Compatible
 * with the seed project's `config.json`; every object is strict so a misspelt
 * key is reported.
 *
 * @example
 * ```ts
 * import { ConfigSchema } from "./schema.ts";
 * const cfg = ConfigSchema.parse({
 *   proxmox: { host: "pve.lan" },
 *   auth: { user: "mcp@pve", token_name: "mcp", token_value: "x" },
 * });
 * console.log(cfg.proxmox?.port); // 8006
 * ```
 *
 * @module
 */

import { parseKey } from "../crypto/seal.ts";
import { DiagnosticsSchema } from "../diagnostics/thresholds.ts";
import { DEFAULT_ALLOW, DEFAULT_DENY, DEFAULT_DENY_ARGS } from "../console/defaults.ts";
import { allowEntryProblem, ARG_RULES_FALSE } from "../console/config_check.ts";
import {
  array,
  bool,
  enumOf,
  type Infer,
  int,
  type Issue,
  optional,
  orEmpty,
  pre,
  record,
  refine,
  str,
  strictObject,
  withDefault,
} from "./spec.ts";

/** A non-empty string. */
const text = () => str({ min: 1 });

/** A PVE user id: `name@realm`. */
const userId = str({
  regex: [/^[^\s:/@]+@[A-Za-z][A-Za-z0-9.\-_]+$/, "must look like name@realm, e.g. mcp@pve"],
});

/** A DNS name (labels of letters, digits, '-', '_'), an IPv4 address, or an IPv6 one. */
const HOST_RE =
  /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$/;

export const ProxmoxSchema = strictObject({
  // Only a name or an address: anything else ("pve/x", "evil#", "a b") would change the URL
  // the token is sent to.
  host: str({
    min: [1, "is empty: set the PVE host name or IP"],
    max: [253, "is too long for a host name (at most 253 characters)"],
    regex: [
      HOST_RE,
      "must be a host name, IPv4 or IPv6 address (no scheme, port, path or spaces), " +
      "e.g. pve1.example.com",
    ],
  }),
  port: withDefault(int(1, 65535), 8006),
  verify_ssl: withDefault(bool(), true),
  service: withDefault(enumOf(["PVE"]), "PVE"),
  ca_file: optional(text()),
  // PVE delays failed authentication by ~3 s, so a shorter timeout would hide 401s.
  timeout_ms: withDefault(int(1000, 600_000), 30_000),
  /** Largest PVE answer read (bytes): a broken or hostile node cannot exhaust our memory. */
  max_answer_bytes: withDefault(int(64 * 1024, 1 << 30), 32 * 1024 * 1024),
});

export const AuthSchema = strictObject({
  user: userId,
  token_name: str({
    regex: [
      /^[A-Za-z][A-Za-z0-9.\-_]+$/,
      "must be the token id (letters, digits, . - _), e.g. mcp",
    ],
  }),
  // Sent in an HTTP header: control or non-ASCII characters would fail every request.
  token_value: str({
    min: [1, "is empty"],
    regex: [
      /^[\x21-\x7e]+$/,
      "must be the token secret as PVE showed it (a UUID: printable ASCII, no spaces)",
    ],
  }),
});

const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Seed spellings: any case, surrounding spaces, WARN. */
function levelName(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const s = v.trim().toUpperCase();
  return s === "WARN" ? "WARNING" : s;
}

export const LoggingSchema = strictObject({
  level: withDefault(pre(levelName, enumOf(LEVELS)), "INFO"),
  file: optional(text()),
  format: optional(str()), // accepted for seed compatibility; lines are always structured
});

export const ToolsSchema = strictObject({
  /** Mutating tools are not registered at all. */
  read_only: withDefault(bool(), false),
  /** Toolsets switched off by name (see `proxmox-mcp tools`). */
  disabled_toolsets: withDefault(array(text()), []),
  /** Single tools switched off by name (checked against the tool list, with a did-you-mean). */
  disabled_tools: withDefault(array(text()), []),
  /** Opt-in toolsets, off unless named here: provisioning (create, clone, ...), backups. */
  enabled_toolsets: withDefault(
    array(enumOf(
      ["provisioning", "backups"],
      "names an unknown opt-in toolset: use provisioning and/or backups",
    )),
    [],
  ),
  /** Hide tools the API token has no privilege for (from /access/permissions). */
  hide_unpermitted: withDefault(bool(), true),
  /** How often the token's privileges are read again (seconds; 0: only after 401/403). */
  permissions_refresh_s: withDefault(int(0, 86_400), 300),
});

export const AuditSchema = strictObject({
  /** JSON-lines audit trail of every mutating call; none when unset. */
  file: optional(text()),
  /** Rotate the audit file at this size; the hash chain continues into the new file. */
  max_bytes: optional(int(4096, 1 << 30)),
  /**
   * HMAC key of the trail (32 bytes base64url, created 0600 on first use): keep it where
   * whoever can write the trail cannot read it. `audit verify` needs it.
   */
  key_file: optional(text()),
});

/** The `safety` section: guests no tool may change, and confirmation of destructive actions. */
export const SafetySchema = strictObject({
  /** Guests no tool may change (power, snapshots, commands), by VMID. */
  protected_vmids: withDefault(array(int(100, 999_999_999)), []),
  /** Guests carrying any of these PVE tags are protected too (case-insensitive). */
  protected_tags: withDefault(
    array(
      // Trimmed: " prod" must protect prod, not nothing. PVE's own tag syntax, else it never matches.
      str({
        trim: true,
        regex: [
          /^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/,
          "must be a PVE tag (letters, digits, _ + - ., not starting with + - .), " +
          "such as protected or prod",
        ],
      }),
    ),
    ["protected"],
  ),
  /** Destructive actions need the user's confirmation (elicitation, else `confirm: true`). */
  confirm_destructive: withDefault(bool(), true),
  /**
   * Actions preceded by a safety snapshot `mcp-pre-<action>-<time>` (src/safety/safety_snapshot.ts):
   * action keys such as rollback, stop, shutdown, execute_vm_command, reconfigure, or tool names.
   */
  snapshot_before: withDefault(
    array(str({
      regex: [
        /^[a-z][a-z0-9_]*$/,
        "must be an action or tool name such as rollback or execute_vm_command",
      ],
    })),
    [],
  ),
});

/**
 * The `console` section: commands inside VMs through the QEMU guest agent
 * (`execute_vm_command`). Off unless enabled; see src/console/defaults.ts for why the lists.
 */
export const ConsoleSchema = strictObject({
  /** The tool is only registered when true. */
  enabled: withDefault(bool(), false),
  /** Programs (argv[0] basename globs) that may run; each must match a program with a grammar. */
  allow: withDefault(
    array(str({
      min: 1,
      check: (entry) => {
        const problem = allowEntryProblem(entry);
        return problem && `"${entry}" ${problem}`;
      },
    })),
    [...DEFAULT_ALLOW],
  ),
  /** Programs refused even when allowed (deny wins). */
  deny: withDefault(array(text()), [...DEFAULT_DENY]),
  /** Argument globs refused for every program (secret files). */
  deny_args: withDefault(array(text()), [...DEFAULT_DENY_ARGS]),
  /** Kept for compatibility: the program grammars always apply, so only true is accepted. */
  arg_rules: refine(withDefault(bool(), true), (v) => v ? undefined : ARG_RULES_FALSE),
  /** Only these VMIDs (with `tags`: VMIDs or tags); all VMs when both are unset. */
  vmids: optional(array(int(100, 999_999_999))),
  /** Only VMs carrying one of these PVE tags (case-insensitive). */
  tags: optional(array(text())),
  max_command_length: withDefault(int(1, 65_536), 1024),
  /** Default and maximum seconds to wait for a command. */
  timeout_s: withDefault(int(1, 300), 30),
  /** Cap per stream (stdout, stderr) of what is returned to the model. */
  max_output_bytes: withDefault(int(256, 16 * 1024 * 1024), 64 * 1024),
  /** Allow `shell: true` (/bin/sh -c, or PowerShell on Windows guests). */
  allow_shell: withDefault(bool(), false),
});

/** The `cache` section: the short read cache of PVE GETs (see src/proxmox/cache.ts). */
export const CacheSchema = strictObject({
  enabled: withDefault(bool(), true),
  /** Longest life of a cached answer. */
  ttl_ms: withDefault(int(0, 60_000), 2000),
  /**
   * Keep answers between tool calls (up to ttl_ms): faster paging of big listings, but a change
   * made outside this server can show up to ttl_ms late. Off: the cache only serves reads made
   * while tool calls overlap, and empties whenever the server is idle.
   */
  across_calls: withDefault(bool(), false),
});

/** One cluster of a several-cluster configuration (`clusters.NAME`). */
export const ClusterSchema = strictObject({ proxmox: ProxmoxSchema, auth: AuthSchema });

/** Cluster names become tool arguments and item fields: keep them short and plain. */
export const CLUSTER_NAME_RE = /^[a-z][a-z0-9_-]{0,31}$/;

/** The `http` section: Streamable HTTP transport settings (`serve --http`). */
export const HttpSchema = strictObject({
  tokens: withDefault(
    array(strictObject({
      name: str({
        regex: [
          /^[A-Za-z0-9_.-]{1,64}$/,
          "must be 1-64 letters, digits, '.', '_' or '-' (it names the token in logs)",
        ],
      }),
      // Bearer tokens guard the whole cluster: refuse ones short enough to guess.
      token: str({ min: [16, "is too short: use at least 16 random characters"] }),
      read_only: withDefault(bool(), false),
    })),
    [],
  ),
  /** Stateless: any replica answers any request (no session affinity needed). */
  stateless: withDefault(bool(), true),
  allowed_origins: withDefault(array(text()), []),
  allowed_hosts: withDefault(array(text()), []),
  max_body_bytes: withDefault(int(1024, 64 * 1024 * 1024), 1024 * 1024),
  max_concurrency_per_token: withDefault(int(1, 1000), 8),
  /** Stateful mode: sessions idle this long are closed. */
  session_idle_seconds: withDefault(int(10, 86_400), 1800),
  /** Stateful mode: most sessions one token may hold open (of 1,000 in all). */
  max_sessions_per_token: withDefault(int(1, 1000), 50),
});

/**
 * The `mcp` section: protocol-level settings. `state_key` seals MCP task ids and confirmation
 * state (src/crypto/seal.ts); replicas behind one load balancer must share it. Without one, a
 * random key lives as long as the process: task ids die with it.
 */
export const McpSchema = strictObject({
  state_key: optional(str({
    check: (v) =>
      parseKey(v) === undefined
        ? "must be 32 random bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)"
        : undefined,
  })),
  /** How long an MCP task id stays valid, from its creation. */
  task_ttl_s: withDefault(int(60, 7 * 86_400), 86_400),
  /** How long the user may take to answer a confirmation question. */
  confirm_ttl_s: withDefault(int(30, 3_600), 600),
});

// Every section but the connection may be left out: `orEmpty` fills in its defaults.
export const ConfigSchema = strictObject({
  // Optional here because `clusters` may replace them; `refineClusters` keeps the rule clear.
  proxmox: optional(ProxmoxSchema),
  auth: optional(AuthSchema),
  // Names are checked in `refineClusters`, which can say why one is refused.
  clusters: optional(record(ClusterSchema)),
  default_cluster: optional(str()),
  logging: orEmpty(LoggingSchema),
  tools: orEmpty(ToolsSchema),
  audit: orEmpty(AuditSchema),
  /** Short read cache of PVE GETs (every key has a default). */
  cache: orEmpty(CacheSchema),
  safety: orEmpty(SafetySchema),
  /** Thresholds of the diagnostic tools (every key has a default). */
  diagnostics: orEmpty(DiagnosticsSchema),
  /** Commands inside VMs (execute_vm_command); off unless console.enabled. */
  console: orEmpty(ConsoleSchema),
  mcp: orEmpty(McpSchema),
  http: orEmpty(HttpSchema),
}, refineClusters); // runs also when other sections have problems: one run reports every problem

/** Either `proxmox` + `auth` (one cluster) or `clusters` (several), never both. */
function refineClusters(
  // The best-effort value: a key that failed its own check holds what the document gave.
  c: {
    proxmox?: unknown;
    auth?: unknown;
    clusters?: Record<string, unknown>;
    default_cluster?: string;
  },
  issue: (issue: Issue) => void,
) {
  const invalid = (path: Issue["path"], message: string) =>
    issue({ path, code: "invalid", message });
  if (c.clusters === undefined || c.clusters === null || typeof c.clusters !== "object") {
    if (c.clusters !== undefined) return; // wrong type: the record check reports it
    // No message: describeIssues says "is missing" with the environment variable to use.
    for (const key of ["proxmox", "auth"] as const) {
      if (c[key] === undefined) issue({ path: [key], code: "missing", message: "" });
    }
    if (c.default_cluster !== undefined) {
      invalid(["default_cluster"], "needs a clusters section naming that cluster");
    }
    return;
  }
  const names = Object.keys(c.clusters);
  if (names.length === 0) {
    invalid(
      ["clusters"],
      'names no cluster: add one, e.g. "clusters": {"lab": {"proxmox": ..., "auth": ...}}',
    );
  }
  for (const name of names) {
    if (!CLUSTER_NAME_RE.test(name)) {
      invalid(
        ["clusters", name],
        `the name "${name}" is not allowed: use 1-32 lower-case letters, digits, ` +
          "'-' or '_', starting with a letter",
      );
    }
  }
  for (const key of ["proxmox", "auth"] as const) {
    if (c[key] !== undefined) {
      invalid([key], `cannot be combined with clusters: move it into clusters.NAME.${key}`);
    }
  }
  if (c.default_cluster !== undefined && !names.includes(c.default_cluster)) {
    invalid(["default_cluster"], `names no configured cluster (clusters: ${names.join(", ")})`);
  }
}

/** The `safety` section. */
export type SafetyConfig = Infer<typeof SafetySchema>;

/** The `console` section. */
export type ConsoleConfig = Infer<typeof ConsoleSchema>;

/** The `tools` section. */
export type ToolsConfig = Infer<typeof ToolsSchema>;

/** The `mcp` section. */
export type McpConfig = Infer<typeof McpSchema>;

/** The `http` section. */
export type HttpConfig = Infer<typeof HttpSchema>;

/** One cluster's connection settings. */
export type ClusterConfig = Infer<typeof ClusterSchema>;

/**
 * A validated configuration, normalised by `normalizeClusters`: `proxmox`/`auth` are the default
 * cluster's, `clusters` always names every cluster (one, `default`, in the single-cluster form).
 */
export type Config =
  & Omit<Infer<typeof ConfigSchema>, "proxmox" | "auth" | "clusters" | "default_cluster">
  & ClusterConfig
  & { clusters: Record<string, ClusterConfig>; default_cluster: string };
