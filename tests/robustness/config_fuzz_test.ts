/**
 * Config fuzzing. Two layers:
 * - the real CLI, spawned with hand-picked broken files (bad JSON, wrong types,
 *   unknown keys, missing sections, unset env refs, huge values, non-UTF-8
 *   bytes): each exits 3 with a clear message naming the setting, no stack
 *   trace, never the token value;
 * - the loader in-process with generated mutations of every setting of a full
 *   valid file (hundreds of cases, fast): each is either accepted or refused
 *   with a ConfigError that names the mutated setting and hides the secret.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { runCli } from "../support/harness.ts";
import { Rng, runSeed } from "../support/fuzz.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { ConfigError } from "../../src/config/errors.ts";

const SECRET = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

function base(): Record<string, Record<string, unknown>> {
  return {
    proxmox: { host: "pve1.example.com", port: 8006, verify_ssl: true, timeout_ms: 30_000 },
    auth: { user: "mcp@pve", token_name: "mcp", token_value: SECRET },
    logging: { level: "INFO" },
    tools: { read_only: false, disabled_toolsets: [] },
    safety: { protected_vmids: [100], protected_tags: ["protected"], confirm_destructive: true },
    cache: { enabled: true, ttl_ms: 2000, across_calls: false },
  };
}

function edit(fn: (d: ReturnType<typeof base>) => void): string {
  const d = base();
  fn(d);
  return JSON.stringify(d);
}

const enc = new TextEncoder();

/** name, file bytes, a word the message must contain (the setting, usually). */
const BROKEN: Array<[string, string | Uint8Array, string]> = [
  ["empty file", "", "not valid JSON"],
  ["truncated JSON", edit(() => {}).slice(0, 40), "not valid JSON"],
  ["a JSON array", "[]", "must be a JSON object"],
  ["a JSON string", '"proxmox"', "must be a JSON object"],
  ["null", "null", "must be a JSON object"],
  ["comments (not JSON)", "// config\n" + edit(() => {}), "not valid JSON"],
  ["missing auth", edit((d) => delete (d as Record<string, unknown>).auth), "auth"],
  ["missing proxmox", edit((d) => delete (d as Record<string, unknown>).proxmox), "proxmox"],
  ["port is text", edit((d) => (d.proxmox.port = "eighty")), "proxmox.port"],
  ["port out of range", edit((d) => (d.proxmox.port = 70000)), "proxmox.port"],
  ["port negative", edit((d) => (d.proxmox.port = -1)), "proxmox.port"],
  ["port fractional", edit((d) => (d.proxmox.port = 8006.5)), "proxmox.port"],
  ["verify_ssl nonsense", edit((d) => (d.proxmox.verify_ssl = "maybe")), "proxmox.verify_ssl"],
  ["timeout too short", edit((d) => (d.proxmox.timeout_ms = 10)), "proxmox.timeout_ms"],
  ["timeout huge", edit((d) => (d.proxmox.timeout_ms = 1e308)), "proxmox.timeout_ms"],
  ["host with a path", edit((d) => (d.proxmox.host = "evil.example/#")), "proxmox.host"],
  ["host with a scheme", edit((d) => (d.proxmox.host = "https://pve1")), "proxmox.host"],
  ["host huge", edit((d) => (d.proxmox.host = "h".repeat(1 << 20))), "proxmox.host"],
  [
    "unknown top-level key",
    edit((d) => ((d as Record<string, unknown>).proxmoxx = {})),
    "proxmoxx",
  ],
  ["misspelt key", edit((d) => (d.auth.tokn_value = "x")), "did you mean"],
  ["user without realm", edit((d) => (d.auth.user = "root")), "auth.user"],
  ["user huge", edit((d) => (d.auth.user = "u".repeat(1 << 20))), "auth.user"],
  ["token name with spaces", edit((d) => (d.auth.token_name = "my token")), "auth.token_name"],
  ["token value empty", edit((d) => (d.auth.token_value = "")), "auth.token_value"],
  [
    "token value with a newline",
    edit((d) => (d.auth.token_value = `${SECRET}\n`)),
    "auth.token_value",
  ],
  ["token value an object", edit((d) => (d.auth.token_value = { v: SECRET })), "auth.token_value"],
  [
    "env ref unset",
    edit((d) => (d.auth.token_value = "${PMCP_FUZZ_UNSET_VAR}")),
    "PMCP_FUZZ_UNSET_VAR",
  ],
  [
    "env ref in host unset",
    edit((d) => (d.proxmox.host = "${PMCP_FUZZ_NO_HOST}")),
    "PMCP_FUZZ_NO_HOST",
  ],
  ["log level unknown", edit((d) => (d.logging.level = "LOUD")), "logging.level"],
  [
    "sections of the wrong type",
    edit((d) => ((d as Record<string, unknown>).tools = "all")),
    "tools",
  ],
  [
    "protected_vmids wrong",
    edit((d) => (d.safety.protected_vmids = [-5])),
    "safety.protected_vmids",
  ],
  ["cache ttl negative", edit((d) => (d.cache.ttl_ms = -1)), "cache.ttl_ms"],
  [
    "clusters and proxmox together",
    edit((d) => ((d as Record<string, unknown>).clusters = {})),
    "clusters",
  ],
  [
    "non-UTF-8 bytes outside strings",
    new Uint8Array([...enc.encode('{"proxmox": '), 0xff, 0xfe, ...enc.encode("}")]),
    "not valid JSON",
  ],
  [
    "non-UTF-8 bytes inside the token",
    (() => {
      const [head, tail] = edit((d) => (d.auth.token_value = "@@T@@")).split("@@T@@");
      return new Uint8Array([...enc.encode(head + SECRET), 0xc3, 0x28, ...enc.encode(tail)]);
    })(),
    "auth.token_value",
  ],
];

