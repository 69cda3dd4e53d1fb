// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * `get_cluster_status` against every replay fixture, in both modes: the three
 * small reads by default (never a guest list), `guests: true` adding
 * `?type=vm`; membership, quorum and totals as the fixture's answers to those
 * very requests hold them, and a warning where online nodes carry no figures.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import {
  loadReplayFixture,
  type ReplayFixture,
  type ReplayServer,
  startReplayServer,
} from "../support/replay_server.ts";
import {
  callTool,
  fixtureData,
  fixtureGuests,
  REPLAY_FIXTURES,
  replayContext,
} from "./replay_support.ts";

type Row = Record<string, unknown>;

/** The rows the fixture answers `?type=` with: its own key, else its full list filtered. */
function rowsOfType(fx: ReplayFixture, type: "node" | "storage"): Row[] {
  const own = fixtureData(fx, `GET /cluster/resources?type=${type}`) as Row[] | undefined;
  if (own) return own;
  return ((fixtureData(fx, "GET /cluster/resources") ?? []) as Row[]).filter((r) =>
    r.type === type
  );
}

const num = (v: unknown) => Number(v ?? 0) || 0;

function expected(fx: ReplayFixture) {
  const status = (fixtureData(fx, "GET /cluster/status") ?? []) as Row[];
  const entry = status.find((s) => s.type === "cluster");
  const members = status.filter((s) => s.type === "node")
    .map((n) => ({ name: String(n.name), online: Number(n.online) === 1 }));
  const up = rowsOfType(fx, "node").filter((r) => r.status === "online");
  const named = new Set(up.map((r) => String(r.node ?? String(r.id).replace("node/", ""))));
  const storages = new Map<string, Row>();
  for (const r of rowsOfType(fx, "storage")) {
    if (r.status !== "available") continue;
    const key = num(r.shared) ? `shared ${r.storage}` : String(r.id);
    if (!storages.has(key)) storages.set(key, r);
  }
  const sum = (rows: Row[], k: string) => rows.reduce((a, r) => a + num(r[k]), 0);
  return {
    name: entry ? String(entry.name) : null,
    quorate: entry ? Number(entry.quorate) === 1 : members.some((m) => m.online),
    members: members.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true })),
    unmeasured: members.filter((m) => m.online && !named.has(m.name)).map((m) => m.name),
    cpus: sum(up, "maxcpu"),
    memory: { used: sum(up, "mem"), total: sum(up, "maxmem") },
    storage: {
      used: sum([...storages.values()], "disk"),
      total: sum([...storages.values()], "maxdisk"),
    },
  };
}

function expectedCounts(fx: ReplayFixture, type: "qemu" | "lxc") {
  const gs = fixtureGuests(fx).filter((g) => (g.type ?? String(g.id).split("/")[0]) === type);
  return {
    total: gs.length,
    running: gs.filter((g) => g.status === "running").length,
    stopped: gs.filter((g) => g.status === "stopped").length,
    templates: gs.filter((g) => Number(g.template) === 1).length,
  };
}

/** Request keys the replay server saw while `fn` ran. */
async function seen(srv: ReplayServer, fn: () => Promise<unknown>): Promise<string[]> {
  const before = srv.requests.length;
  await fn();
  return srv.requests.slice(before).map((r) => r.key).sort();
}

for (const name of REPLAY_FIXTURES) {
  const fx = await loadReplayFixture(name);
  if (!fx) {
    Deno.test({ name: `replay ${name}: get_cluster_status`, ignore: true, fn() {} });
    console.warn(`replay ${name}: skipped, ../shared/pve/replay/${name} is absent`);
    continue;
  }
  Deno.test(`replay ${name}: get_cluster_status, default and guests: true`, async () => {
    const srv = await startReplayServer(fx);
    const ctx = await replayContext(srv);
    try {
      const want = expected(fx);
      let r!: Awaited<ReturnType<typeof callTool>>;
      const keys = await seen(srv, async () => (r = await callTool(ctx, "get_cluster_status")));
      assertEquals(keys, [
        "GET /cluster/resources?type=node",
        "GET /cluster/resources?type=storage",
        "GET /cluster/status",
      ]);
      assert(!r.isError, r.content[0].text);
      const out = r.structured as Record<string, any>;
      assertEquals(out.cluster.name, want.name);
      assertEquals(out.cluster.quorate, want.quorate);
      assertEquals(out.nodes.map((n: any) => ({ name: n.name, online: n.online })), want.members);
      assertEquals(out.cpu.total, want.cpus);
      assertEquals(out.memory, want.memory);
      assertEquals(out.storage, want.storage);
      assertEquals([out.vms, out.containers], [null, null]);
      const leftOut = (out.warnings as string[]).filter((w) => w.includes("leave out"));
      assertEquals(leftOut.length, want.unmeasured.length ? 1 : 0, leftOut.join());
      for (const n of want.unmeasured) assertStringIncludes(leftOut[0], n);

      let g!: Awaited<ReturnType<typeof callTool>>;
      const gkeys = await seen(
        srv,
        async () => (g = await callTool(ctx, "get_cluster_status", { guests: true })),
      );
      assertEquals(gkeys, [...keys, "GET /cluster/resources?type=vm"].sort());
      assert(!g.isError, g.content[0].text);
      assertEquals(g.structured.vms, expectedCounts(fx, "qemu"));
      assertEquals(g.structured.containers, expectedCounts(fx, "lxc"));
      assertEquals(g.structured.storage, out.storage);
    } finally {
      ctx.permissions?.stop();
      ctx.pve.close();
      await srv.close();
    }
  });
}
