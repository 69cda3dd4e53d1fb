/**
 * deno.json's `start`, `demo` and `compile*` tasks run the server with one
 * flag list: the binary a user downloads must be granted exactly what the
 * tests and the bench run under, and start the same way.
 *
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { REPO_ROOT, startTaskFlags } from "../support/harness.ts";

const tasks: Record<string, string> = JSON.parse(
  Deno.readTextFileSync(`${REPO_ROOT}/deno.json`),
).tasks;

/** The runtime flags of one `deno run` or `deno compile` task (no target, output or entry). */
function runtimeFlags(task: string): string[] {
  const words = task.split(/\s+/);
  const verb = words.findIndex((w) => w === "run" || w === "compile");
  const out: string[] = [];
  for (let i = verb + 1; i < words.length && words[i] !== "src/main.ts"; i++) {
    if (words[i] === "--target" || words[i] === "--output") i++;
    else out.push(words[i]);
  }
  return out;
}

const SERVER_TASKS = Object.keys(tasks).filter((k) =>
  k === "start" || k === "demo" || (k.startsWith("compile") && k !== "compile:all")
);

Deno.test("start, demo and every compile task share the start task's flags", () => {
  assert(SERVER_TASKS.length >= 7, `server tasks: ${SERVER_TASKS}`);
  const start = startTaskFlags();
  assertEquals(runtimeFlags(tasks.start), start);
  for (const k of SERVER_TASKS) assertEquals(runtimeFlags(tasks[k]), start, `task ${k}`);
});

Deno.test("the flags grant net, read, write and env only, never -A, run, ffi or sys", () => {
  const grants = startTaskFlags().filter((f) => !f.startsWith("--v8-flags="));
  assertEquals(grants.sort(), ["--allow-env", "--allow-net", "--allow-read", "--allow-write"]);
});

Deno.test("the V8 setting is the young generation's start size and nothing else", () => {
  // A V8 flag outside the heap sizes could change V8's code-cache key or the runtime's
  // behaviour; this one is measured in bench/surface.ts and explained in the README.
  const v8 = startTaskFlags().filter((f) => f.startsWith("--v8-flags="));
  assertEquals(v8, ["--v8-flags=--min-semi-space-size=16"]);
});
