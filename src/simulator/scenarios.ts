/**
 * Scenario clusters for the diagnostics: a healthy cluster that trips no
 * finding, and variants that each trip specific ones. Every scenario is small
 * (3 nodes, a handful of guests) and deterministic apart from "now".
 *
 * @example
 * ```ts ignore
 * const { state, token } = SCENARIOS.memory_pressure.build();
 * const sim = await startSimulator({ cluster: state, tokens: [token] });
 * ```
 *
 * @module
 */

import { GiB, localStorages, makeGuest, makeNode, sharedStorage, usage } from "./builders.ts";
import { ROLES, type SimToken } from "./acl.ts";
import { ClusterState } from "./state.ts";
import { insightOf } from "./insight_model.ts";

const DAY = 86_400;

/** Read-only token for the scenarios: PVEAuditor on `/` plus agent reads, privilege-separated. */
export const AUDIT_TOKEN: SimToken = {
  user: "mcp@pve",
  tokenid: "audit",
  secret: "0b6f3c2a-9d8e-4f7a-8b1c-2d3e4f5a6b7c",
  acl: {
    "/": Object.fromEntries(
      [...ROLES.PVEAuditor, "VM.GuestAgent.Audit"].map((p) => [p, 1 as const]),
    ),
  },
};

/** The healthy base: pve1-3 online, 3 VMs and 2 containers, backups fresh, firewall on. */
export function healthyCluster(): ClusterState {
  const nodes = [1, 2, 3].map((i) => makeNode({ name: `pve${i}`, nodeid: i, memUsed: 0.4 }));
  const linux = { os: "linux" as const };
  const guests = [
    makeGuest({
      vmid: 100,
      type: "qemu",
      node: "pve1",
      name: "web01",
      agent: linux,
      load: 0.5,
      hastate: "started",
      pool: "prod",
    }),
    makeGuest({
      vmid: 101,
      type: "qemu",
      node: "pve1",
      name: "db01",
      agent: linux,
      load: 0.6,
      memMiB: 8192,
      pool: "prod",
    }),
    makeGuest({ vmid: 102, type: "qemu", node: "pve2", name: "app01", agent: linux, load: 0.4 }),
    makeGuest({ vmid: 200, type: "lxc", node: "pve2", name: "dns01", load: 0.5, pool: "prod" }),
    makeGuest({ vmid: 201, type: "lxc", node: "pve3", name: "proxy", load: 0.5 }),
  ];
  const storages = [
    ...localStorages(["pve1", "pve2", "pve3"]),
    sharedStorage("nas-backup", "nfs", ["backup"], usage(8_000 * GiB, 0.3), {
      server: "192.168.1.50",
      export: "/mnt/tank/pve",
      path: "/mnt/pve/nas-backup",
    }),
  ];
  return new ClusterState({
    name: "scenario",
    nodes,
    guests,
    storages,
    pools: [{ poolid: "prod", comment: "Production" }],
  });
}

/** A scenario: how to build it and which finding ids each diagnostic must report. */
export interface Scenario {
  build(): { state: ClusterState; token: SimToken };
  /** Expected finding ids (sorted) of analyze_cluster_health. */
  health: string[];
}

const base = (mutate: (s: ClusterState) => void = () => {}) => () => {
  const state = healthyCluster();
  mutate(state);
  return { state, token: AUDIT_TOKEN };
};

/** The scenarios by name. */
export const SCENARIOS: Record<string, Scenario> = {
  healthy: { build: base(), health: [] },

  // pve2 at 90 % memory (warning), pve3 at 97 % (critical).
  memory_pressure: {
    build: base((s) => {
      const p2 = s.nodes.get("pve2")!;
      p2.mem = Math.round(p2.maxmem * 0.9);
      const p3 = s.nodes.get("pve3")!;
      p3.mem = Math.round(p3.maxmem * 0.97);
    }),
    health: ["node.memory.pressure", "node.memory.pressure"],
  },

  // local-lvm on pve1 at 96 % (critical), shared nas-backup at 88 % (warning), growing 50 GiB/day.
  storage_full: {
    build: base((s) => {
      s.storages.get("local-lvm")!.usage.pve1 = usage(1_800 * GiB, 0.96);
      const nas = s.storages.get("nas-backup")!;
      for (const n of Object.keys(nas.usage)) nas.usage[n] = usage(8_000 * GiB, 0.88);
      insightOf(s).storageGrowthPerDay["nas-backup"] = 50 * GiB;
    }),
    health: ["storage.usage.high", "storage.usage.high"],
  },

  node_offline: {
    build: base((s) => s.setNodeOnline("pve3", false)),
    health: ["node.offline"],
  },

  quorum_lost: {
    build: base((s) => {
      s.setNodeOnline("pve2", false);
      s.setNodeOnline("pve3", false);
    }),
    health: ["cluster.quorum.lost", "node.offline", "node.offline"],
  },

  ha_error: {
    build: base((s) => (s.guests.get(100)!.hastate = "error")),
    health: ["ha.service.error"],
  },

  // 101 locked by a backup that no longer runs; 200 locked by a snapshot still running.
  locked_guest: {
    build: base((s) => {
      s.guests.get(101)!.lock = "backup";
      s.guests.get(101)!.config.lock = "backup";
      s.guests.get(200)!.lock = "snapshot";
      s.startTask({
        node: "pve2",
        type: "vzsnapshot",
        id: "200",
        user: "root@pam",
        durationMs: Infinity,
      });
    }),
    health: ["guest.locked.busy", "guest.locked.stale"],
  },

  // Two failed starts of 101 in the window, one outside it, one success.
  failed_tasks: {
    build: base((s) => {
      const ms = Date.now();
      const fail = (ago: number) =>
        s.startTask({
          node: "pve1",
          type: "qmstart",
          id: "101",
          user: "root@pam",
          startedAt: ms - ago,
          durationMs: 1_000,
          exitstatus: "storage 'nas-backup' is not online",
        });
      fail(5 * 3600_000);
      fail(3600_000);
      fail(3 * DAY * 1000);
      s.startTask({
        node: "pve1",
        type: "qmstart",
        id: "100",
        user: "root@pam",
        startedAt: ms - 7200_000,
      });
    }),
    health: ["tasks.failed"],
  },

  // 101 excluded from the only job; 100's last backup is 10.5 days old.
  no_backup: {
    build: base((s) => {
      const m = insightOf(s);
      m.backupJobs[0].exclude = "101";
      m.backups = m.backups.filter((b) => b.vmid !== 101);
      const b100 = m.backups.find((b) => b.vmid === 100)!;
      b100.ctime = Math.floor(Date.now() / 1000) - Math.round(10.5 * DAY);
    }),
    health: [],
  },

  // 101: agent off in its config; 100: agent on but not answering.
  agent_disabled: {
    build: base((s) => {
      const g101 = s.guests.get(101)!;
      g101.agent = { enabled: false, running: false, os: "linux" };
      delete g101.config.agent;
      s.guests.get(100)!.agent!.running = false;
    }),
    health: [],
  },

  // Cluster firewall off, pve2's off, guest 101 without firewall config.
  firewall_off: {
    build: base((s) => {
      const m = insightOf(s);
      m.clusterFirewall.enable = 0;
      m.nodeFirewall.pve2 = { enable: 0 };
      m.guestFirewall.delete(101);
    }),
    health: [],
  },
};
