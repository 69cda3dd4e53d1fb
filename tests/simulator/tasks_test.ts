/**
 * Simulator tasks (UPIDs, lazy status, log, stop) and the benchmark cluster generator.
 */

import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { simClient } from "../support/sim_client.ts";
import {
  buildCluster,
  DEMO_TOKEN,
  type SimTask,
  type SimToken,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { formatUpid, parseUpid } from "../../src/simulator/tasks.ts";

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OWNER = "mcp@pve!mcp";

Deno.test("tasks: UPID format round-trips, hex upper case", () => {
  const upid = formatUpid({
    node: "pve1",
    pid: 0xa1b2,
    pstart: 0x12f3c4,
    starttime: 0x6745a0b1,
    type: "qmstart",
    id: "100",
    user: OWNER,
  });
  eq(upid, "UPID:pve1:0000A1B2:0012F3C4:6745A0B1:qmstart:100:mcp@pve!mcp:");
  eq(parseUpid(upid)?.starttime, 0x6745a0b1);
  eq(parseUpid("UPID:bad"), undefined);
});

Deno.test("tasks: lifecycle over the API (running, then OK with onFinish)", async () => {
  const sim = await startSimulator();
  const c = simClient(sim);
  try {
    const finished: SimTask[] = [];
    const t = sim.state.startTask({
      node: "pve1",
      type: "qmstart",
      id: "101",
      user: OWNER,
      durationMs: 150,
      log: ["starting VM 101"],
      onFinish: (task) => {
        finished.push(task);
        sim.state.guests.get(101)!.status = "running";
      },
    });
    ok(t.upid.startsWith("UPID:pve1:") && t.upid.endsWith(":qmstart:101:mcp@pve!mcp:"));
    eq(parseInt(t.upid.split(":")[4], 16), t.starttime);
    const base = `/nodes/pve1/tasks/${encodeURIComponent(t.upid)}`;
    const running = (await c.call("GET", `${base}/status`)).json?.data as Record<string, unknown>;
    eq([running.status, running.exitstatus, running.upid], ["running", undefined, t.upid]);
    await delay(200);
    const done = (await c.call("GET", `${base}/status`)).json?.data as Record<string, unknown>;
    eq([done.status, done.exitstatus], ["stopped", "OK"]);
    eq(finished.length, 1);
    const log = await c.call("GET", `${base}/log`);
    eq(log.json?.data, [{ n: 1, t: "starting VM 101" }, { n: 2, t: "TASK OK" }]);
    eq(log.json?.total, 2);
    eq((await c.call("GET", `${base}/log`, { params: { start: 1, limit: 1 } })).json?.data, [{
      n: 2,
      t: "TASK OK",
    }]);
    const failed = sim.state.startTask({
      node: "pve1",
      type: "qmstart",
      id: "100",
      user: OWNER,
      exitstatus: "VM 100 already running",
    });
    eq(failed.log.at(-1), "TASK ERROR: VM 100 already running");
    const list =
      (await c.call("GET", "/nodes/pve1/tasks", { params: { errors: 1, typefilter: "qmstart" } }))
        .json?.data as Record<string, unknown>[];
    eq(list.map((x) => [x.upid, x.status]), [[failed.upid, "VM 100 already running"]]);
    const cluster = (await c.call("GET", "/cluster/tasks")).json?.data as { upid: string }[];
    ok(cluster.some((x) => x.upid === t.upid));
  } finally {
    c.close();
    await sim.close();
  }
});

Deno.test("tasks: DELETE stops a running task with 'received interrupt'; owner rules", async () => {
  const other: SimToken = {
    user: "ops@pve",
    tokenid: "ro",
    secret: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
    acl: { "/vms": { "VM.Audit": 1 } },
  };
  const sim = await startSimulator({ tokens: [DEMO_TOKEN, other] });
  const c = simClient(sim);
  try {
    let interrupted = "";
    const t = sim.state.startTask({
      node: "pve1",
      type: "vzdump",
      id: "100",
      user: OWNER,
      durationMs: Infinity,
      onFinish: (x) => (interrupted = x.exitstatus),
    });
    const path = `/nodes/pve1/tasks/${encodeURIComponent(t.upid)}`;
    const denied = await c.call("GET", `${path}/status`, { token: other });
    eq([denied.status, denied.json?.message], [
      403,
      "Permission check failed (/nodes/pve1, Sys.Audit)\n",
    ]);
    eq((await c.call("DELETE", path, { token: other })).status, 403);
    eq((await c.call("DELETE", path)).json, { data: null });
    const st = (await c.call("GET", `${path}/status`)).json?.data as Record<string, unknown>;
    eq([st.status, st.exitstatus, interrupted], [
      "stopped",
      "received interrupt",
      "received interrupt",
    ]);
    eq(t.log.at(-1), "TASK ERROR: received interrupt");
    eq(
      (await c.call("GET", "/nodes/pve1/tasks/UPID%3Abad/status")).json?.message,
      "unable to parse worker upid 'UPID:bad'\n",
    );
    const unknown = t.upid.replace("vzdump", "qmstop");
    eq(
      (await c.call("GET", `/nodes/pve1/tasks/${encodeURIComponent(unknown)}/status`)).status,
      500,
    );
  } finally {
    c.close();
    await sim.close();
  }
});

Deno.test("buildCluster: 128 nodes and 20,000 guests, deterministic, served by /cluster/resources", async () => {
  const a = buildCluster({ nodes: 128, guests: 20_000, seed: 7 });
  const b = buildCluster({ nodes: 128, guests: 20_000, seed: 7 });
  eq([a.nodes.size, a.guests.size], [128, 20_000]);
  eq(a.guests.get(12_345), b.guests.get(12_345));
  const guests = [...a.guests.values()];
  ok(guests.some((g) => g.type === "lxc") && guests.some((g) => g.template === 1));
  ok(
    guests.every((g) =>
      a.nodes.has(g.node) && g.cpu >= 0 && g.cpu <= 1 && Number.isInteger(g.maxmem)
    ),
  );
  const sim = await startSimulator({ cluster: a });
  const c = simClient(sim);
  try {
    const r = await c.call("GET", "/cluster/resources", { params: { type: "vm" } });
    eq((r.json?.data as unknown[]).length, 20_000);
    const nodes = (await c.call("GET", "/nodes")).json?.data as { status: string }[];
    eq(nodes.filter((n) => n.status === "offline").length, 8);
  } finally {
    c.close();
    await sim.close();
  }
});
