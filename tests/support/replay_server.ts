/**
 * A PVE server that plays back recorded answers (`../shared/pve/replay/*.json`:
 * real PVE answers from other projects' test fixtures) over the same HTTPS and
 * HTTP/1.1 setup as the simulator, matching requests the way gock and PVE do
 * (see the replay README): trailing slash ignored, every query parameter of a
 * key must be in the request, the most specific key wins, PVE's own filters
 * applied when the answering key did not select by them; unknown paths 501.
 *
 * @example
 * ```ts ignore
 * const fx = await loadReplayFixture("go-proxmox-pve8.json");
 * if (fx) {
 *   const srv = await startReplayServer(fx);
 *   // ... point a client at srv.url, trusting srv.caFile ...
 *   await srv.close();
 * }
 * ```
 *
 * @module
 */

import {
  TEST_CA_CERT_PEM,
  TEST_SERVER_CERT_PEM,
  TEST_SERVER_KEY_PEM,
} from "../../src/simulator/certs.ts";
import { serveHttp1 } from "../../src/simulator/http1.ts";

/** Where the fixtures live, relative to this repository. */
export const REPLAY_DIR = new URL("../../../shared/pve/replay/", import.meta.url);

/** One recorded answer. */
export interface ReplayEntry {
  status: number;
  body: unknown;
}

/** A fixture file: `"METHOD /path[?k=v&…]"` → answer, plus `_source`. */
export interface ReplayFixture {
  name: string;
  source: Record<string, unknown>;
  entries: Map<string, ReplayEntry>;
}

/** Reads a fixture, or `undefined` when the shared directory is absent. */
export async function loadReplayFixture(name: string): Promise<ReplayFixture | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(new URL(name, REPLAY_DIR));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const doc = JSON.parse(text) as Record<string, unknown>;
  const entries = new Map<string, ReplayEntry>();
  for (const [k, v] of Object.entries(doc)) {
    if (k.startsWith("_")) continue;
    entries.set(k, v as ReplayEntry);
  }
  return { name, source: (doc._source ?? {}) as Record<string, unknown>, entries };
}

