/**
 * The readers behind get_cluster_status on rows as PVE sends them (numbers as
 * strings, 0/1 booleans, missing fields), and the text without guest counts.
 */

import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import {
  capacity,
  guestCounts,
  measuredNodes,
  membership,
} from "../../src/tools/core/cluster_rows.ts";
import { formatClusterStatus } from "../../src/format/cluster.ts";

const GiB = 1024 ** 3;

Deno.test("capacity: online nodes only, a shared storage once, unavailable storage left out", () => {
  const nodes = [
    { type: "node", node: "pve1", status: "online", cpu: "0.25", maxcpu: "8", mem: 2, maxmem: 8 },
    { type: "node", node: "pve2", status: "online", cpu: 0.5, maxcpu: 4, mem: 1, maxmem: 4 },
    { type: "node", node: "pve3", status: "offline" },
  ];
  const storages = [
    {
      type: "storage",
      id: "storage/pve1/ceph",
      storage: "ceph",
      shared: 1,
      status: "available",
      disk: 3 * GiB,
      maxdisk: 9 * GiB,
    },
    {
      type: "storage",
      id: "storage/pve2/ceph",
      storage: "ceph",
      shared: "1",
      status: "available",
      disk: 3 * GiB,
      maxdisk: 9 * GiB,
    },
    {
      type: "storage",
      id: "storage/pve1/local",
      storage: "local",
      shared: 0,
      status: "available",
      disk: "1",
      maxdisk: "2",
    },
    {
      type: "storage",
      id: "storage/pve2/local",
      storage: "local",
      shared: 0,
      status: "unknown",
      disk: 5,
      maxdisk: 6,
    },
  ];
  assertEquals(capacity(nodes, storages), {
    cpu: { used: 4, total: 12 },
    memory: { used: 3, total: 12 },
    storage: { used: 3 * GiB + 1, total: 9 * GiB + 2 },
  });
  assertEquals([...measuredNodes(nodes)], ["pve1", "pve2"]);
});

Deno.test("membership: from the node rows when /cluster/status was not readable", () => {
  const rows = [
    { type: "node", id: "node2", status: "online" }, // bare id, no `node` (a recorded answer)
    { type: "node", id: "node/node10", node: "node10", status: "offline" },
  ];
  const m = membership([], rows);
  assertEquals(m.cluster, {
    name: null,
    quorate: null,
    nodes_total: 2,
    nodes_online: 1,
    config_version: null,
  });
  assertEquals(m.nodes.map((n) => [n.name, n.online]), [["node2", true], ["node10", false]]);
});

Deno.test("guestCounts: kind from type or id, template as 0/1 or empty string", () => {
  const rows = [
    { id: "qemu/100", status: "running", template: 0 },
    { type: "qemu", status: "stopped", template: "1" },
    { type: "qemu", status: "paused", template: "" },
    { id: "lxc/200", status: "stopped" },
  ];
  assertEquals(guestCounts(rows), {
    vms: { total: 3, running: 1, stopped: 1, templates: 1 },
    containers: { total: 1, running: 0, stopped: 1, templates: 0 },
  });
});

Deno.test("formatClusterStatus: guests not counted says how to get them; no storage is said", () => {
  const text = formatClusterStatus({
    cluster: { name: "lab", quorate: true, nodes_total: 1, nodes_online: 1 },
    nodes: [{ name: "pve1", online: true, ip: null }],
    vms: null,
    containers: null,
    cpu: { used: 1, total: 4 },
    memory: { used: GiB, total: 4 * GiB },
    storage: { used: 0, total: 0 },
    warnings: [],
  });
  const lines = text.split("\n");
  assertEquals(lines.length, 3);
  assertStringIncludes(lines[1], "guests: true");
  assertStringIncludes(lines[2], "storage none available");
});
