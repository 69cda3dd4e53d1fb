/**
 * The simulator speaks PVE's wire protocol: envelope, auth, errors, privileges,
 * offline nodes, and the read endpoints. Tasks and faults: tests/support/*_test.ts.
 */

import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { assertRequestsValid } from "../support/schema_check.ts";
import { simClient, statusLine } from "../support/sim_client.ts";
import { type SimToken, startSimulator, tokenWithRole } from "../../src/simulator/mod.ts";

const auditor = tokenWithRole("PVEAuditor", {
  tokenid: "audit",
  secret: "0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e",
});
// VM.Audit on /vms/100 only, Datastore.Audit on /storage/local only, Sys.Audit on pve1 only.
const narrow: SimToken = {
  user: "ops@pve",
  tokenid: "narrow",
  secret: "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
  acl: {
    "/vms/100": { "VM.Audit": 0 },
    "/storage/local": { "Datastore.Audit": 1 },
    "/nodes/pve1": { "Sys.Audit": 1 },
  },
};

async function withSim(
  fn: (
    c: ReturnType<typeof simClient>,
    sim: Awaited<ReturnType<typeof startSimulator>>,
  ) => Promise<void>,
) {
  const sim = await startSimulator({
    tokens: [
      tokenWithRole("Administrator", {
        tokenid: "mcp",
        secret: "8d9f6d2e-3c1b-4a5f-9e7d-2b4c6a8e0f13",
      }),
      auditor,
      narrow,
    ],
  });
  const c = simClient(sim);
  try {
    await fn(c, sim);
  } finally {
    c.close();
    await sim.close();
  }
}

Deno.test("simulator: envelope and /version; caFile is written on demand and removed on close", async () => {
  let caFile = "";
  await withSim(async (c, sim) => {
    caFile = sim.caFile;
    eq(Deno.readTextFileSync(caFile), sim.caCertPem);
    ok(sim.url.startsWith("https://127.0.0.1:"));
    const r = await c.call("GET", "/version");
    eq(r.status, 200);
    eq(r.json?.data, {
      version: "9.1.3",
      release: "9.1",
      repoid: "1f3c4e5d6b7a8c9d",
      console: "html5",
    });
  });
  ok(!existsSync(caFile));
});

Deno.test("simulator: 401 without and with a wrong token, empty body, reason on the status line", () =>
  withSim(async (c, sim) => {
    const none = await c.call("GET", "/version", { token: null });
    eq([none.status, none.body], [401, ""]);
    const wrong = await c.call("GET", "/version", { token: { ...auditor, secret: "nope" } });
    eq([wrong.status, wrong.body], [401, ""]);
    eq(await statusLine(sim, "GET", "/version", null), "HTTP/1.1 401 No ticket");
    eq(
      await statusLine(sim, "GET", "/version", { ...auditor, secret: "x" }),
      "HTTP/1.1 401 invalid token value!",
    );
  }));

Deno.test("simulator: 403 names the path and the privilege", () =>
  withSim(async (c, sim) => {
    const r = await c.call("GET", "/nodes/pve1/qemu/101/status/current", { token: narrow });
    eq(r.status, 403);
    eq(r.json?.message, "Permission check failed (/vms/101, VM.Audit)\n");
    eq(
      await statusLine(sim, "GET", "/nodes/pve1/storage/local-lvm/status", narrow),
      "HTTP/1.1 403 Permission check failed (/storage/local-lvm, Datastore.Audit|Datastore.AllocateSpace)",
    );
    // propagate 0 on /vms/100 does not reach deeper paths, but applies to the path itself.
    eq((await c.call("GET", "/nodes/pve1/qemu/100/status/current", { token: narrow })).status, 200);
  }));

Deno.test("simulator: 400 with an errors map; 501 for unknown paths and bodies on DELETE", () =>
  withSim(async (c, sim) => {
    const r = await c.call("GET", "/nodes/pve1/qemu/abc/config", {
      params: { bogus: 1, current: "maybe" },
    });
    eq(r.status, 400);
    eq(r.json?.message, "Parameter verification failed.\n");
    eq(Object.keys(r.json?.errors ?? {}).sort(), ["bogus", "current", "vmid"]);
    eq(
      (await c.call("GET", "/cluster/resources", { params: { type: "vms" } })).json?.errors
        ?.type !== undefined,
      true,
    );
    eq((await c.call("GET", "/cluster/nextid", { params: { vmid: 99 } })).json?.errors, {
      vmid: "value must have a minimum value of 100",
    });
    const dup = await c.call("GET", "/nodes/pve1/status", { params: { node: "pve2" } });
    eq(dup.json?.errors, { node: "duplicate parameter (already defined in URI)" });
    const bogus = await c.call("GET", "/nodes/pve1/bogus");
    eq([bogus.status, bogus.json?.message], [
      501,
      "Method 'GET /nodes/pve1/bogus' not implemented\n",
    ]);
    eq(
      await statusLine(sim, "GET", "/nodes/pve1/bogus"),
      "HTTP/1.1 501 Method 'GET /nodes/pve1/bogus' not implemented",
    );
    const del = await c.call("DELETE", "/nodes/pve1/tasks/x", { rawBody: "a=1" });
    eq([del.status, del.body], [501, ""]);
    // The whole path is percent-decoded before routing: %2F becomes a separator.
    eq((await c.call("GET", "/nodes/pve1%2F..%2Fpve2/status")).status, 501);
  }));

