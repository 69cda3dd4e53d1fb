/**
 * Malformed JSON-RPC on stdin does not kill the server: a garbage line, a
 * truncated object, the wrong `jsonrpc` version, a huge line, an unknown
 * method, a request without id, invalid UTF-8, a batch. After each, a valid
 * request still gets its answer, and stdout only ever carries JSON-RPC.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { spawnRaw } from "./raw_stdio.ts";

const enc = new TextEncoder();

const GARBAGE: Array<[string, string | Uint8Array]> = [
  ["garbage line", "this is not json\n"],
  ["empty lines", "\n\n\n"],
  ["truncated JSON", '{"jsonrpc":"2.0","id":1,"method":"tools/li\n'],
  ["wrong jsonrpc version", '{"jsonrpc":"1.0","id":2,"method":"tools/list"}\n'],
  ["no jsonrpc field", '{"id":3,"method":"tools/list"}\n'],
  ["unknown method", '{"jsonrpc":"2.0","id":4,"method":"no/such/method","params":{}}\n'],
  ["request without id (unknown notification)", '{"jsonrpc":"2.0","method":"bogus/notify"}\n'],
  ["tools/call without params", '{"jsonrpc":"2.0","id":5,"method":"tools/call"}\n'],
  [
    "tools/call of an unknown tool",
    '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"rm_rf","arguments":{}}}\n',
  ],
  [
    "arguments of the wrong type",
    '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_nodes","arguments":"x"}}\n',
  ],
  ["id of an odd type", '{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}\n'],
  ["JSON array (batch)", '[{"jsonrpc":"2.0","id":8,"method":"tools/list"}]\n'],
  ["JSON scalar", "42\n"],
  ["null", "null\n"],
  ["invalid UTF-8", new Uint8Array([0xff, 0xfe, 0x7b, 0x22, 0x0a])],
  ["NUL bytes", "\u0000\u0000\n"],
  ["a response nobody asked for", '{"jsonrpc":"2.0","id":999,"result":{}}\n'],
  ["deeply nested", "[".repeat(10_000) + "]".repeat(10_000) + "\n"],
  [
    "huge line (2 MB)",
    `{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"x":"${"A".repeat(2 << 20)}"}}\n`,
  ],
];

Deno.test("malformed JSON-RPC on stdin: the server survives and still answers", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-rpc-" });
  const configPath = `${dir}/config.json`;
  await Deno.writeTextFile(configPath, JSON.stringify(configFor(sim)));
  const p = spawnRaw({ configPath });
  try {
    const init = await p.initialize();
    assertEquals(typeof init.result?.serverInfo?.name, "string");
    const list = await p.request("tools/list", {});
    const toolCount = list.result.tools.length;
    assert(toolCount >= 6);

    for (const [name, bytes] of GARBAGE) {
      await t.step(name, async () => {
        await p.write(typeof bytes === "string" ? enc.encode(bytes) : bytes);
        const r = await p.request("tools/call", { name: "get_nodes", arguments: {} });
        assert(!r.error, `${name}: ${JSON.stringify(r.error)}`);
        assert(!r.result.isError, `${name}: ${JSON.stringify(r.result)}`);
        assertEquals(r.result.structuredContent.nodes.length, sim.state.nodes.size);
        assertEquals(await p.exited(), undefined, `${name}: the process must still run`);
      });
    }

    await t.step("answers to bad requests are JSON-RPC errors or tool errors", async () => {
      const unknown = await p.request("no/such/method", {});
      assertEquals(unknown.error?.code, -32601, "method not found");
      const badTool = await p.request("tools/call", { name: "rm_rf", arguments: {} });
      assert(badTool.error || badTool.result?.isError, JSON.stringify(badTool));
      const list2 = await p.request("tools/list", {});
      assertEquals(list2.result.tools.length, toolCount);
    });

    await t.step("stdout carried only JSON-RPC messages", () => {
      const lines = p.stdout().split("\n").filter((l) => l.trim());
      for (const line of lines) {
        let m;
        try {
          m = JSON.parse(line);
        } catch {
          throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
        }
        assertEquals(m.jsonrpc, "2.0", line.slice(0, 200));
      }
      assert(lines.length >= GARBAGE.length + 3);
    });

    await t.step("stdin closed: the server exits cleanly", async () => {
      assertEquals(await p.close(), 0);
    });
  } finally {
    await p.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
