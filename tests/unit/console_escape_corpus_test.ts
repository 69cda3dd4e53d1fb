/**
 * The escape corpus against the shipped defaults: every attempt is refused
 * (with allow_shell on for the shell-mode ones), each refusal names a rule
 * and shows what is allowed, every default program is attacked at least
 * once, and the everyday diagnostics still run.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { DEFAULT_ALLOW } from "../../src/console/defaults.ts";
import { GRAMMAR_PROGRAMS } from "../../src/console/grammar/catalog.ts";
import { globMatch } from "../../src/console/names.ts";
import { ESCAPES, EVERYDAY } from "./console_corpus.ts";
import { accepts, acceptsScript, policy, refuses, refusesScript } from "./console_support.ts";

const exec = policy();
const shell = policy({ allow_shell: true });

Deno.test("escape corpus: at least 150 attempts, all refused", () => {
  assert(ESCAPES.length >= 150, `the corpus has ${ESCAPES.length} attempts`);
  const commands = new Set(ESCAPES.map((x) => `${x.mode} ${x.command}`));
  assertEquals(commands.size, ESCAPES.length, "no attempt is listed twice");
  const passed: string[] = [];
  for (const x of ESCAPES) {
    try {
      const e = x.mode === "exec"
        ? refuses(exec, x.command)
        : refusesScript(shell, x.command, x.mode === "sh" ? "linux" : "windows");
      assertStringIncludes(e.message, "(rule: ");
      assert(e.hint.length > 0, `${x.command}: the refusal says what to do`);
    } catch (err) {
      passed.push(`${x.mode}: ${x.command} (${x.trick}): ${(err as Error).message}`);
    }
  }
  assertEquals(passed, [], `${passed.length} attempts got through:\n${passed.join("\n")}`);
  console.log(
    `escape corpus: ${ESCAPES.length} attempts, ${ESCAPES.length - passed.length} refused`,
  );
});

Deno.test("escape corpus: every default program is attacked", () => {
  const programs = GRAMMAR_PROGRAMS.filter((p) =>
    DEFAULT_ALLOW.some((g) => globMatch(g, p)) && !p.includes("-")
  );
  const attacked = new Set(ESCAPES.map((x) => x.program));
  const missing = programs.filter((p) => !attacked.has(p));
  assertEquals(missing, [], `default programs without an escape attempt: ${missing.join(", ")}`);
});

Deno.test("escape corpus: grammar refusals show the allowed form", () => {
  for (const x of ESCAPES.filter((x) => x.mode === "exec")) {
    let e;
    try {
      e = refuses(exec, x.command);
    } catch {
      continue; // reported by the first test
    }
    if (e.rule === "arguments") assertStringIncludes(e.hint, "Allowed: ", x.command);
  }
});

Deno.test("everyday diagnostics run with the defaults", () => {
  for (const c of EVERYDAY.exec) accepts(exec, c);
  for (const c of EVERYDAY.sh) acceptsScript(shell, c, "linux");
  for (const c of EVERYDAY.ps) acceptsScript(shell, c, "windows");
});
