/**
 * `get_vms` against every replay fixture: VMs and containers by default with
 * `type` on each row, one kind with `type` (and its synonyms), each row's
 * figures and the counts as the fixture holds them, `sort` (usage highest
 * first, rows without the figure last, name ascending) with `limit` for a top
 * N. Plus guest rows that carry only `id` (no `vmid`, no `type`), made from
 * pve-exporter's rows by deleting both fields: VMID and kind still come out right.
 */

import { assert, assertEquals } from "../support/assert.ts";
import {
  loadReplayFixture,
  type ReplayFixture,
  startReplayServer,
} from "../support/replay_server.ts";
import {
  callTool,
  fixtureData,
  fixtureGuests,
  fixtureKind,
  fixtureVmid,
  REPLAY_FIXTURES,
  replayContext,
} from "./replay_support.ts";

type Row = Record<string, unknown>;

/** A fixture figure as a number, or null where the source left it out. */
const figure = (v: unknown) => (v === undefined || v === null || v === "" ? null : Number(v));

/** What a listed row must say, read from the fixture row alone. */
function expectedRow(r: Row) {
  return {
    vmid: fixtureVmid(r),
    type: fixtureKind(r),
    node: String(r.node),
    name: r.name === undefined ? null : String(r.name),
    status: r.status === undefined ? "unknown" : String(r.status),
    template: Number(r.template) === 1,
    cpus: figure(r.maxcpu),
    cpu: figure(r.cpu),
    mem: figure(r.mem),
    maxmem: figure(r.maxmem),
    disk: figure(r.disk),
    maxdisk: figure(r.maxdisk),
    uptime: figure(r.uptime),
  };
}
type Expected = ReturnType<typeof expectedRow>;

function pick(g: Row): Row {
  const want = expectedRow({ node: "", id: "qemu/0" });
  return Object.fromEntries(Object.keys(want).map((k) => [k, g[k]]));
}

/** VMIDs in the order `sort` must give: usage highest first, absent figures last, ties by VMID. */
function sortedVmids(rows: Expected[], sort: "name" | "cpu" | "mem" | "disk" | "uptime") {
  const byVmid = (a: Expected, b: Expected) => a.vmid - b.vmid;
  const key = (r: Expected) => (sort === "name" ? (r.name ?? "").toLowerCase() : r[sort]);
  return [...rows].sort((a, b) => {
    const x = key(a), y = key(b);
    if (x === y) return byVmid(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x === "string") {
      return x.localeCompare(String(y), "en", { numeric: true }) || byVmid(a, b);
    }
    return (y as number) - x || byVmid(a, b);
  }).map((r) => r.vmid);
}

async function checkListing(fx: ReplayFixture, label: string) {
  const srv = await startReplayServer(fx);
  const ctx = await replayContext(srv);
  try {
    const want = fixtureGuests(fx).map(expectedRow).sort((a, b) => a.vmid - b.vmid);
    assert(want.length > 0, `${label}: the fixture lists guests`);
    const list = async (args: Record<string, unknown>) => {
      const r = await callTool(ctx, "get_vms", args);
      assert(!r.isError, `${label} ${JSON.stringify(args)}: ${r.content[0].text}`);
      return r.structured as {
        guests: Row[];
        total: number;
        next_offset: number | null;
        counts: Record<string, number>;
      };
    };

    const all = await list({});
    assertEquals(all.guests.map(pick), want, `${label}: every guest, both kinds, as listed`);
    assertEquals(all.total, want.length);
    const running = want.filter((g) => g.status === "running").length;
    const stopped = want.filter((g) => g.status === "stopped").length;
    assertEquals(all.counts, {
      running,
      stopped,
      other: want.length - running - stopped,
      vms: want.filter((g) => g.type === "qemu").length,
      containers: want.filter((g) => g.type === "lxc").length,
    }, `${label}: counts`);

    for (
      const [type, words] of [["qemu", ["qemu", "vm", "KVM"]], ["lxc", ["lxc", "container", "CT"]]]
    ) {
      const ids = want.filter((g) => g.type === type).map((g) => g.vmid);
      for (const word of words) {
        const one = await list({ type: word });
        assertEquals(one.guests.map((g) => g.vmid), ids, `${label}: type ${word}`);
        assert(one.guests.every((g) => g.type === type), `${label}: type ${word} rows`);
        assertEquals(one.counts[type === "qemu" ? "containers" : "vms"], 0);
      }
    }

    for (const sort of ["name", "cpu", "mem", "disk", "uptime"] as const) {
      const order = sortedVmids(want, sort);
      const sorted = await list({ sort });
      assertEquals(sorted.guests.map((g) => g.vmid), order, `${label}: sort ${sort}`);
      const top = await list({ sort, limit: 1 });
      assertEquals(top.guests.map((g) => g.vmid), order.slice(0, 1), `${label}: top 1 by ${sort}`);
      assertEquals(top.total, want.length);
      assertEquals(top.next_offset, want.length > 1 ? 1 : null);
    }
    assertEquals(
      (await list({ sort: "vmid" })).guests.map((g) => g.vmid),
      want.map((g) => g.vmid),
    );
  } finally {
    ctx.permissions?.stop();
    ctx.pve.close();
    await srv.close();
  }
}

for (const name of REPLAY_FIXTURES) {
  const fx = await loadReplayFixture(name);
  if (!fx) {
    Deno.test({ name: `replay ${name}: get_vms`, ignore: true, fn() {} });
    console.warn(`replay ${name}: skipped, ../shared/pve/replay/${name} is absent`);
    continue;
  }
  Deno.test(`replay ${name}: get_vms rows, kinds, counts and sorts`, () => checkListing(fx, name));
}

Deno.test("replay pve-exporter-cluster-pve9.json, rows with only id: VMID and kind from it", async () => {
  const fx = await loadReplayFixture("pve-exporter-cluster-pve9.json");
  if (!fx) return console.warn("replay pve-exporter-cluster-pve9.json: skipped, absent");
  const guests = fixtureGuests(fx);
  assertEquals(guests.map((g) => g.id).sort(), ["lxc/101", "qemu/100"]);
  const idOnly = guests.map(({ vmid: _v, type: _t, ...rest }) => rest);
  assert(idOnly.every((r) => !("vmid" in r) && !("type" in r) && typeof r.id === "string"));
  // Its own `?type=vm` key answers as given: the replay's kind filter would drop typeless rows.
  const derived: ReplayFixture = {
    ...fx,
    name: `${fx.name} (id-only rows)`,
    entries: new Map(fx.entries).set("GET /cluster/resources?type=vm", {
      status: 200,
      body: { data: idOnly },
    }),
  };
  assertEquals(fixtureData(derived, "GET /cluster/resources?type=vm"), idOnly);
  await checkListing(derived, derived.name);
});
