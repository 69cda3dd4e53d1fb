/**
 * One stdio message over the 10 MiB bound: refused with a JSON-RPC error for
 * its id and a WARNING in the log, and the server keeps serving (it used to
 * stop silently with exit 0). A bound-sized message just under it still works.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { spawnRaw } from "./raw_stdio.ts";
import { leadingId } from "../../src/mcp/stdio_bounded.ts";

Deno.test("an oversized stdio message is refused and logged; the server keeps serving", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-stdio-big-" });
  const configPath = `${dir}/config.json`;
  await Deno.writeTextFile(configPath, JSON.stringify(configFor(sim)));
  const p = spawnRaw({ configPath });
  try {
    await p.initialize();
    const huge = "x".repeat(11 * 1024 * 1024);
    const msg = JSON.stringify({
      jsonrpc: "2.0",
      id: 77,
      method: "tools/call",
      params: { name: "get_nodes", arguments: { junk: huge } },
    });
    // Written in pieces, followed at once by a normal request on the same pipe.
    const bytes = new TextEncoder().encode(msg + "\n");
    for (let i = 0; i < bytes.length; i += 1 << 20) await p.write(bytes.subarray(i, i + (1 << 20)));
    const after = await p.request("tools/call", { name: "get_nodes", arguments: {} });
    assert(after.result, JSON.stringify(after).slice(0, 300));
    const refused = p.messages().find((m) => m.id === 77);
    assertEquals(refused?.error?.code, -32600);
    assertStringIncludes(refused?.error?.message, "the limit is 10485760 bytes");
    assertStringIncludes(p.stderr(), "stdio message refused: too large");
    assertEquals(await p.exited(), undefined, "still running");
    // Just under the bound is an ordinary message.
    const nine = await p.request("tools/call", {
      name: "get_nodes",
      arguments: { junk: "y".repeat(9 * 1024 * 1024) },
    });
    assert(nine.error || nine.result, "answered");
    assert(nine.error?.code !== -32600, "not refused by the bound");
  } finally {
    await p.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the id of a refused message is read from the start of its line only", () => {
  assertEquals(leadingId('{"jsonrpc":"2.0","id":5,"method":"x"'), 5);
  assertEquals(leadingId('{"id":"a\\"b","jsonrpc":"2.0"'), 'a"b');
  assertEquals(leadingId('{"jsonrpc":"2.0","method":"x","params":{"id":9}'), undefined);
});