Deno.test("config fuzz (CLI): every broken file exits 3 with a clear message", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-cfgfuzz-" });
  try {
    // Two at a time: each is a Deno process start; the machine is shared.
    const results: string[] = [];
    for (let i = 0; i < BROKEN.length; i += 2) {
      await Promise.all(
        BROKEN.slice(i, i + 2).map(async ([name, bytes, must], j) => {
          const path = `${dir}/c${i + j}.json`;
          await Deno.writeFile(path, typeof bytes === "string" ? enc.encode(bytes) : bytes);
          const r = await runCli(["--config", path]);
          const all = r.stdout + r.stderr;
          assertEquals(r.code, 3, `${name}: exit code (stderr: ${r.stderr.slice(0, 400)})`);
          assert(r.stderr.includes("invalid configuration"), `${name}: ${r.stderr.slice(0, 400)}`);
          assert(
            r.stderr.includes(must),
            `${name}: should mention ${must}: ${r.stderr.slice(0, 600)}`,
          );
          assert(!/\n\s+at \S/.test(all), `${name}: stack trace in ${r.stderr.slice(0, 600)}`);
          assert(!all.includes(SECRET), `${name}: the token value was printed`);
          assert(r.stderr.length < 4000, `${name}: message of ${r.stderr.length} chars`);
          assertEquals(r.stdout, "", `${name}: stdout is for MCP only`);
          results.push(name);
        }),
      );
    }
    assertEquals(results.length, BROKEN.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const MUTANTS: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  "",
  " ",
  "x".repeat(100_000),
  "\u0000",
  "😀",
  "../../etc/passwd",
  "${PMCP_FUZZ_UNSET}",
  [],
  [null],
  {},
  { nested: { deep: [1] } },
];

/** Every leaf and section path of a document, as key arrays. */
function paths(doc: unknown, at: string[] = []): string[][] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return [at];
  const out: string[][] = at.length ? [at] : [];
  for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...at, k]));
  return out;
}

function setAt(doc: Record<string, unknown>, path: string[], value: unknown) {
  let cur = doc;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  if (value === undefined) delete cur[path[path.length - 1]];
  else cur[path[path.length - 1]] = value;
}

Deno.test("config fuzz (loader): mutations of every setting are accepted or clearly refused", async () => {
  const seed = runSeed();
  const rng = new Rng(seed);
  const env = (k: string) => (k === "PMCP_FUZZ_SET" ? "value" : undefined);
  let cases = 0;
  let refused = 0;
  for (const path of paths(base())) {
    const values = [undefined, ...MUTANTS, rng.pick(MUTANTS)];
    for (const value of values) {
      const doc = base() as Record<string, unknown>;
      setAt(doc, path, value);
      const sections = Object.keys(doc).filter((k) => {
        const v = doc[k];
        return v !== null && typeof v === "object" && !Array.isArray(v);
      });
      if (rng.chance(0.2) && sections.length) setAt(doc, [rng.pick(sections), "unknown_key"], 1);
      const where = `${path.join(".")}=${JSON.stringify(value)?.slice(0, 30)} (seed ${seed})`;
      cases++;
      try {
        const cfg = await parseConfigText(JSON.stringify(doc), { env, source: "fuzz" });
        assert(typeof cfg.proxmox.host === "string", where);
      } catch (e) {
        assert(e instanceof ConfigError, `${where}: not a ConfigError: ${e}`);
        refused++;
        const msg = e.message;
        assert(!msg.includes(SECRET), `${where}: message carries the token value`);
        assert(!/\n\s+at \S/.test(msg), `${where}: stack trace`);
        assert(msg.length < 4000, `${where}: ${msg.length} chars`);
        assert(
          e.problems.every((p) => p.message.trim().length > 3),
          `${where}: empty problem text: ${msg}`,
        );
        // The mutated setting (or its section, or the unknown key) is named.
        const named = e.problems.some((p) =>
          p.path.startsWith(path[0]) || p.path.endsWith("unknown_key") || p.path === ""
        );
        assert(named, `${where}: the message does not name the setting: ${msg}`);
      }
    }
  }
  assert(cases > 300, `only ${cases} cases`);
  assert(refused > cases / 2, `${refused} of ${cases} refused: the mutations are too tame`);
  console.log(`config fuzz seed=${seed}: ${cases} mutated files, ${refused} refused`);
});
