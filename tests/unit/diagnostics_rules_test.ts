/**
 * The pure diagnostic rules: API data in, findings out, at the boundaries
 * the e2e scenarios do not reach.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { summariseRrd } from "../../src/diagnostics/rrd.ts";
import { analyzeSecurity, hasPriv } from "../../src/diagnostics/security.ts";
import { jobCovers } from "../../src/diagnostics/backup.ts";
import { level, sortFindings } from "../../src/diagnostics/types.ts";
import { analyzeClusterHealth } from "../../src/diagnostics/cluster_health.ts";
import { analyzeOptimization } from "../../src/diagnostics/optimization.ts";
import { DEFAULT_THRESHOLDS, DiagnosticsSchema } from "../../src/diagnostics/thresholds.ts";
import { Probe } from "../../src/diagnostics/fetch.ts";
import { PveError } from "../../src/proxmox/errors.ts";
import { parseInterfaces } from "../../src/tools/insight/insight_guest.ts";

const T = DEFAULT_THRESHOLDS;
const GiB = 1024 ** 3;

Deno.test("summariseRrd skips gaps instead of counting them as zero", () => {
  const s = summariseRrd([
    { time: 3, cpu: 0.3, mem: "NaN" },
    { time: 1, cpu: 0.1 },
    { time: 2 },
    { time: 4, cpu: "0.2" },
  ]);
  assertEquals(s.cpu, { min: 0.1, avg: 0.2, max: 0.3, last: 0.2, samples: 3 });
  assertEquals(s.mem, undefined);
});

Deno.test("hasPriv: exact path, propagated ancestors, not non-propagated ones", () => {
  const perms = {
    "/": { "Sys.Audit": 1 },
    "/vms": { "VM.Audit": 0 },
    "/nodes/pve1": { "Sys.Modify": 0 },
  };
  assert(hasPriv(perms, "/access", "Sys.Audit"));
  assert(hasPriv(perms, "/vms", "VM.Audit"));
  assert(!hasPriv(perms, "/vms/100", "VM.Audit"), "propagate 0 stops at /vms");
  assert(hasPriv(perms, "/nodes/pve1", "Sys.Modify"));
  assert(!hasPriv(perms, "/nodes/pve2", "Sys.Modify"));
});

Deno.test("jobCovers follows vzdump's selection: vmid list, pool, all minus exclude, node", () => {
  const g = { vmid: 101, node: "pve1", pool: "prod" };
  assert(jobCovers({ vmid: "100,101" }, g));
  assert(!jobCovers({ vmid: "1010" }, g));
  assert(jobCovers({ pool: "prod" }, g));
  assert(!jobCovers({ pool: "lab" }, g));
  assert(jobCovers({ all: 1, exclude: "102" }, g));
  assert(!jobCovers({ all: 1, exclude: "100,101" }, g));
  assert(!jobCovers({ all: 1, node: "pve2" }, g));
});

Deno.test("level and ordering at the threshold boundaries", () => {
  assertEquals([level(84.9, 85, 95), level(85, 85, 95), level(95, 85, 95)], [
    undefined,
    "warning",
    "critical",
  ]);
  assertEquals(DiagnosticsSchema.parse({ storage_warning_pct: "70" }).storage_warning_pct, 70);
  assert(!DiagnosticsSchema.safeParse({ storage_warning_pct: 0 }).success);
  assert(!DiagnosticsSchema.safeParse({ nonsense: 1 }).success, "strict section");
});

Deno.test("cluster health: hastate fallback, shared storage once, offline node's storage skipped", () => {
  const resources = [
    {
      type: "node",
      node: "pve1",
      status: "online",
      cpu: 0.1,
      mem: 1,
      maxmem: 10,
      disk: 1,
      maxdisk: 10,
    },
    { type: "node", node: "pve2", status: "offline" },
    { type: "qemu", vmid: 100, node: "pve1", status: "running", hastate: "error" },
    {
      type: "storage",
      storage: "nfs",
      node: "pve1",
      status: "available",
      shared: 1,
      disk: 90,
      maxdisk: 100,
    },
    { type: "storage", storage: "nfs", node: "pve2", status: "unknown", shared: 1 },
    { type: "storage", storage: "local", node: "pve2", status: "unknown", shared: 0 },
    { type: "storage", storage: "usb", node: "pve1", status: "unknown", shared: 0 },
  ];
  const { findings } = analyzeClusterHealth({ now: 0, resources, nodeStatus: {} }, T);
  const got = sortFindings(findings).map((f) => `${f.id}:${f.resource.id}:${f.severity}`);
  assertEquals(got, [
    "ha.service.error:100:critical",
    "node.offline:pve2:critical",
    "storage.inactive:pve1/usb:warning",
    "storage.usage.high:nfs:warning",
  ]);
  assertEquals(
    findings.find((f) => f.id === "ha.service.error")!.evidence.source,
    "GET /cluster/resources",
  );
});

Deno.test("optimisation: idle, oversized, overcommit and large disks", () => {
  const rrd = (cpu: number, mem: number) =>
    Array.from({ length: 10 }, (_, i) => ({ time: i * 60, cpu, mem }));
  const resources = [
    { type: "node", node: "pve1", status: "online", maxmem: 16 * GiB, maxcpu: 4 },
    { type: "qemu", vmid: 100, node: "pve1", status: "running", maxcpu: 8, maxmem: 16 * GiB },
    { type: "qemu", vmid: 101, node: "pve1", status: "running", maxcpu: 12, maxmem: 4 * GiB },
    { type: "qemu", vmid: 102, node: "pve1", status: "stopped", maxdisk: 200 * GiB },
    { type: "qemu", vmid: 9000, node: "pve1", status: "stopped", template: 1, maxdisk: 50 * GiB },
  ];
  const { findings } = analyzeOptimization({
    timeframe: "day",
    resources,
    guestRrd: new Map([[100, rrd(0.02, 2 * GiB)], [101, rrd(0.5, 3 * GiB)]]),
    storageRrd: new Map(),
  }, T);
  const by = (id: string) => findings.filter((f) => f.id === id);
  assertEquals(
    by("guest.cpu.idle").map((f) => [f.resource.id, f.evidence.values.suggested_cores]),
    [
      ["100", 1],
    ],
  );
  const mem = by("guest.memory.oversized");
  assertEquals(mem.map((f) => [f.resource.id, f.evidence.values.suggested_memory_mib]), [[
    "100",
    3072,
  ]]);
  assertEquals(by("node.memory.overcommit")[0].evidence.values.allocated_pct, 125);
  assertEquals(by("node.cpu.overcommit")[0].evidence.values.ratio, 5);
  assertEquals(by("guest.stopped.large_disk").map((f) => f.resource.id), ["102"]);
  assertEquals(by("template.large_disk"), [], "50 GiB template is below large_disk_gib");
});

Deno.test("security: console policy and escalation privileges", () => {
  const base = {
    tokenId: "mcp@pve!mcp",
    user: "mcp@pve",
    verifySsl: true,
    nodeFirewall: {},
    guestFirewall: new Map(),
    apt: {},
  };
  const ids = (d: Parameters<typeof analyzeSecurity>[0]) =>
    analyzeSecurity(d, T).findings.map((f) => f.id);
  assertEquals(ids({ ...base, console: { enabled: false, allow_shell: true } }), []);
  assertEquals(ids({ ...base, console: { enabled: true, vmids: [100] } }), []);
  assertEquals(ids({ ...base, console: { enabled: true } }), ["config.console.unscoped"]);
  assertEquals(ids({ ...base, console: { enabled: true, allow: ["*"], vmids: [100] } }), [
    "config.console.loose",
  ]);
  assertEquals(ids({ ...base, perms: { "/access": { "User.Modify": 0 } } }), [
    "token.privileges.escalation",
  ]);
  assertEquals(ids({ ...base, perms: { "/": { "VM.Audit": 1 } } }), []);
});

Deno.test("Probe: 403 and unreachable nodes become not-checked, other errors throw", async () => {
  const pve = {
    get(template: string): Promise<never> {
      if (template === "/a") {
        throw new PveError("permission", "x", {
          status: 403,
          permission: { path: "/", privileges: ["Sys.Audit"] },
        });
      }
      if (template === "/b") throw new PveError("node-unreachable", "x", { status: 595 });
      throw new PveError("auth", "bad token", { status: 401 });
    },
  };
  const p = new Probe(pve as never);
  assertEquals(await p.get("check.a", "/a"), undefined);
  assertEquals(await p.get("check.b", "/b"), undefined);
  let threw = false;
  await p.get("check.c", "/c").catch(() => (threw = true));
  assert(threw, "auth failures are not hidden");
  assertEquals(p.requests, 3);
  assertEquals(p.notChecked.map((n) => [n.check, n.privilege, n.reason]), [
    ["check.a", "Sys.Audit", "not checked: missing privilege Sys.Audit on / (GET /a)"],
    ["check.b", null, "not checked: node unreachable for GET /b"],
  ]);
});

Deno.test("parseInterfaces reads both the agent and the container shapes", () => {
  const agent = parseInterfaces({
    result: [{
      name: "eth0",
      "hardware-address": "bc:24:11:00:00:01",
      "ip-addresses": [
        { "ip-address": "10.0.0.5", "ip-address-type": "ipv4", prefix: 24 },
        { "ip-address": "fe80::1", "ip-address-type": "ipv6", prefix: 64 },
      ],
    }],
  });
  assertEquals(agent, [{
    name: "eth0",
    mac: "bc:24:11:00:00:01",
    ipv4: ["10.0.0.5/24"],
    ipv6: ["fe80::1/64"],
  }]);
  const ct = parseInterfaces([{ name: "eth0", hwaddr: "bc:24:11:00:00:02", inet: "10.0.0.6/24" }]);
  assertEquals(ct, [{ name: "eth0", mac: "bc:24:11:00:00:02", ipv4: ["10.0.0.6/24"], ipv6: [] }]);
});
