// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * get_vms end to end (the real server over stdio, the simulator): both guest kinds from one
 * request, filters, paging, `type` and its synonyms, and `sort` for a top N. Expectations come
 * from the simulator's live model, not from copies of its data.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { expectedGuests, liveStatus } from "./guest_support.ts";
import { requestsDuring } from "./action_support.ts";

/**
 * VMIDs ordered by a usage figure as the listing promises: highest first, ties by VMID, guests
 * without the figure (on an offline node PVE sends none) last.
 */
function busiestFirst(sim: Simulator, figure: "cpu" | "mem") {
  const value = (g: ReturnType<typeof expectedGuests>[number]) =>
    sim.state.nodes.get(g.node)?.online ? g[figure] : undefined;
  return expectedGuests(sim).sort((a, b) => {
    const x = value(a), y = value(b);
    if (x === y) return a.vmid - b.vmid;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return y - x || a.vmid - b.vmid;
  }).map((g) => g.vmid);
}

Deno.test("get_vms over stdio: both kinds, filters, paging, type and sort", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim });
    const s = srv;

    await t.step("get_vms: every VM and container from one /cluster/resources call", async () => {
      let r!: Awaited<ReturnType<typeof call>>;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "get_vms", { limit: 1000 })),
      );
      assertEquals(reqs.map((q) => `${q.method} ${q.path}`), ["GET /cluster/resources"]);
      const out = r.structuredContent as {
        guests: Array<Record<string, any>>;
        total: number;
        counts: Record<string, number>;
      };
      const want = expectedGuests(sim);
      assert(want.some((g) => g.type === "qemu") && want.some((g) => g.type === "lxc"));
      assertEquals(out.total, want.length);
      assertEquals(out.guests.map((g) => g.vmid), want.map((g) => g.vmid));
      assertEquals(
        [out.counts.vms, out.counts.containers],
        [expectedGuests(sim, "qemu").length, expectedGuests(sim, "lxc").length],
      );
      for (const g of want) {
        const got = out.guests.find((x) => x.vmid === g.vmid)!;
        assertEquals(got.type, g.type, `type of ${g.vmid}`);
        assertEquals(got.name, g.name);
        assertEquals(got.node, g.node);
        assertEquals(got.status, liveStatus(sim, g), `status of ${g.vmid}`);
        assertEquals(got.template, g.template === 1);
        assertEquals(got.maxmem, g.maxmem);
        assertEquals(got.tags, (g.tags ?? "").split(";").filter(Boolean));
        assertEquals(got.lock, g.lock ?? null);
      }
    });

    await t.step("get_vms: filters and paging", async () => {
      const want = expectedGuests(sim);
      const node = want[0].node;
      const onNode = (await call(s, "get_vms", { node })).structuredContent as {
        guests: Array<{ node: string }>;
        total: number;
      };
      assertEquals(onNode.total, want.filter((g) => g.node === node).length);
      assert(onNode.guests.every((g) => g.node === node));
      const page = (await call(s, "get_vms", { limit: 2 })).structuredContent as {
        returned: number;
        next_offset: number | null;
        total: number;
      };
      assertEquals(page.returned, Math.min(2, want.length));
      assertEquals(page.next_offset, want.length > 2 ? 2 : null);
      const running = (await call(s, "get_vms", { status: "running", include_templates: false }))
        .structuredContent as { total: number };
      assertEquals(
        running.total,
        want.filter((g) => liveStatus(sim, g) === "running" && !g.template).length,
      );
      const tagged = want.find((g) => g.tags);
      if (tagged) {
        const tag = tagged.tags!.split(";")[0];
        const byTag = (await call(s, "get_vms", { tag })).structuredContent as {
          guests: Array<{ tags: string[] }>;
        };
        assert(byTag.guests.length > 0 && byTag.guests.every((g) => g.tags.includes(tag)));
      }
      const none = await call(s, "get_vms", { node: "ghost" });
      assert(none.isError);
      assertStringIncludes(textOf(none), `node "ghost" is not part of this cluster`);
    });

    await t.step("get_vms type: one kind, by PVE's name or a synonym", async () => {
      for (const [type, kind] of [["lxc", "lxc"], ["container", "lxc"], ["VM", "qemu"]] as const) {
        const r = await call(s, "get_vms", { type, limit: 1000 });
        assert(!r.isError, textOf(r));
        const out = r.structuredContent as {
          guests: Array<Record<string, any>>;
          total: number;
          counts: Record<string, number>;
        };
        const want = expectedGuests(sim, kind);
        assertEquals(out.total, want.length, type);
        assertEquals(out.guests.map((g) => g.vmid), want.map((g) => g.vmid), type);
        assert(out.guests.every((g) => g.type === kind), `${type}: only ${kind} rows`);
        assertEquals(
          [out.counts.vms, out.counts.containers],
          kind === "lxc" ? [0, want.length] : [want.length, 0],
          type,
        );
        for (const g of want) {
          const got = out.guests.find((x) => x.vmid === g.vmid)!;
          assertEquals([got.name, got.node, got.status], [g.name, g.node, liveStatus(sim, g)]);
        }
      }
    });

    await t.step("get_vms sort: the top N by usage, highest first", async () => {
      const top = await call(s, "get_vms", { sort: "cpu", limit: 3 });
      assert(!top.isError, textOf(top));
      const out = top.structuredContent as {
        guests: Array<{ vmid: number; cpu: number | null }>;
        total: number;
        next_offset: number | null;
      };
      const byCpu = busiestFirst(sim, "cpu");
      assertEquals(out.guests.map((g) => g.vmid), byCpu.slice(0, 3));
      assertEquals([out.total, out.next_offset], [byCpu.length, 3]);
      // The demo cluster's guests do not all idle alike, or the order would prove nothing.
      assert(new Set(out.guests.map((g) => g.cpu)).size > 1, "distinct CPU figures");
      const mem = await call(s, "get_vms", { sort: "Memory", limit: 1000 });
      assert(!mem.isError, textOf(mem));
      assertEquals(
        (mem.structuredContent as { guests: Array<{ vmid: number }> }).guests.map((g) => g.vmid),
        busiestFirst(sim, "mem"),
      );
    });

    await t.step("get_vms sort: an unknown order is refused naming the allowed ones", async () => {
      const reqs = await requestsDuring(sim, async () => {
        const r = await call(s, "get_vms", { sort: "popularity" });
        assert(r.isError);
        assertStringIncludes(textOf(r), "popularity");
        assertStringIncludes(textOf(r), "vmid, name, cpu, mem, disk, uptime");
      });
      assertEquals(reqs.length, 0, "nothing is sent for a refused argument");
    });

    await t.step("every request the server made is valid against the official schema", () => {
      assertRequestsValid(sim.requests);
    });
  } finally {
    await srv?.close();
    await sim.close();
  }
});
