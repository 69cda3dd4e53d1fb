/**
 * The grammar catalog as a whole: every grammar says where its table came
 * from and what it allows, every default allow entry has a grammar, and the
 * documentation describes every program.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { DEFAULT_ALLOW, DEFAULT_DENY } from "../../src/console/defaults.ts";
import {
  allGrammars,
  CMDLET_PROGRAMS,
  GRAMMAR_PROGRAMS,
  grammarFor,
} from "../../src/console/grammar/catalog.ts";
import { allowEntryProblem } from "../../src/console/config_check.ts";
import { globMatch } from "../../src/console/names.ts";
import { PROGRAM_NAMES } from "../../src/console/grammar/programs.ts";

Deno.test("catalog: every grammar names its source and its allowed form", () => {
  for (const g of allGrammars()) {
    assert(g.source.length > 20, `${g.program}: source`);
    assert(/\d/.test(g.source), `${g.program}: the source names a version: ${g.source}`);
    assert(g.synopsis.length > 0, `${g.program}: synopsis`);
    assertEquals(g.program, g.program.toLowerCase());
    assertEquals(grammarFor(g.program.toUpperCase()), g, "lookup ignores case");
  }
  assertEquals(new Set(GRAMMAR_PROGRAMS).size, GRAMMAR_PROGRAMS.length);
  assert(CMDLET_PROGRAMS.every((c) => c.includes("-")));
});

Deno.test("catalog: the default allowlist only names programs with a grammar, none denied", () => {
  for (const entry of DEFAULT_ALLOW) {
    assertEquals(allowEntryProblem(entry), undefined, entry);
  }
  const allowed = GRAMMAR_PROGRAMS.filter((p) => DEFAULT_ALLOW.some((g) => globMatch(g, p)));
  const denied = allowed.filter((p) => DEFAULT_DENY.some((g) => globMatch(g, p)));
  assertEquals(denied, []);
  // Network probes and the extras stay opt-in.
  for (const extra of ["find", "seq", "sleep", "test-netconnection", "resolve-dnsname"]) {
    assert(!allowed.includes(extra), extra);
  }
});

Deno.test("catalog: docs/console-grammar.md describes every program", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/console-grammar.md", import.meta.url));
  for (const p of GRAMMAR_PROGRAMS) assertStringIncludes(doc.toLowerCase(), `\`${p}\``, p);
});

Deno.test("catalog: the plain program list the config check reads is exactly the catalog's", () => {
  assertEquals([...PROGRAM_NAMES], [...GRAMMAR_PROGRAMS]);
});
