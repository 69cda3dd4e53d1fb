import { McpServer, InMemoryTransport } from "@modelcontextprotocol/server";
import { Client } from "@modelcontextprotocol/client";
const mk = () => {
  const s = new McpServer({ name: "x", version: "1" }, { capabilities: { tools: { listChanged: true } } });
  s.server.setRequestHandler("tools/list", () => ({ tools: [{ name: "a", inputSchema: { type: "object" } }] }));
  s.server.setRequestHandler("tools/call", (req) => {
    console.log("call params", JSON.stringify(req.params));
    return { content: [{ type: "text", text: "hi" }] };
  });
  return s;
};
const [ct, st] = InMemoryTransport.createLinkedPair();
const s = mk(); await s.connect(st);
const c = new Client({ name: "c", version: "1" });
await c.connect(ct);
console.log("era", c.getProtocolEra?.(), JSON.stringify(await c.listTools()));
console.log(JSON.stringify(await c.callTool({ name: "a", arguments: { x: 1 } })));
Deno.exit(0);