Deno.test("simulator: offline node answers 595 on proxied endpoints, unknown node 500", () =>
  withSim(async (c, sim) => {
    const r = await c.call("GET", "/nodes/pve3/status");
    eq([r.status, r.body], [595, ""]);
    eq(await statusLine(sim, "GET", "/nodes/pve3/qemu"), "HTTP/1.1 595 No route to host");
    const u = await c.call("GET", "/nodes/nosuch/status");
    eq(u.status, 500);
    eq(
      u.json?.message,
      "hostname lookup 'nosuch' failed - failed to get address info for: nosuch: Name or service not known\n",
    );
    sim.state.setNodeOnline("pve3", true);
    eq((await c.call("GET", "/nodes/pve3/status")).status, 200);
    const missing = await c.call("GET", "/nodes/pve1/qemu/999/config");
    eq([missing.status, missing.json?.message], [
      500,
      "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n",
    ]);
  }));

Deno.test("simulator: /cluster/resources shapes and offline node", () =>
  withSim(async (c) => {
    const items = (await c.call("GET", "/cluster/resources")).json?.data as Record<
      string,
      unknown
    >[];
    const byId = new Map(items.map((i) => [i.id, i]));
    const web = byId.get("qemu/100")!;
    eq([web.type, web.vmid, web.node, web.status, web.tags, web.pool, web.hastate, web.template], [
      "qemu",
      100,
      "pve1",
      "running",
      "prod;web",
      "production",
      "started",
      0,
    ]);
    ok(typeof web.cpu === "number" && (web.cpu as number) <= 1 && Number.isInteger(web.mem));
    eq(byId.get("qemu/102")!.lock, "backup");
    eq(byId.get("qemu/9000")!.template, 1);
    eq(byId.get("qemu/104")!.status, "paused"); // qmpstatus, as pvestatd reports it
    eq(byId.get("lxc/203")!.status, "unknown");
    eq(byId.get("node/pve3")!.status, "offline");
    const local = byId.get("storage/pve1/local")!;
    eq([local.plugintype, local.content, local.shared, local.status], [
      "dir",
      "iso,vztmpl,backup",
      0,
      "available",
    ]);
    eq(byId.get("storage/pve1/ceph-vm")!.shared, 1);
    eq(byId.get("storage/pve1/usb-archive")!.status, "unknown");
    const vms = (await c.call("GET", "/cluster/resources", { params: { type: "vm" } })).json
      ?.data as { type: string }[];
    eq(vms.length, 13);
    ok(vms.every((v) => v.type === "qemu" || v.type === "lxc"));
  }));

Deno.test("simulator: /cluster/resources?type= selects as PVE does; an unknown type is a 400", () =>
  withSim(async (c) => {
    const all = (await c.call("GET", "/cluster/resources")).json?.data as { id: string }[];
    const typed = async (type: string) =>
      ((await c.call("GET", "/cluster/resources", { params: { type } })).json?.data as {
        id: string;
      }[]).map((r) => r.id).sort();
    const idsOf = (prefix: string) => all.map((r) => r.id).filter((i) => i.startsWith(prefix));
    eq(await typed("node"), idsOf("node/").sort());
    eq(await typed("storage"), idsOf("storage/").sort());
    ok((await typed("node")).length === 3 && (await typed("storage")).length > 3);
    eq(await typed("sdn"), []);
    const bad = await c.call("GET", "/cluster/resources", { params: { type: "qemu" } });
    eq(bad.status, 400);
    ok(JSON.stringify(bad.json).includes("enumeration"), JSON.stringify(bad.json));
  }));

