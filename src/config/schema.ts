/**
 * The configuration schema (zod). Compatible with the seed project's
 * `config.json`; every object is strict so a misspelt key is reported.
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

import { z } from "zod/v4";
import { parseKey } from "../crypto/seal.ts";
import { DiagnosticsSchema } from "../diagnostics/thresholds.ts";
import { DEFAULT_ALLOW, DEFAULT_DENY, DEFAULT_DENY_ARGS } from "../console/defaults.ts";
import { allowEntryProblem, ARG_RULES_FALSE } from "../console/config_check.ts";

/** Accepts a number or a numeric string (from `${VAR}` substitution). */
export const intFrom = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number({ error: `expected a whole number from ${min} to ${max}` })
      .int({ error: `expected a whole number from ${min} to ${max}` })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` }),
  );

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/** Accepts a boolean or "true"/"false"/"1"/"0"/"yes"/"no"/"on"/"off". */
export const boolFrom = () =>
  z.preprocess((v) => {
    if (typeof v !== "string") return v;
    const s = v.trim().toLowerCase();
    return TRUE.has(s) ? true : FALSE.has(s) ? false : v;
  }, z.boolean({ error: "expected true or false" }));

/** A PVE user id: `name@realm`. */
const userId = z.string().regex(/^[^\s:/@]+@[A-Za-z][A-Za-z0-9.\-_]+$/, {
  message: "must look like name@realm, e.g. mcp@pve",
});

/** A DNS name (labels of letters, digits, '-', '_'), an IPv4 address, or an IPv6 one. */
const HOST_RE =
  /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$/;

export const ProxmoxSchema = z.strictObject({
  // Only a name or an address: anything else ("pve/x", "evil#", "a b") would change the URL
  // the token is sent to.
  host: z.string().min(1, { message: "is empty: set the PVE host name or IP" }).max(253, {
    message: "is too long for a host name (at most 253 characters)",
  }).regex(HOST_RE, {
    message: "must be a host name, IPv4 or IPv6 address (no scheme, port, path or spaces), " +
      "e.g. pve1.example.com",
  }),
  port: intFrom(1, 65535).default(8006),
  verify_ssl: boolFrom().default(true),
  service: z.enum(["PVE"]).default("PVE"),
  ca_file: z.string().min(1).optional(),
  // PVE delays failed authentication by ~3 s, so a shorter timeout would hide 401s.
  timeout_ms: intFrom(1000, 600_000).default(30_000),
  /** Largest PVE answer read (bytes): a broken or hostile node cannot exhaust our memory. */
  max_answer_bytes: intFrom(64 * 1024, 1 << 30).default(32 * 1024 * 1024),
});

export const AuthSchema = z.strictObject({
  user: userId,
  token_name: z.string().regex(/^[A-Za-z][A-Za-z0-9.\-_]+$/, {
    message: "must be the token id (letters, digits, . - _), e.g. mcp",
  }),
  // Sent in an HTTP header: control or non-ASCII characters would fail every request.
  token_value: z.string().min(1, { message: "is empty" }).regex(/^[\x21-\x7e]+$/, {
    message: "must be the token secret as PVE showed it (a UUID: printable ASCII, no spaces)",
  }),
});

const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
export type LogLevel = (typeof LEVELS)[number];

export const LoggingSchema = z.strictObject({
  level: z.preprocess(
    (v) => {
      if (typeof v !== "string") return v;
      const s = v.trim().toUpperCase();
      return s === "WARN" ? "WARNING" : s;
    },
    z.enum(LEVELS),
  ).default("INFO"),
  file: z.string().min(1).optional(),
  format: z.string().optional(), // accepted for seed compatibility; lines are always structured
});

export const ToolsSchema = z.strictObject({
  /** Mutating tools are not registered at all. */
  read_only: boolFrom().default(false),
  /** Toolsets switched off by name (see `proxmox-mcp tools`). */
  disabled_toolsets: z.array(z.string().min(1)).default([]),
  /** Single tools switched off by name (checked against the tool list, with a did-you-mean). */
  disabled_tools: z.array(z.string().min(1)).default([]),
  /** Opt-in toolsets, off unless named here: provisioning (create, clone, ...), backups. */
  enabled_toolsets: z.array(z.enum(["provisioning", "backups"], {
    error: "names an unknown opt-in toolset: use provisioning and/or backups",
  })).default([]),
  /** Hide tools the API token has no privilege for (from /access/permissions). */
  hide_unpermitted: boolFrom().default(true),
  /** How often the token's privileges are read again (seconds; 0: only after 401/403). */
  permissions_refresh_s: intFrom(0, 86_400).default(300),
});

export const AuditSchema = z.strictObject({
  /** JSON-lines audit trail of every mutating call; none when unset. */
  file: z.string().min(1).optional(),
  /** Rotate the audit file at this size; the hash chain continues into the new file. */
  max_bytes: intFrom(4096, 1 << 30).optional(),
  /**
   * HMAC key of the trail (32 bytes base64url, created 0600 on first use): keep it where
   * whoever can write the trail cannot read it. `audit verify` needs it.
   */
  key_file: z.string().min(1).optional(),
});

/** The `safety` section: guests no tool may change, and confirmation of destructive actions. */
export const SafetySchema = z.strictObject({
  /** Guests no tool may change (power, snapshots, commands), by VMID. */
  protected_vmids: z.array(intFrom(100, 999_999_999)).default([]),
  /** Guests carrying any of these PVE tags are protected too (case-insensitive). */
  protected_tags: z.array(
    // Trimmed: " prod" must protect prod, not nothing. PVE's own tag syntax, else it never matches.
    z.string().trim().regex(/^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/, {
      message: "must be a PVE tag (letters, digits, _ + - ., not starting with + - .), " +
        "such as protected or prod",
    }),
  ).default(["protected"]),
  /** Destructive actions need the user's confirmation (elicitation, else `confirm: true`). */
  confirm_destructive: boolFrom().default(true),
  /**
   * Actions preceded by a safety snapshot `mcp-pre-<action>-<time>` (src/safety/safety_snapshot.ts):
   * action keys such as rollback, stop, shutdown, execute_vm_command, reconfigure, or tool names.
   */
  snapshot_before: z.array(
    z.string().regex(/^[a-z][a-z0-9_]*$/, {
      message: "must be an action or tool name such as rollback or execute_vm_command",
    }),
  ).default([]),
});

/**
 * The `console` section: commands inside VMs through the QEMU guest agent
 * (`execute_vm_command`). Off unless enabled; see src/console/defaults.ts for why the lists.
 */
export const ConsoleSchema = z.strictObject({
  /** The tool is only registered when true. */
  enabled: boolFrom().default(false),
  /** Programs (argv[0] basename globs) that may run; each must match a program with a grammar. */
  allow: z.array(
    z.string().min(1).superRefine((entry, ctx) => {
      const problem = allowEntryProblem(entry);
      if (problem) ctx.addIssue({ code: "custom", message: `"${entry}" ${problem}` });
    }),
  ).default([...DEFAULT_ALLOW]),
  /** Programs refused even when allowed (deny wins). */
  deny: z.array(z.string().min(1)).default([...DEFAULT_DENY]),
  /** Argument globs refused for every program (secret files). */
  deny_args: z.array(z.string().min(1)).default([...DEFAULT_DENY_ARGS]),
  /** Kept for compatibility: the program grammars always apply, so only true is accepted. */
  arg_rules: boolFrom().default(true).refine((v) => v, { message: ARG_RULES_FALSE }),
  /** Only these VMIDs (with `tags`: VMIDs or tags); all VMs when both are unset. */
  vmids: z.array(intFrom(100, 999_999_999)).optional(),
  /** Only VMs carrying one of these PVE tags (case-insensitive). */
  tags: z.array(z.string().min(1)).optional(),
  max_command_length: intFrom(1, 65_536).default(1024),
  /** Default and maximum seconds to wait for a command. */
  timeout_s: intFrom(1, 300).default(30),
  /** Cap per stream (stdout, stderr) of what is returned to the model. */
  max_output_bytes: intFrom(256, 16 * 1024 * 1024).default(64 * 1024),
  /** Allow `shell: true` (/bin/sh -c, or PowerShell on Windows guests). */
  allow_shell: boolFrom().default(false),
});

/** The `cache` section: the short read cache of PVE GETs (see src/proxmox/cache.ts). */
export const CacheSchema = z.strictObject({
  enabled: boolFrom().default(true),
  /** Longest life of a cached answer. */
  ttl_ms: intFrom(0, 60_000).default(2000),
  /**
   * Keep answers between tool calls (up to ttl_ms): faster paging of big listings, but a change
   * made outside this server can show up to ttl_ms late. Off: the cache only serves reads made
   * while tool calls overlap, and empties whenever the server is idle.
   */
  across_calls: boolFrom().default(false),
});

/** One cluster of a several-cluster configuration (`clusters.NAME`). */
export const ClusterSchema = z.strictObject({ proxmox: ProxmoxSchema, auth: AuthSchema });

/** Cluster names become tool arguments and item fields: keep them short and plain. */
export const CLUSTER_NAME_RE = /^[a-z][a-z0-9_-]{0,31}$/;

/** The `http` section: Streamable HTTP transport settings (`serve --http`). */
export const HttpSchema = z.strictObject({
  tokens: z.array(z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, {
      message: "must be 1-64 letters, digits, '.', '_' or '-' (it names the token in logs)",
    }),
    // Bearer tokens guard the whole cluster: refuse ones short enough to guess.
    token: z.string().min(16, { message: "is too short: use at least 16 random characters" }),
    read_only: boolFrom().default(false),
  })).default([]),
  /** Stateless: any replica answers any request (no session affinity needed). */
  stateless: boolFrom().default(true),
  allowed_origins: z.array(z.string().min(1)).default([]),
  allowed_hosts: z.array(z.string().min(1)).default([]),
  max_body_bytes: intFrom(1024, 64 * 1024 * 1024).default(1024 * 1024),
  max_concurrency_per_token: intFrom(1, 1000).default(8),
  /** Stateful mode: sessions idle this long are closed. */
  session_idle_seconds: intFrom(10, 86_400).default(1800),
  /** Stateful mode: most sessions one token may hold open (of 1,000 in all). */
  max_sessions_per_token: intFrom(1, 1000).default(50),
});

/**
 * The `mcp` section: protocol-level settings. `state_key` seals MCP task ids and confirmation
 * state (src/crypto/seal.ts); replicas behind one load balancer must share it. Without one, a
 * random key lives as long as the process: task ids die with it.
 */
export const McpSchema = z.strictObject({
  state_key: z.string().refine((v) => parseKey(v) !== undefined, {
    message: "must be 32 random bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)",
  }).optional(),
  /** How long an MCP task id stays valid, from its creation. */
  task_ttl_s: intFrom(60, 7 * 86_400).default(86_400),
  /** How long the user may take to answer a confirmation question. */
  confirm_ttl_s: intFrom(30, 3_600).default(600),
});

export const ConfigSchema = z.strictObject({
  // Optional here because `clusters` may replace them; `refineClusters` keeps the rule clear.
  proxmox: ProxmoxSchema.optional(),
  auth: AuthSchema.optional(),
  // Names are checked in `refineClusters`: zod's record-key issue would not say why.
  clusters: z.record(z.string(), ClusterSchema).optional(),
  default_cluster: z.string().optional(),
  logging: LoggingSchema.default({ level: "INFO" }),
  tools: ToolsSchema.prefault({}),
  audit: AuditSchema.default({}),
  /** Short read cache of PVE GETs (every key has a default). */
  cache: CacheSchema.prefault({}),
  safety: SafetySchema.prefault({}),
  /** Thresholds of the diagnostic tools (every key has a default). */
  diagnostics: DiagnosticsSchema.prefault({}),
  /** Commands inside VMs (execute_vm_command); off unless console.enabled. */
  console: ConsoleSchema.prefault({}),
  mcp: McpSchema.prefault({}),
  http: HttpSchema.default({
    tokens: [],
    stateless: true,
    allowed_origins: [],
    allowed_hosts: [],
    max_body_bytes: 1024 * 1024,
    max_concurrency_per_token: 8,
    session_idle_seconds: 1800,
    max_sessions_per_token: 50,
  }),
}).superRefine(refineClusters, {
  // Also when other sections have problems, so one run reports every problem.
  when: (p) => p.value !== null && typeof p.value === "object" && !Array.isArray(p.value),
});

/** Either `proxmox` + `auth` (one cluster) or `clusters` (several), never both. */
function refineClusters(
  c: {
    proxmox?: unknown;
    auth?: unknown;
    clusters?: Record<string, unknown>;
    default_cluster?: string;
  },
  ctx: z.RefinementCtx,
) {
  if (c.clusters === undefined || c.clusters === null || typeof c.clusters !== "object") {
    if (c.clusters !== undefined) return; // wrong type: the record schema reports it
    if (c.proxmox === undefined) ctx.addIssue({ code: "custom", path: ["proxmox"], message: "" });
    if (c.auth === undefined) ctx.addIssue({ code: "custom", path: ["auth"], message: "" });
    if (c.default_cluster !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["default_cluster"],
        message: "needs a clusters section naming that cluster",
      });
    }
    return;
  }
  const names = Object.keys(c.clusters);
  if (names.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["clusters"],
      message: 'names no cluster: add one, e.g. "clusters": {"lab": {"proxmox": ..., "auth": ...}}',
    });
  }
  for (const name of names) {
    if (!CLUSTER_NAME_RE.test(name)) {
      ctx.addIssue({
        code: "custom",
        path: ["clusters", name],
        message: `the name "${name}" is not allowed: use 1-32 lower-case letters, digits, ` +
          "'-' or '_', starting with a letter",
      });
    }
  }
  for (const key of ["proxmox", "auth"] as const) {
    if (c[key] !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `cannot be combined with clusters: move it into clusters.NAME.${key}`,
      });
    }
  }
  if (c.default_cluster !== undefined && !names.includes(c.default_cluster)) {
    ctx.addIssue({
      code: "custom",
      path: ["default_cluster"],
      message: `names no configured cluster (clusters: ${names.join(", ")})`,
    });
  }
}

/** The `safety` section. */
export type SafetyConfig = z.infer<typeof SafetySchema>;

/** The `console` section. */
export type ConsoleConfig = z.infer<typeof ConsoleSchema>;

/** The `tools` section. */
export type ToolsConfig = z.infer<typeof ToolsSchema>;

/** The `mcp` section. */
export type McpConfig = z.infer<typeof McpSchema>;

/** The `http` section. */
export type HttpConfig = z.infer<typeof HttpSchema>;

/** One cluster's connection settings. */
export type ClusterConfig = z.infer<typeof ClusterSchema>;

/**
 * A validated configuration, normalised by `normalizeClusters`: `proxmox`/`auth` are the default
 * cluster's, `clusters` always names every cluster (one, `default`, in the single-cluster form).
 */
export type Config =
  & Omit<z.infer<typeof ConfigSchema>, "proxmox" | "auth" | "clusters" | "default_cluster">
  & ClusterConfig
  & { clusters: Record<string, ClusterConfig>; default_cluster: string };
