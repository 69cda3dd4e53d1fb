// The shared argument schemas take what a model naturally sends (issue 17) and still refuse
// bad values naming field, value and what is allowed; tools/list stays truthful about them.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { z } from "zod/v4";
import {
  isGuestRef,
  isNodeRef,
  looseEnum,
  newVmid,
  nodeName,
  rrdTimeframe,
  vmid,
} from "../../src/tools/schemas.ts";
import { compactSchema } from "../../src/mcp/list_shaping.ts";
import { nodeHint } from "../../src/tools/natural_args.ts";
import { ALL_TOOLS, selectTools } from "../../src/tools/index.ts";
import { toolNameProblems } from "../../src/tools/config_names.ts";

const messages = (s: z.ZodType, v: unknown) =>
  s.safeParse(v).error?.issues.map((i) => i.message) ?? [];

Deno.test("vmid: numbers, numeric strings and guest names; range kept", () => {
  assertEquals([vmid.parse(100), vmid.parse("102"), vmid.parse(" 103 ")], [100, 102, 103]);
  // A name passes validation as-is: natural_args.ts resolves it inside the call.
  assertEquals(vmid.parse("web01") as unknown, "web01");
  assertEquals(messages(vmid, 99), ["VMIDs start at 100"]);
  assertEquals(messages(vmid, "99"), ["VMIDs start at 100"]);
  assertEquals(messages(vmid, 1_000_000_000), ["VMIDs end at 999999999"]);
  assertEquals(messages(vmid, 1.5), ["must be a VMID (e.g. 100) or a guest name"]);
  assertEquals(messages(vmid, true), ["must be a VMID (e.g. 100) or a guest name"]);
  assertEquals(messages(vmid, "../etc"), ['"../etc" is not a VMID (e.g. 100) or a guest name']);
  assertEquals(messages(vmid, ""), ['"" is not a VMID (e.g. 100) or a guest name']);
});

Deno.test("newVmid: a guest that does not exist yet takes no name", () => {
  assertEquals(newVmid.parse("150"), 150);
  assertEquals(messages(newVmid, "web01"), ['"web01" is not a VMID (e.g. 100)']);
  assertEquals(messages(newVmid, 42), ["VMIDs start at 100"]);
});

Deno.test("looseEnum: any case and synonyms; others refused with the allowed values", () => {
  const status = looseEnum(["running", "stopped"], { up: "running" });
  assertEquals([status.parse("Running"), status.parse("STOPPED"), status.parse("up")], [
    "running",
    "stopped",
    "running",
  ]);
  assertEquals(messages(status, "sleeping"), ['"sleeping" is not one of running, stopped']);
  assertEquals(messages(status, 3), ["3 is not one of running, stopped"]);
  const tf = rrdTimeframe.default("hour");
  assertEquals(
    ["24h", "1d", "1h", "7d", "1w", "Week", undefined].map((v) => tf.parse(v)),
    ["day", "day", "hour", "week", "week", "week", "hour"],
  );
});

Deno.test("tools/list: the converted schemas say what is accepted", () => {
  const input = z.strictObject({ vmid, node: nodeName.optional(), tf: rrdTimeframe.optional() });
  // deno-lint-ignore no-explicit-any
  const s = compactSchema(z.toJSONSchema(input, { io: "input", unrepresentable: "any" })) as any;
  assertEquals(s.properties.vmid.type, ["integer", "string"]);
  assertEquals(s.properties.tf.enum, ["hour", "day", "week", "month", "year"]);
  assertEquals(s.required, ["vmid"]);
});

Deno.test("guest and node fields are recognised in every tool, new VMIDs are not", () => {
  const byName = new Map(ALL_TOOLS.map((t) => [t.name, t.input as Record<string, z.ZodType>]));
  assert(isGuestRef(byName.get("get_guest")!.vmid));
  assert(isGuestRef(byName.get("diagnose_vm_issues")!.vmid));
  assert(!isGuestRef(byName.get("create_vm")!.vmid), "create_vm's vmid names a new guest");
  assert(!isGuestRef(byName.get("clone_guest")?.newid ?? newVmid));
  assert(isNodeRef(byName.get("get_node_status")!.node));
  assert(isNodeRef(byName.get("get_vms")!.node), "optional node fields too");
  assert(!isNodeRef(byName.get("get_vms")!.name));
  // Wherever a VMID names an existing guest, the node can be left out.
  for (const [name, input] of byName) {
    if (input.vmid && isGuestRef(input.vmid) && input.node) {
      assert(input.node.safeParse(undefined).success, name);
    }
  }
});

Deno.test("tools.disabled_tools removes single tools and is checked with a did-you-mean", () => {
  const sel = { read_only: false, disabled_toolsets: [], disabled_tools: ["get_storage"] };
  const names = selectTools(sel).map((t) => t.name);
  assert(!names.includes("get_storage"));
  assert(names.includes("get_nodes") && names.includes("get_vms"));
  const problems = toolNameProblems({
    tools: { disabled_toolsets: [], disabled_tools: ["get_storage", "get_storag", "zzz"] },
    safety: {},
  });
  assertEquals(problems.map((p) => p.path), ["tools.disabled_tools.1", "tools.disabled_tools.2"]);
  assertStringIncludes(
    problems[0].message,
    '"get_storag" is not a tool: did you mean "get_storage"?',
  );
  assert(!problems[1].message.includes("did you mean"), problems[1].message);
});

Deno.test("nodeHint: a near miss is suggested, the nodes are always listed", () => {
  assertEquals(nodeHint("pve9", ["pve1", "pve2"]), 'did you mean "pve1"? nodes are pve1, pve2');
  assertEquals(nodeHint("storage-x", ["pve1", "pve2"]), "nodes are pve1, pve2");
  assertEquals(nodeHint("pve1", []), "get_nodes lists the node names");
});