Deno.test("simulator: listings are filtered by the token's privileges", () =>
  withSim(async (c) => {
    const items = (await c.call("GET", "/cluster/resources", { token: narrow })).json?.data as {
      id: string;
    }[];
    eq(items.map((i) => i.id).sort(), [
      "node/pve1",
      "qemu/100",
      "storage/pve1/local",
      "storage/pve2/local",
      "storage/pve3/local",
    ]);
    const qemu = (await c.call("GET", "/nodes/pve1/qemu", { token: narrow })).json?.data as {
      vmid: number;
    }[];
    eq(qemu.map((q) => q.vmid), [100]);
    eq(
      ((await c.call("GET", "/storage", { token: narrow })).json?.data as { storage: string }[])
        .map((s) => s.storage),
      ["local"],
    );
    const perms = (await c.call("GET", "/access/permissions", { token: narrow })).json?.data;
    eq(perms, narrow.acl);
    eq(
      (await c.call("GET", "/access/permissions", { token: auditor, params: { path: "/vms/100" } }))
        .json?.data,
      {
        "/vms/100": {
          "Datastore.Audit": 1,
          "Mapping.Audit": 1,
          "Pool.Audit": 1,
          "SDN.Audit": 1,
          "Sys.Audit": 1,
          "VM.Audit": 1,
        },
      },
    );
    eq((await c.call("GET", "/cluster/status", { token: narrow })).status, 403);
  }));

Deno.test("simulator: node, guest and storage read endpoints", () =>
  withSim(async (c, sim) => {
    const st = (await c.call("GET", "/nodes/pve1/status")).json?.data as Record<string, unknown>;
    for (
      const k of [
        "cpu",
        "cpuinfo",
        "loadavg",
        "memory",
        "rootfs",
        "swap",
        "uptime",
        "kversion",
        "pveversion",
        "boot-info",
        "current-kernel",
      ]
    ) ok(k in st, k);
    ok(String(st.pveversion).startsWith("pve-manager/9.1.3/"));
    const nodes = (await c.call("GET", "/nodes")).json?.data as Record<string, unknown>[];
    eq(nodes.map((n) => [n.node, n.status]), [["pve1", "online"], ["pve2", "online"], [
      "pve3",
      "offline",
    ]]);
    eq(nodes[2].cpu, undefined);
    const cs = (await c.call("GET", "/cluster/status")).json?.data as Record<string, unknown>[];
    eq(cs[0], {
      type: "cluster",
      id: "cluster",
      name: "homelab",
      nodes: 3,
      quorate: 1,
      version: 5,
    });
    eq(cs.map((x) => x.online), [undefined, 1, 1, 0]);
    const paused = (await c.call("GET", "/nodes/pve2/qemu/104/status/current")).json
      ?.data as Record<string, unknown>;
    eq([paused.status, paused.qmpstatus, paused.agent], ["running", "paused", 1]);
    const cfg = (await c.call("GET", "/nodes/pve1/qemu/100/config")).json?.data as Record<
      string,
      unknown
    >;
    ok(/^[0-9a-f]{40}$/.test(String(cfg.digest)));
    eq([cfg.name, cfg.tags, cfg.agent], ["web01", "prod;web", "1"]);
    sim.state.guests.get(100)!.config.cores = 4;
    const cfg2 = (await c.call("GET", "/nodes/pve1/qemu/100/config")).json?.data as Record<
      string,
      unknown
    >;
    ok(cfg2.digest !== cfg.digest);
    const snaps = (await c.call("GET", "/nodes/pve1/lxc/200/snapshot")).json?.data as {
      name: string;
    }[];
    eq(snaps.map((s) => s.name), ["clean", "current"]);
    eq((await c.call("GET", "/nodes/pve1/lxc/100/config")).status, 500);
    const ns = (await c.call("GET", "/nodes/pve1/storage", { params: { content: "backup" } })).json
      ?.data as Record<string, unknown>[];
    eq(ns.map((s) => [s.storage, s.active]), [["local", 1], ["nas-backup", 1], ["usb-archive", 0]]);
    eq((await c.call("GET", "/cluster/nextid")).json?.data, "107");
    eq((await c.call("GET", "/cluster/nextid", { params: { vmid: 100 } })).json?.errors, {
      vmid: "VM 100 already exists",
    });
  }));

Deno.test("simulator: logged requests are valid PVE API calls", () =>
  withSim(async (c, sim) => {
    await c.call("GET", "/cluster/resources", { params: { type: "vm" } });
    await c.call("GET", "/nodes/pve1/tasks", { params: { limit: 5, source: "all" } });
    await c.call("GET", "/nodes/pve1/qemu/100/status/current");
    eq(sim.requests.map((r) => [r.method, r.path, r.status, r.tokenId]), [
      ["GET", "/cluster/resources", 200, "mcp@pve!mcp"],
      ["GET", "/nodes/pve1/tasks", 200, "mcp@pve!mcp"],
      ["GET", "/nodes/pve1/qemu/100/status/current", 200, "mcp@pve!mcp"],
    ]);
    eq(sim.requests[1].params, { limit: "5", source: "all" });
    assertRequestsValid(sim.requests);
    await c.call("GET", "/nodes/pve1/qemu/100/status/current", { params: { bogus: 1 } });
    let msg = "";
    try {
      assertRequestsValid(sim.requests);
    } catch (e) {
      msg = (e as Error).message;
    }
    ok(msg.includes("bogus: property is not defined in schema"), msg);
  }));
