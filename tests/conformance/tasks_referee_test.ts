/**
 * The official MCP conformance referee
 * (`@modelcontextprotocol/conformance@0.2.0-alpha.12`, run with Deno) against
 * the tasks fixture server (tests/support/tasks_fixture_server.ts), whose
 * every task goes through the project's tasks module: each `tasks-*`
 * scenario the referee lists must report 0 failed, and every scored one must
 * pass whole. A scenario the referee skips (0 checks) passes with a note.
 */

import { assert, assertEquals } from "../support/assert.ts";
import {
  childDenoEnv,
  probeReferee,
  reportMissingReferee,
  runReferee,
} from "../support/referee.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const FIXTURE = "tests/support/tasks_fixture_server.ts";
/** Scored at this referee version (tasks-status-notifications is skipped, pending). */
const SCORED = [
  "tasks-lifecycle",
  "tasks-capability-negotiation",
  "tasks-wire-fields",
  "tasks-request-state-removal",
  "tasks-mrtr-input",
  "tasks-request-headers",
  "tasks-dispatch-and-envelope",
  "tasks-required-task-error",
  "tasks-mrtr-composition",
];

/** The referee's tasks-* server scenarios, from the probe's `list` output. */
function tasksScenarios(listing: string): string[] {
  const server = listing.split(/Client scenarios/)[0];
  return [...server.matchAll(/^\s*-\s+(tasks-[a-z0-9-]+)/gm)].map((m) => m[1]);
}

interface Verdict {
  passed: number;
  failed: number;
  total: number;
  output: string;
}

async function referee(url: string, scenario: string): Promise<Verdict> {
  const { output } = await runReferee(["server", "--url", url, "--scenario", scenario]);
  // "Passed: 9/9, 0 failed, 0 warnings" (this version) or "✓ NAME: 9 passed, 0 failed".
  const a = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(output);
  if (a) return { passed: +a[1], total: +a[2], failed: +a[3], output };
  const b = new RegExp(`[✓✗] ${scenario}: (\\d+) passed, (\\d+) failed`).exec(output);
  assert(b, `no verdict from the referee for ${scenario}:\n${output.slice(-2000)}`);
  return { passed: +b[1], failed: +b[2], total: +b[1] + +b[2], output };
}

/** Starts the fixture server on a free port; resolves once it prints its URL. */
async function startFixture() {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", FIXTURE, "0"],
    cwd: ROOT, // the project's deno.json (import map)
    env: childDenoEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  let url: string | undefined;
  const deadline = setTimeout(() => child.kill(), 60_000);
  try {
    while (!url) {
      const { value, done } = await reader.read();
      if (done) break;
      log += value;
      url = /listening (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(log)?.[1];
    }
  } finally {
    clearTimeout(deadline);
  }
  // Keep draining stderr so the server never blocks on a full pipe.
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      log += value;
    }
  })();
  const close = async () => {
    try {
      child.kill();
    } catch { /* already gone */ }
    await child.status;
    await drained;
  };
  if (!url) {
    await close();
    throw new Error(`the fixture server did not start:\n${log}`);
  }
  return { url, close, log: () => log };
}

const probe = await probeReferee(["list"]);
reportMissingReferee("the tasks referee", probe);
const scenarios = probe.ok ? tasksScenarios(probe.output) : undefined;

Deno.test({
  name: "conformance referee: tasks-* scenarios against the tasks module",
  ignore: !scenarios,
  async fn(t) {
    const list = scenarios!;
    for (const s of SCORED) assert(list.includes(s), `the referee lists ${s}`);
    const srv = await startFixture();
    const results: string[] = [];
    try {
      for (const scenario of list) {
        await t.step(scenario, async () => {
          const v = await referee(srv.url, scenario);
          results.push(`${scenario}: ${v.passed}/${v.total} passed, ${v.failed} failed`);
          const tail = `${v.output.slice(-3000)}\n--- server:\n${srv.log().slice(-2000)}`;
          assertEquals(v.failed, 0, tail);
          if (SCORED.includes(scenario)) {
            assert(v.total > 0, `${scenario} ran no checks:\n${tail}`);
            assertEquals(v.passed, v.total, tail);
          }
        });
      }
    } finally {
      await srv.close();
      console.log(results.join("\n"));
    }
  },
});
