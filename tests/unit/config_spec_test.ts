import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import {
  array,
  bool,
  check,
  enumOf,
  type Infer,
  int,
  keysAt,
  num,
  optional,
  orEmpty,
  SpecError,
  str,
  strictObject,
  withDefault,
} from "../../src/config/spec.ts";
import { type Config, ConfigSchema, type LogLevel } from "../../src/config/schema.ts";
import { validateConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { DEFAULT_ALLOW, DEFAULT_DENY, DEFAULT_DENY_ARGS } from "../../src/console/defaults.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
const typeIs = <T extends true>(): T | undefined => undefined;

// The inferred types stay as precise as zod's were: literal unions, optional vs defaulted keys.
typeIs<Equal<Config["logging"]["level"], LogLevel>>();
typeIs<Equal<Config["proxmox"]["service"], "PVE">>();
typeIs<Equal<Config["tools"]["enabled_toolsets"], ("provisioning" | "backups")[]>>();
typeIs<Equal<Config["console"]["vmids"], number[] | undefined>>();
typeIs<Equal<Config["http"]["tokens"], { name: string; token: string; read_only: boolean }[]>>();
// deno-lint-ignore ban-types
typeIs<Equal<{} extends Pick<Config["audit"], "file"> ? 1 : 0, 1>>(); // optional key
// deno-lint-ignore ban-types
typeIs<Equal<{} extends Pick<Config["proxmox"], "port"> ? 1 : 0, 0>>(); // defaulted: always set
typeIs<Equal<Infer<typeof ConfigSchema>["proxmox"], Config["proxmox"] | undefined>>();

const AUTH = { user: "mcp@pve", token_name: "mcp", token_value: "8d3f2a1c-5b6e-4f70-9a8b" };
const PROXMOX = {
  host: "pve.lan",
  port: 8006,
  verify_ssl: true,
  service: "PVE",
  timeout_ms: 30000,
  max_answer_bytes: 33554432,
};

Deno.test("a minimal document fills in every section exactly as the zod schema did", () => {
  const cluster = { proxmox: PROXMOX, auth: AUTH };
  assertEquals(validateConfig({ proxmox: { host: "pve.lan" }, auth: AUTH }), {
    logging: { level: "INFO" },
    tools: {
      read_only: false,
      disabled_toolsets: [],
      disabled_tools: [],
      enabled_toolsets: [],
      hide_unpermitted: true,
      permissions_refresh_s: 300,
    },
    audit: {},
    cache: { enabled: true, ttl_ms: 2000, across_calls: false },
    safety: {
      protected_vmids: [],
      protected_tags: ["protected"],
      confirm_destructive: true,
      snapshot_before: [],
    },
    diagnostics: {
      node_cpu_warning_pct: 85,
      node_cpu_critical_pct: 95,
      node_memory_warning_pct: 85,
      node_memory_critical_pct: 95,
      node_swap_warning_pct: 50,
      node_rootfs_warning_pct: 85,
      node_rootfs_critical_pct: 95,
      storage_warning_pct: 85,
      storage_critical_pct: 95,
      task_window_hours: 24,
      guest_memory_warning_pct: 90,
      guest_disk_warning_pct: 85,
      backup_max_age_days: 7,
      snapshot_max_age_days: 30,
      idle_cpu_pct: 5,
      oversized_memory_pct: 30,
      memory_overcommit_pct: 100,
      cpu_overcommit_ratio: 4,
      large_disk_gib: 100,
      max_rrd_guests: 50,
      max_firewall_guests: 100,
    },
    console: {
      enabled: false,
      allow: [...DEFAULT_ALLOW],
      deny: [...DEFAULT_DENY],
      deny_args: [...DEFAULT_DENY_ARGS],
      arg_rules: true,
      max_command_length: 1024,
      timeout_s: 30,
      max_output_bytes: 65536,
      allow_shell: false,
    },
    mcp: { task_ttl_s: 86400, confirm_ttl_s: 600 },
    http: {
      tokens: [],
      stateless: true,
      allowed_origins: [],
      allowed_hosts: [],
      max_body_bytes: 1048576,
      max_concurrency_per_token: 8,
      session_idle_seconds: 1800,
      max_sessions_per_token: 50,
    },
    ...cluster,
    clusters: { default: cluster },
    default_cluster: "default",
  } as Config);
});

Deno.test("empty sections fill in like absent ones; defaults are fresh per parse", () => {
  const doc = () => ({ proxmox: { host: "pve.lan" }, auth: AUTH });
  const sections = ["logging", "tools", "audit", "cache", "safety", "diagnostics", "console"];
  const empty = Object.fromEntries([...sections, "mcp", "http"].map((k) => [k, {}]));
  const [a, b] = [validateConfig(doc()), validateConfig({ ...doc(), ...empty })];
  assertEquals(a, b);
  for (
    const list of [a.http.tokens, a.console.allow, a.safety.protected_tags, a.tools.disabled_tools]
  ) {
    assert(![b.http.tokens, b.console.allow, b.safety.protected_tags].includes(list));
  }
});

const S = strictObject({
  port: withDefault(int(1, 65535), 8006),
  ratio: optional(num(0.1, 10)),
  on: withDefault(bool(), false),
  kind: withDefault(enumOf(["a", "b"]), "a"),
  name: str({ min: 1, max: [3, "too long"], regex: [/^[a-z]*$/, "lower case only"] }),
  list: withDefault(array(int(0, 9)), []),
  inner: orEmpty(strictObject({ x: withDefault(int(0, 9), 7) })),
});
const messages = (v: unknown) => check(S, v).issues.map((i) => `${i.path.join(".")}: ${i.message}`);

Deno.test("spec: numbers and booleans from strings, defaults, nested defaults", () => {
  assertEquals(S.parse({ port: " 8007 ", ratio: "2.5", on: " Yes ", name: "ab", list: ["3"] }), {
    port: 8007,
    ratio: 2.5,
    on: true,
    kind: "a",
    name: "ab",
    list: [3],
    inner: { x: 7 },
  });
  for (const [word, want] of [["OFF", false], ["0", false], ["no", false], ["On", true]] as const) {
    assertEquals(S.parse({ name: "a", on: word }).on, want);
  }
});

Deno.test("spec: every problem is reported, in document order, unknown keys after their object's keys", () => {
  assertEquals(
    messages({ port: 1.5, on: "maybe", kind: "c", name: "ABCD", zz: 1, inner: { y: 2 } }),
    [
      "port: expected a whole number from 1 to 65535",
      "on: expected true or false",
      'kind: must be one of "a", "b"',
      "name: too long",
      "name: lower case only",
      "inner: unknown keys",
      ": unknown keys",
    ],
  );
  assertEquals(messages({ port: 1e300, name: "" }), [
    "port: expected a whole number from 1 to 65535",
    "port: must be at most 65535",
    "name: must not be empty",
  ]);
  assertEquals(messages({ port: "0", ratio: "x", list: "1", inner: [] }), [
    "port: must be at least 1",
    "ratio: expected a number from 0.1 to 10",
    "name: is missing",
    "list: expected a list",
    'inner: expected object ({"setting": value, ...})',
  ]);
  assertEquals(check(S, { name: "a", q: 1, r: 2 }).issues[0].keys, ["q", "r"]);
});

Deno.test("spec: parse throws, safeParse answers; keysAt walks objects, lists and records", () => {
  assertEquals(assertThrows(() => S.parse({}), SpecError).message, "name: is missing");
  assertEquals(S.safeParse({ name: "a" }).success, true);
  const r = S.safeParse(null);
  assert(!r.success && r.error.issues[0].message.includes("expected object"));
  assertEquals(keysAt(S, ["inner"]), ["x"]);
  assertEquals(keysAt(ConfigSchema, ["clusters", "lab", "auth"]), [
    "user",
    "token_name",
    "token_value",
  ]);
  assertEquals(keysAt(ConfigSchema, ["http", "tokens", 0]), ["name", "token", "read_only"]);
  assertEquals(keysAt(ConfigSchema, ["proxmox", "port"]), []);
});

Deno.test("cluster rules run alongside other problems; a __proto__ cluster name is refused", () => {
  const e = assertThrows(
    () => validateConfig({ proxmox: { host: "h", port: 0 }, default_cluster: "x", bogus: 1 }),
    ConfigError,
  );
  assertEquals(e.problems.map((p) => p.path), [
    "proxmox.port",
    "bogus",
    "auth",
    "default_cluster",
  ]);
  const doc = JSON.parse(
    `{"clusters":{"__proto__":${JSON.stringify({ proxmox: PROXMOX, auth: AUTH })}}}`,
  );
  const p = assertThrows(() => validateConfig(doc), ConfigError);
  assertEquals(p.problems.map((x) => x.path), ["clusters.__proto__"]);
});
