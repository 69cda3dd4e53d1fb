/**
 * {@link buildCluster}: large deterministic clusters for benchmarks (re-exported
 * by fixtures.ts).
 *
 * @module
 */

import { GiB, localStorages, makeGuest, makeNode, sharedStorage, usage } from "./builders.ts";
import { ClusterState, type GuestModel } from "./state.ts";

/** Specification of {@link buildCluster}. */
export interface BuildSpec {
  /** 1..128 nodes, named `node001`…; every 16th node is offline. */
  nodes: number;
  /** Up to 20,000 guests, spread round-robin; 1 in 5 is a container, 1 in 50 a template. */
  guests: number;
  /** PRNG seed (default 1): same seed, same cluster. */
  seed?: number;
}

/** A large deterministic cluster for benchmarks; builds 20,000 guests in well under a second. */
export function buildCluster(spec: BuildSpec): ClusterState {
  if (spec.nodes < 1 || spec.nodes > 128) throw new RangeError("nodes must be 1..128");
  if (spec.guests < 0 || spec.guests > 20_000) throw new RangeError("guests must be 0..20000");
  const rnd = mulberry32(spec.seed ?? 1);
  const names = Array.from(
    { length: spec.nodes },
    (_, i) => `node${String(i + 1).padStart(3, "0")}`,
  );
  const nodes = names.map((name, i) =>
    makeNode({
      name,
      nodeid: i + 1,
      cores: rnd() < 0.5 ? 16 : 32,
      memGiB: rnd() < 0.5 ? 256 : 512,
      cpu: Math.round(rnd() * 6000) / 10_000,
      memUsed: 0.2 + rnd() * 0.6,
      online: spec.nodes === 1 || (i + 1) % 16 !== 0,
    })
  );
  const statuses = ["running", "running", "running", "stopped", "paused"] as const;
  const tagSets = [undefined, "prod", "prod;web", "dev", "db;prod", "ci"];
  const guests: GuestModel[] = new Array(spec.guests);
  for (let i = 0; i < spec.guests; i++) {
    const vmid = 1000 + i;
    const template = i % 50 === 49;
    const type = i % 5 === 4 ? "lxc" : "qemu";
    guests[i] = makeGuest({
      vmid,
      type,
      node: names[i % names.length],
      name: `${type === "qemu" ? "vm" : "ct"}-${vmid}`,
      status: type === "lxc" && rnd() < 0.2
        ? "stopped"
        : statuses[Math.floor(rnd() * statuses.length)],
      template,
      tags: tagSets[Math.floor(rnd() * tagSets.length)],
      cores: 1 << Math.floor(rnd() * 3),
      memMiB: 1024 << Math.floor(rnd() * 4),
      diskGiB: 8 << Math.floor(rnd() * 4),
      agent: type === "qemu" && rnd() < 0.7 ? { os: rnd() < 0.1 ? "windows" : "linux" } : false,
      load: rnd(),
    });
  }
  const storages = [
    ...localStorages(names),
    sharedStorage(
      "ceph-vm",
      "rbd",
      ["images", "rootdir"],
      usage(500_000 * GiB, 0.4),
      { pool: "ceph-vm" },
      names,
    ),
  ];
  return new ClusterState({ name: "bench", nodes, guests, storages });
}

/** Small, fast, seedable PRNG (public domain). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
