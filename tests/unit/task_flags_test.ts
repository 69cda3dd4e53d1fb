/**
 * deno.json's `start`, `demo` and `compile*` tasks run the server with one
 * flag list (the compile tasks through scripts/compile.ts, which reads the
 * start task's): the binary a user downloads must be granted exactly what the
 * tests and the bench run under, and start the same way.
 *
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { REPO_ROOT, startTaskFlags } from "../support/harness.ts";

const tasks: Record<string, string> = JSON.parse(
  Deno.readTextFileSync(`${REPO_ROOT}/deno.json`),
).tasks;

/** The runtime flags of one `deno run` task (up to its entry). */
function runtimeFlags(task: string): string[] {
  const words = task.split(/\s+/);
  return words.slice(words.indexOf("run") + 1, words.indexOf("src/main.ts"));
}

Deno.test("start and demo share the start task's flags; every compile task builds through scripts/compile.ts", () => {
  const start = startTaskFlags();
  assertEquals(runtimeFlags(tasks.demo), start);
  const compiles = Object.keys(tasks).filter((k) => k.startsWith("compile") && k !== "compile:all");
  assert(compiles.length >= 6, `compile tasks: ${compiles}`);
  for (const k of compiles) {
    // scripts/compile.ts passes the start task's flags (tests/e2e/compile_test.ts).
    assert(
      tasks[k].startsWith("deno run --allow-read --allow-run --allow-env scripts/compile.ts "),
      `task ${k}: ${tasks[k]}`,
    );
    const name = k === "compile" ? "" : `-${k.slice("compile:".length)}`;
    assert(tasks[k].endsWith(` --output dist/proxmox-mcp${name}`), `task ${k}: ${tasks[k]}`);
    assertEquals(k === "compile", !tasks[k].includes("--target"), `task ${k}: ${tasks[k]}`);
  }
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
