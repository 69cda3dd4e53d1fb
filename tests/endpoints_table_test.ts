/**
 * The project's endpoint table (src/proxmox/endpoints_table.ts) must state the
 * same facts as the official schema: same endpoints, parameters, privilege
 * checks, `protected` and `proxyto`. Skipped, with a message, without apidoc.json.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ENDPOINT_TABLE } from "../src/proxmox/endpoints_table.ts";
import { API_SCHEMA_PATH, loadApiSchema } from "./support/schema_check.ts";

const schema = loadApiSchema();
if (!schema) {
  console.warn(`endpoints_table_test: ${API_SCHEMA_PATH} is absent; schema checks skipped`);
}

// The parameter facts the generator keeps, normalised the same way.
const KEEP = ["type", "optional", "enum", "minimum", "maximum", "format", "pattern", "maxLength"];
function facts(spec: Record<string, unknown>): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const k of KEEP) {
    const v = spec[k];
    if (v === undefined || (k === "format" && typeof v !== "string")) continue;
    if (k === "optional") p[k] = v === 1 || v === true;
    else if (k === "minimum" || k === "maximum" || k === "maxLength") p[k] = Number(v);
    else p[k] = v;
  }
  return p;
}

Deno.test({
  name: "endpoint table: every entry exists in apidoc.json with the same facts",
  ignore: !schema,
  fn() {
    const problems: string[] = [];
    for (const e of ENDPOINT_TABLE) {
      const key = `${e.method} ${e.path}`;
      const s = schema!.byKey.get(key);
      if (!s) {
        problems.push(`${key}: not in the schema`);
        continue;
      }
      const want = Object.fromEntries(
        Object.entries(s.params).map(([k, v]) => [k, facts(v as Record<string, unknown>)]),
      );
      try {
        assertEquals(e.params, want);
      } catch {
        problems.push(`${key}: params differ from the schema`);
      }
      try {
        assertEquals(e.permissions, s.info.permissions ?? null);
      } catch {
        problems.push(`${key}: permissions differ from the schema`);
      }
      if (e.protected !== (s.info.protected === 1)) problems.push(`${key}: protected differs`);
      if (e.proxyto !== (s.info.proxyto ?? null)) problems.push(`${key}: proxyto differs`);
      const returns = (s.info.returns as { type?: string } | undefined)?.type ?? "null";
      if (e.returns !== returns) problems.push(`${key}: returns differs`);
    }
    assertEquals(problems, []);
  },
});

Deno.test("endpoint table: no duplicate METHOD + path", () => {
  const keys = ENDPOINT_TABLE.map((e) => `${e.method} ${e.path}`);
  assertEquals(keys.length, new Set(keys).size);
});
