/**
 * The product (src/) never imports test code: `deno compile` would ship it,
 * and a test helper changed for a test would change the server.
 */
import { assertEquals } from "../support/assert.ts";
import { REPO_ROOT } from "../support/harness.ts";

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* tsFiles(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

Deno.test("src/ imports nothing from tests/ or bench/", async () => {
  const offenders: string[] = [];
  // Static and dynamic imports and re-exports alike.
  const spec = /(?:from|import)\s*\(?\s*["']([^"']+)["']/g;
  for await (const file of tsFiles(`${REPO_ROOT}/src`)) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(spec)) {
      if (/(^|\/)(tests|bench)\//.test(m[1])) {
        offenders.push(`${file.slice(REPO_ROOT.length + 1)}: ${m[1]}`);
      }
    }
  }
  assertEquals(offenders, []);
});
