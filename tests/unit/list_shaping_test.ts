import { z } from "zod/v4";
import { assert, assertEquals } from "../support/assert.ts";
import { compactSchema, outline, withoutDescriptions } from "../../src/mcp/list_shaping.ts";
import { ALL_TOOLS } from "../../src/tools/index.ts";
import { conforms, type JsonSchema } from "../support/json_schema.ts";

Deno.test("compactSchema drops converter noise and keeps real bounds", () => {
  const schema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: {
      n: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
      vmid: { type: "integer", minimum: 100, maximum: 999999999 },
      params: { type: "object", propertyNames: { type: "string" }, additionalProperties: {} },
    },
  };
  assertEquals(compactSchema(schema), {
    type: "object",
    properties: {
      n: { type: "integer" },
      vmid: { type: "integer", minimum: 100, maximum: 999999999 },
      params: { type: "object", additionalProperties: {} },
    },
  });
});

Deno.test("withoutDescriptions keeps a field that is named description", () => {
  const schema = {
    type: "object",
    description: "a snapshot",
    properties: {
      description: { type: "string", description: "the snapshot's own description" },
      items: { type: "array", items: { type: "object", description: "x", properties: {} } },
    },
    required: ["description"],
  };
  assertEquals(withoutDescriptions(schema), {
    type: "object",
    properties: {
      description: { type: "string" },
      items: { type: "array", items: { type: "object", properties: {} } },
    },
    required: ["description"],
  });
});

Deno.test("compactSchema drops long patterns only, and never a field called pattern", () => {
  const upid = "^UPID:[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:";
  const schema = {
    type: "object",
    properties: {
      upid: { type: "string", maxLength: 512, pattern: upid },
      type: { type: "string", pattern: "^[A-Za-z0-9_-]{1,40}$" },
      pattern: { type: "string", maxLength: 64 },
    },
  };
  assertEquals(compactSchema(schema), {
    type: "object",
    properties: {
      upid: { type: "string", maxLength: 512 },
      type: { type: "string", pattern: "^[A-Za-z0-9_-]{1,40}$" },
      pattern: { type: "string", maxLength: 64 },
    },
  });
});

Deno.test("compactSchema on the real tools: no UPID or node-name pattern is listed", () => {
  const input = (name: string) => {
    const tool = ALL_TOOLS.find((t) => t.name === name)!;
    return compactSchema(z.toJSONSchema(z.strictObject(tool.input), { io: "input" })) as {
      properties: Record<string, { pattern?: string; maxLength?: number }>;
    };
  };
  const status = input("get_task_status").properties.upid;
  assertEquals([status.pattern, status.maxLength], [undefined, 512]);
  assertEquals(input("get_node_status").properties.node.pattern, undefined);
  // The short task-type pattern says what the field takes in fewer bytes than prose would.
  assert(input("list_tasks").properties.type.pattern, "a short pattern stays");
});

Deno.test("outline keeps field names and types to the depth asked, and no rules", () => {
  const schema = {
    type: "object",
    description: "a listing",
    additionalProperties: false,
    required: ["guests", "total"],
    properties: {
      total: { type: "integer", minimum: 0, description: "all matching" },
      sort: { type: "string", enum: ["vmid", "cpu"] },
      counts: {
        type: "object",
        required: ["running"],
        properties: { running: { type: "integer" }, by: { type: "object", properties: {} } },
      },
      guests: {
        type: "array",
        items: {
          type: "object",
          required: ["vmid"],
          properties: {
            vmid: { type: "integer" },
            tags: { type: "array", items: { type: "string" } },
          },
        },
      },
      lock: { anyOf: [{ type: "string", maxLength: 40 }, { type: "null" }] },
      extra: { anyOf: [{ type: "string" }, {}] },
    },
  };
  assertEquals(outline(schema, 2), {
    type: "object",
    required: ["guests", "total"],
    properties: {
      total: { type: "integer" },
      sort: { type: "string" },
      counts: {
        type: "object",
        properties: { running: { type: "integer" }, by: { type: "object" } },
      },
      // An array is no level of its own: its rows are outlined like the field holding them.
      guests: {
        type: "array",
        items: {
          type: "object",
          properties: {
            vmid: { type: "integer" },
            tags: { type: "array", items: { type: "string" } },
          },
        },
      },
      lock: { type: ["string", "null"] },
      // A branch of any type makes the field anything.
      extra: {},
    },
  });
  const shallow = outline(schema, 1) as { properties: Record<string, unknown>; required?: unknown };
  assertEquals(shallow.properties.counts, { type: "object" });
  assertEquals(shallow.properties.guests, { type: "array", items: { type: "object" } });
  assertEquals(shallow.required, undefined, "required needs the fields below it");
  assertEquals(outline(schema, 0), { type: "object" });
});

/** A value the schema describes: every field, first enum value, the non-null branch. */
function sample(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return sample(branches.find((b) => b.type !== "null") ?? branches[0]);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") ?? "null" : s.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]),
      );
    case "array":
      return s.items ? [sample(s.items)] : [];
    case "string":
      return "x".repeat(Math.max(1, s.minLength ?? 1));
    case "integer":
    case "number":
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    default:
      return null;
  }
}

Deno.test("outline on every tool's output: results still conform, wrong types still do not", () => {
  let checked = 0;
  for (const tool of ALL_TOOLS) {
    const full = z.toJSONSchema(z.object(tool.output), {
      io: "output",
      unrepresentable: "any",
    }) as JsonSchema;
    const shape = outline(full) as JsonSchema;
    assertEquals(
      Object.keys(shape.properties ?? {}).sort(),
      Object.keys(full.properties ?? {}).sort(),
      `${tool.name}: every field named`,
    );
    const value = sample(full) as Record<string, unknown>;
    // Where the full schema accepts the sample, the outline must too (clients validate with it).
    if (conforms(full, value) !== true) continue;
    checked++;
    assertEquals(conforms(shape, value), true, tool.name);
    const typed = Object.entries(shape.properties ?? {}).find(([, p]) =>
      typeof p.type === "string" && p.type !== "object"
    );
    if (typed) {
      const wrong = { ...value, [typed[0]]: { not: "this" } };
      assertEquals(conforms(shape, wrong), false, `${tool.name}.${typed[0]} of the wrong type`);
    }
  }
  assert(checked >= ALL_TOOLS.length / 2, `${checked} of ${ALL_TOOLS.length} tools checked`);
});
