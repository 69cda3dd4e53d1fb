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
 * console.log(cfg.proxmox.port); // 8006
 * ```
 *
 * @module
 */

import { z } from "zod";

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

export const ProxmoxSchema = z.strictObject({
  host: z.string().min(1, { message: "is empty: set the PVE host name or IP" }),
  port: intFrom(1, 65535).default(8006),
  verify_ssl: boolFrom().default(true),
  service: z.enum(["PVE"]).default("PVE"),
  ca_file: z.string().min(1).optional(),
  // PVE delays failed authentication by ~3 s, so a shorter timeout would hide 401s.
  timeout_ms: intFrom(3500, 600_000).default(30_000),
});

export const AuthSchema = z.strictObject({
  user: userId,
  token_name: z.string().regex(/^[A-Za-z][A-Za-z0-9.\-_]+$/, {
    message: "must be the token id (letters, digits, . - _), e.g. mcp",
  }),
  token_value: z.string().min(1, { message: "is empty" }),
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
});

export const AuditSchema = z.strictObject({
  /** JSON-lines audit trail of every mutating call; none when unset. */
  file: z.string().min(1).optional(),
});

export const ConfigSchema = z.strictObject({
  proxmox: ProxmoxSchema,
  auth: AuthSchema,
  logging: LoggingSchema.default({ level: "INFO" }),
  tools: ToolsSchema.default({ read_only: false, disabled_toolsets: [] }),
  audit: AuditSchema.default({}),
});

/** The `tools` section. */
export type ToolsConfig = z.infer<typeof ToolsSchema>;

/** A validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;