interface Key {
  method: string;
  path: string;
  query: URLSearchParams;
  entry: ReplayEntry;
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

function parseKeys(fx: ReplayFixture): Key[] {
  return [...fx.entries].map(([k, entry]) => {
    const [method, target] = [k.slice(0, k.indexOf(" ")), k.slice(k.indexOf(" ") + 1)];
    const q = target.indexOf("?");
    return {
      method,
      path: trimSlash(q < 0 ? target : target.slice(0, q)),
      query: new URLSearchParams(q < 0 ? "" : target.slice(q + 1)),
      entry,
    };
  });
}

const ALL_PRIVILEGES = [
  "Datastore.Allocate",
  "Datastore.AllocateSpace",
  "Datastore.AllocateTemplate",
  "Datastore.Audit",
  "Pool.Allocate",
  "Pool.Audit",
  "Sys.Audit",
  "Sys.Console",
  "Sys.Modify",
  "Sys.PowerMgmt",
  "Sys.Syslog",
  "VM.Allocate",
  "VM.Audit",
  "VM.Backup",
  "VM.Clone",
  "VM.Config.CDROM",
  "VM.Config.CPU",
  "VM.Config.Cloudinit",
  "VM.Config.Disk",
  "VM.Config.HWType",
  "VM.Config.Memory",
  "VM.Config.Network",
  "VM.Config.Options",
  "VM.Console",
  "VM.Migrate",
  "VM.Monitor",
  "VM.PowerMgmt",
  "VM.Snapshot",
  "VM.Snapshot.Rollback",
  "VM.GuestAgent.Audit",
  "VM.GuestAgent.Unrestricted",
  "VM.GuestAgent.FileRead",
  "VM.GuestAgent.FileWrite",
  "VM.GuestAgent.FileSystemMgmt",
  "SDN.Audit",
  "SDN.Use",
  "Mapping.Audit",
];

function dataOf(e: ReplayEntry | undefined): unknown[] {
  const d = (e?.body as { data?: unknown } | undefined)?.data;
  return Array.isArray(d) ? d : [];
}

/** The endpoints every real PVE has that some fixtures lack (replay README, "Synthesized"). */
function synthesize(fx: ReplayFixture, keys: Key[]): void {
  const has = (k: string) => fx.entries.has(k);
  const add = (k: string, data: unknown) => {
    fx.entries.set(k, { status: 200, body: { data } });
    keys.push(...parseKeys({ ...fx, entries: new Map([[k, fx.entries.get(k)!]]) }));
  };
  if (!has("GET /access/permissions")) {
    add("GET /access/permissions", { "/": Object.fromEntries(ALL_PRIVILEGES.map((p) => [p, 1])) });
  }
  const all = fx.entries.get("GET /cluster/resources");
  if (!has("GET /nodes") && all) {
    add("GET /nodes", dataOf(all).filter((r) => (r as { type?: string }).type === "node"));
  }
  if (!has("GET /version") && fx.source.version) {
    const v = String(fx.source.version);
    add("GET /version", { version: v, release: v.split(".").slice(0, 2).join("."), repoid: "0" });
  }
  if (!all && has("GET /cluster/resources?type=vm")) {
    add("GET /cluster/resources", [
      ...dataOf(fx.entries.get("GET /nodes")),
      ...dataOf(fx.entries.get("GET /cluster/resources?type=vm")),
    ]);
  }
}

/** PVE's own filters, applied when the key that answered did not already select by them. */
function applyFilters(k: Key, path: string, query: URLSearchParams, data: unknown): unknown {
  if (!Array.isArray(data)) return data;
  const type = query.get("type");
  if (path === "/cluster/resources" && type && !k.query.has("type")) {
    return data.filter((r) => {
      const t = (r as { type?: string }).type;
      return type === "vm" ? t === "qemu" || t === "lxc" : t === type;
    });
  }
  const poolid = query.get("poolid");
  if (path === "/pools" && poolid && !k.query.has("poolid")) {
    return data.filter((r) => (r as { poolid?: string }).poolid === poolid);
  }
  if (/\/tasks\/[^/]+\/log$/.test(path) && !k.query.has("start")) {
    const start = Number(query.get("start") ?? 0);
    const limit = Number(query.get("limit") ?? 50);
    return data.slice(start, start + limit);
  }
  return data;
}

/** A running replay server. */
export interface ReplayServer {
  readonly url: string;
  readonly hostname: string;
  readonly port: number;
  /** PEM file of the CA that signed the server certificate (written at start). */
  readonly caFile: string;
  /** `METHOD path?query` of every request, in order, and what was answered. */
  readonly requests: Array<{ key: string; status: number }>;
  close(): Promise<void>;
}

/** Serves `fx` on loopback over TLS signed by the test CA. */
export async function startReplayServer(fx: ReplayFixture): Promise<ReplayServer> {
  const keys = parseKeys(fx);
  synthesize(fx, keys);
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: TEST_SERVER_CERT_PEM,
    key: TEST_SERVER_KEY_PEM,
  });
  const requests: Array<{ key: string; status: number }> = [];
  const server = serveHttp1(listener, (req) => {
    const u = new URL(req.target, "https://replay");
    const path = trimSlash(decodeURIComponent(u.pathname).replace(/^\/api2\/json/, ""));
    const query = req.method === "GET" || req.method === "DELETE"
      ? u.searchParams
      : new URLSearchParams(new TextDecoder().decode(req.body));
    const candidates = keys.filter((k) =>
      k.method === req.method && k.path === path &&
      [...k.query].every(([name, v]) => query.getAll(name).includes(v))
    ).sort((a, b) => [...b.query].length - [...a.query].length);
    const hit = candidates[0];
    const key = `${req.method} ${path}${[...query].length ? `?${query}` : ""}`;
    if (!hit) {
      requests.push({ key, status: 501 });
      return Promise.resolve({
        status: 501,
        reason: `Method '${req.method} ${path}' not implemented`,
        headers: { "Content-Type": "application/json;charset=UTF-8" },
        body: '{"data":null}',
      });
    }
    const body = hit.entry.body as Record<string, unknown> | null;
    const out = body && typeof body === "object" && "data" in body
      ? { ...body, data: applyFilters(hit, path, query, body.data) }
      : body;
    const ok = hit.entry.status >= 200 && hit.entry.status < 300;
    requests.push({ key, status: hit.entry.status });
    return Promise.resolve({
      status: hit.entry.status,
      reason: ok ? "OK" : String((body as { message?: unknown })?.message ?? "error")
        .replace(/[\r\n]+/g, " "),
      headers: { "Content-Type": "application/json;charset=UTF-8" },
      body: JSON.stringify(out ?? { data: null }),
    });
  });
  const port = (listener.addr as Deno.NetAddr).port;
  const caFile = await Deno.makeTempFile({ prefix: "replay-ca-", suffix: ".pem" });
  await Deno.writeTextFile(caFile, TEST_CA_CERT_PEM);
  return {
    url: `https://127.0.0.1:${port}`,
    hostname: "127.0.0.1",
    port,
    caFile,
    requests,
    async close() {
      await server.close();
      await Deno.remove(caFile).catch(() => {});
    },
  };
}
