/**
 * PVE before 8.3 puts its error text only on the status line. A raw HTTP/1.1
 * server (no framework rewriting the line) shows what Deno's fetch hands back
 * as `statusText`, and that the project's transport and client still get the
 * text to the user.
 */

import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { createTransport } from "../../src/proxmox/transport.ts";
import { PveClient } from "../../src/proxmox/client.ts";
import {
  TEST_CA_CERT_PEM,
  TEST_SERVER_CERT_PEM,
  TEST_SERVER_KEY_PEM,
} from "../../src/simulator/certs.ts";

const LINE = "HTTP/1.1 403 Permission check failed (/vms/100, VM.PowerMgmt)";

/** Answers every request with LINE and an empty `{"data":null}`, as PVE 8.2 does. */
function rawServer(listener: Deno.Listener) {
  const done = (async () => {
    for await (const conn of listener) {
      const buf = new Uint8Array(8192);
      await conn.read(buf).catch(() => null);
      const body = '{"data":null}';
      await conn.write(new TextEncoder().encode(
        `${LINE}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      )).catch(() => 0);
      conn.close();
    }
  })();
  return { close: async () => (listener.close(), await done.catch(() => {})) };
}

Deno.test("Deno's fetch replaces a custom reason phrase by the standard one", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const srv = rawServer(listener);
  const res = await fetch(`http://127.0.0.1:${listener.addr.port}/`);
  await res.body?.cancel();
  // Why the transport does not rely on fetch for this: PVE's text is gone.
  assertEquals(res.statusText, "Forbidden");
  await srv.close();
});

Deno.test("the transport keeps PVE's reason phrase over verified TLS, and the client reports it", async () => {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: TEST_SERVER_CERT_PEM,
    key: TEST_SERVER_KEY_PEM,
  });
  const srv = rawServer(listener);
  const url = `https://127.0.0.1:${listener.addr.port}`;
  const transport = createTransport({ verifyTls: true, caCerts: [TEST_CA_CERT_PEM] });
  try {
    for (const method of ["GET", "POST"]) {
      const r = await transport.send({
        method,
        url: `${url}/api2/json/nodes`,
        headers: {},
        body: method === "POST" ? "" : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      assertEquals([r.status, r.statusText], [403, LINE.slice(13)]);
    }
    const pve = new PveClient({
      baseUrl: url,
      tokenId: "mcp@pve!mcp",
      secret: "0f9e8d7c-6b5a-4321-8fed-cba987654321",
      transport,
      timeoutMs: 10_000,
    });
    const e = await pve.post("/nodes/{node}/qemu/{vmid}/status/start", { node: "pve1", vmid: 100 })
      .then(() => undefined, (e: Error) => e);
    assertStringIncludes(e?.message ?? "", "the token lacks VM.PowerMgmt on /vms/100");
  } finally {
    transport.close();
    await srv.close();
  }
});
