import { assertEquals } from "../support/assert.ts";
import { compactSchema, withoutDescriptions } from "../../src/mcp/list_shaping.ts";

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
