/**
 * TLS end to end: the CA file path, an untrusted or changed certificate, and
 * verify_ssl: false (which must work with exactly the start task's flags).
 */

import { assert, assertStringIncludes } from "../support/assert.ts";
import { call, configFor, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import {
  OTHER_CA_CERT_PEM,
  OTHER_SERVER_CERT_PEM,
  OTHER_SERVER_KEY_PEM,
} from "../../src/simulator/certs.ts";

Deno.test("no CA configured: a clear TLS error naming ca_file and verify_ssl", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const doc = configFor(sim);
  delete (doc.proxmox as { ca_file?: string }).ca_file;
  const srv = await startServer({ rawConfig: doc });
  try {
    const r = await call(srv, "get_nodes");
    assert(r.isError);
    assertStringIncludes(textOf(r), "not trusted");
    assertStringIncludes(textOf(r), "proxmox.ca_file");
    assertStringIncludes(textOf(r), "verify_ssl");
    assert(sim.requests.length === 0, "nothing reached the API over an untrusted connection");
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("a certificate from another CA (changed certificate) is refused", async () => {
  const sim = await startSimulator({
    cluster: demoCluster(),
    tls: { cert: OTHER_SERVER_CERT_PEM, key: OTHER_SERVER_KEY_PEM, ca: OTHER_CA_CERT_PEM },
  });
  // The config still trusts the original test CA, as it would after a certificate swap.
  const original = await startSimulator({ cluster: demoCluster() });
  const doc = configFor(sim);
  doc.proxmox.ca_file = original.caFile;
  const srv = await startServer({ rawConfig: doc });
  try {
    const r = await call(srv, "get_nodes");
    assert(r.isError);
    assertStringIncludes(textOf(r), "not trusted");
  } finally {
    await srv.close();
    await sim.close();
    await original.close();
  }
});

Deno.test("verify_ssl: false connects, with a warning, under the start task's flags", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const doc = configFor(sim);
  delete (doc.proxmox as { ca_file?: string }).ca_file;
  doc.proxmox.verify_ssl = false;
  const srv = await startServer({ rawConfig: doc });
  try {
    const r = await call(srv, "get_nodes");
    assert(!r.isError, textOf(r));
    assertStringIncludes(srv.stderr(), "TLS certificate verification is OFF");
  } finally {
    await srv.close();
    await sim.close();
  }
});
