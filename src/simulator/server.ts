/**
 * `startSimulator()`: a real HTTPS server on loopback that speaks the Proxmox
 * VE API (see docs/simulator-contract.md).
 *
 * @example
 * ```ts ignore
 * const sim = await startSimulator();
 * const client = Deno.createHttpClient({ caCerts: [sim.caCertPem] });
 * const res = await fetch(`${sim.url}/api2/json/version`, {
 *   client,
 *   headers: { Authorization: `PVEAPIToken=mcp@pve!mcp=${DEMO_TOKEN.secret}` },
 * });
 * console.log((await res.json()).data.version); // "9.1.3"
 * client.close();
 * await sim.close();
 * ```
 *
 * @module
 */

import { TEST_CA_CERT_PEM, TEST_SERVER_CERT_PEM, TEST_SERVER_KEY_PEM } from "./certs.ts";
import { DEMO_TOKEN, type SimToken } from "./acl.ts";
import { type Fault, FaultSet } from "./faults.ts";
import { demoCluster } from "./fixtures.ts";
import { serveHttp1 } from "./http1.ts";
import { createPipeline, type LoadCounter, type RecordedRequest } from "./pipeline.ts";
import type { ClusterState } from "./state.ts";
import { WorkerPool } from "./timing.ts";
import { pveRelease, type SimPveVersion } from "./versions.ts";

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Default: `demoCluster()`. */
  cluster?: ClusterState;
  /** Default: `[DEMO_TOKEN]` (Administrator on `/`). */
  tokens?: SimToken[];
  /** Added before every answer (simulated round trip). */
  latencyMs?: number;
  /** Per-request server cost; `protected` endpoints pay it on one of `workers` workers. */
  costMs?: number;
  /** Workers of the simulated privileged daemon (default 3). */
  workers?: number;
  /** Delay before a 401, as PVE's ~3 s; default 0 so tests stay fast. */
  authFailDelayMs?: number;
  /**
   * The PVE release to play (versions.ts: privilege names, pool endpoints, where error texts
   * go). Default: the cluster's own, 9.1 unless set.
   */
  pveVersion?: SimPveVersion;
  /** Default `127.0.0.1`. */
  hostname?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default: the test server cert signed by the test CA. `ca` is what `caCertPem` reports. */
  tls?: { cert: string; key: string; ca?: string };
}

/** A running simulator. */
export interface Simulator {
  /** `https://127.0.0.1:PORT` (IPv6 hosts in brackets). */
  readonly url: string;
  readonly hostname: string;
  readonly port: number;
  /** PEM of the CA that signed the server certificate. */
  readonly caCertPem: string;
  /** Absolute path of that CA PEM on disk (written on first access, removed by `close`). */
  readonly caFile: string;
  /** The live, mutable model. */
  readonly state: ClusterState;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests being answered now and the peak since start (reset `peak` to measure again). */
  readonly load: LoadCounter;
  /** Adds a fault (see faults.ts). */
  inject(fault: Fault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  /** Stops the server; hung requests are released, timers cleared. */
  close(): Promise<void>;
}

/** Starts a simulator; see {@link SimulatorOptions}. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const state = opts.cluster ?? demoCluster();
  if (opts.pveVersion) playRelease(state, opts.pveVersion);
  const hostname = opts.hostname ?? "127.0.0.1";
  const tls = opts.tls ??
    { cert: TEST_SERVER_CERT_PEM, key: TEST_SERVER_KEY_PEM, ca: TEST_CA_CERT_PEM };
  const caCertPem = tls.ca ?? tls.cert;
  const listener = Deno.listenTls({ hostname, port: opts.port ?? 0, cert: tls.cert, key: tls.key });
  const port = listener.addr.port;
  const faults = new FaultSet();
  const requests: RecordedRequest[] = [];
  const load: LoadCounter = { inFlight: 0, peak: 0 };
  const pool = new WorkerPool(opts.workers ?? 3);
  const abort = new AbortController();
  let latency = opts.latencyMs ?? 0;
  const server = serveHttp1(
    listener,
    createPipeline({
      state,
      tokens: opts.tokens ?? [DEMO_TOKEN],
      faults,
      requests,
      pool,
      signal: abort.signal,
      latencyMs: () => latency,
      costMs: opts.costMs ?? 0,
      authFailDelayMs: opts.authFailDelayMs ?? 0,
      load,
    }),
  );
  let caFile: string | undefined;
  await Promise.resolve(); // keep the API async (room for a readiness check)
  return {
    url: `https://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    hostname,
    port,
    caCertPem,
    get caFile() {
      // Written lazily: demo mode never needs it, tests that spawn the server do.
      if (!caFile) {
        caFile = Deno.makeTempFileSync({ prefix: "pve-sim-ca-", suffix: ".pem" });
        Deno.writeTextFileSync(caFile, caCertPem);
      }
      return caFile;
    },
    state,
    requests,
    load,
    inject: (f) => faults.inject(f),
    clearFaults: () => faults.clear(),
    setLatency: (ms) => (latency = ms),
    async close() {
      abort.abort();
      pool.drain();
      await server.close();
      if (caFile) await Deno.remove(caFile).catch(() => {});
    },
  };
}

// Every node runs the chosen release (a mixed-version cluster is a migration state, not simulated).
function playRelease(state: ClusterState, v: SimPveVersion): void {
  state.pveRelease = pveRelease(v);
  for (const n of state.nodes.values()) {
    n.pveversion = `pve-manager/${state.pveRelease.version}/${state.pveRelease.repoid}`;
  }
}
