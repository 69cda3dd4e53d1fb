/**
 * The official MCP conformance referee
 * (`@modelcontextprotocol/conformance@0.2.0-alpha.12`), run with this Deno:
 * one way to start it for every conformance test, and one probe that says
 * whether it can be fetched here. The referee is a test tool, not a project
 * dependency: `--no-config --no-lock` keeps it off deno.json and the frozen
 * deno.lock. Where it cannot be fetched its tests are skipped, saying why,
 * unless `PROXMOX_MCP_REQUIRE_REFEREE=1` (set by `.ci/run`), which fails them:
 * CI never passes without the referee having run.
 *
 * @example
 * ```ts ignore
 * import { probeReferee, runReferee } from "./referee.ts";
 * const probe = await probeReferee();
 * if (probe.ok) console.log((await runReferee(["list"])).output);
 * ```
 *
 * @module
 */

import { childEnv } from "./child_env.ts";

/** The referee's npm specifier, pinned. */
export const REFEREE = "npm:@modelcontextprotocol/conformance@0.2.0-alpha.12";

const decoder = new TextDecoder();
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** What an npm fetch may need beyond the harness's child variables (proxies, a registry). */
const NETWORK_VARS = ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "NPM_CONFIG_REGISTRY"];

/**
 * The harness's child environment plus {@linkcode NETWORK_VARS}: for the referee, which fetches
 * from npm, and the fixture server beside it. The server under test gets no proxy variables.
 */
export function childDenoEnv(extra: Record<string, string> = {}): Record<string, string> {
  const network: Record<string, string> = {};
  for (const k of NETWORK_VARS) {
    const v = Deno.env.get(k);
    if (v !== undefined) network[k] = v;
  }
  return childEnv({ ...network, ...extra });
}

/** One referee run: whether it exited 0, and stdout + stderr without colours. */
export interface RefereeRun {
  success: boolean;
  output: string;
}

/** Runs the referee with `args` (e.g. `["server", "--url", url, "--scenario", name]`). */
export async function runReferee(args: string[], timeoutMs = 120_000): Promise<RefereeRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-config", "--no-lock", REFEREE, ...args],
    env: childDenoEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "null",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  // The referee colours its output whatever NO_COLOR says.
  const output = (decoder.decode(out.stdout) + decoder.decode(out.stderr)).replace(ANSI, "");
  return { success: out.success, output };
}

/** Whether the referee runs here; `why` holds the last attempt's words when it does not. */
export type Probe = { ok: true; output: string } | { ok: false; why: string };

/**
 * Runs the referee with `args` (default `--version`) up to `attempts` times: a first fetch into
 * a cold npm cache, or one racing another test's, can fail once and succeed on the next try.
 */
export async function probeReferee(args = ["--version"], attempts = 3): Promise<Probe> {
  let why = "";
  for (let i = 0; i < attempts; i++) {
    try {
      const r = await runReferee(args);
      if (r.success) return { ok: true, output: r.output };
      why = r.output.split("\n").map((l) => l.trim()).filter(Boolean).slice(-3).join(" / ") ||
        "exited without a message";
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
  }
  return { ok: false, why };
}

/** Whether a missing referee must fail its tests rather than skip them. */
export function refereeRequired(): boolean {
  return Deno.env.get("PROXMOX_MCP_REQUIRE_REFEREE") === "1";
}

/**
 * What a test file does with a failed probe: a warning (the tests are then ignored), or, when
 * the referee is required, an error that fails the file.
 */
export function reportMissingReferee(what: string, probe: Probe): void {
  if (probe.ok) return;
  const message = `${what}: ${REFEREE} cannot be run here (${probe.why})`;
  if (refereeRequired()) {
    throw new Error(`${message}; PROXMOX_MCP_REQUIRE_REFEREE=1 makes that a failure`);
  }
  console.warn(`skipping ${message}`);
}
