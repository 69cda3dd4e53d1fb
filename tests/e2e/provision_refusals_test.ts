// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Refusal paths of the provisioning and backup tools over stdio: each bad
 * request is refused with a message naming the field, the value and the fix,
 * and nothing that changes anything is sent (or PVE's own refusal is passed
 * on, for the digest conflict). Plus: toolsets off by default, read-only mode,
 * a token without the privileges. Also reports the tools/list size.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator, tokenWithRole } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { configDigest } from "../../src/simulator/routes/guests.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { mutations, requestsDuring } from "./action_support.ts";
import { OPT_IN } from "./provision_test.ts";

const PROVISIONING = [
  "next_vmid",
  "list_templates",
  "list_storage_content",
  "create_vm",
  "create_container",
  "clone_guest",
  "convert_to_template",
  "set_cloudinit",
  "reconfigure_guest",
  "resize_disk",
  "move_disk",
  "migrate_guest",
  "delete_guest",
];
const BACKUPS = ["list_backups", "backup_guest", "restore_backup", "delete_backup"];
const READS = new Set(["next_vmid", "list_templates", "list_storage_content", "list_backups"]);

Deno.test("provisioning refusals over stdio: nothing sent, clear reasons", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  simActions(sim.state).durationMs = 60;
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim, config: { ...OPT_IN, safety: { protected_vmids: [103] } } });
    const s = srv;
    const refused = async (tool: string, args: Record<string, unknown>, ...texts: string[]) => {
      let r: any;
      const reqs = await requestsDuring(sim, async () => (r = await call(s, tool, args)));
      assert(r.isError, `${tool} must be refused: ${textOf(r)}`);
      for (const x of texts) assertStringIncludes(textOf(r), x);
      assertEquals(mutations(reqs), [], `${tool} sends nothing`);
      return textOf(r);
    };
    const vm = { node: "pve1", name: "web-09", disks: [{ storage: "local-lvm", size: "16G" }] };

    await t.step("tools/list: every tool with explicit annotations; size measured", async () => {
      const list = await s.client.listTools();
      const names = list.tools.map((x) => x.name);
      for (const n of [...PROVISIONING, ...BACKUPS]) {
        const tool = list.tools.find((x) => x.name === n);
        assert(tool, `${n} listed`);
        assertEquals(tool.annotations?.readOnlyHint, READS.has(n), n);
        assertEquals(typeof tool.annotations?.destructiveHint, "boolean", n);
        assertEquals(typeof tool.annotations?.idempotentHint, "boolean", n);
        assertEquals(tool.annotations?.openWorldHint, false, n);
      }
      const bytes = new TextEncoder().encode(JSON.stringify(list)).length;
      const sizes = list.tools.map((x) => [x.name, JSON.stringify(x).length] as const);
      const ours = sizes.filter(([n]) => PROVISIONING.includes(n) || BACKUPS.includes(n));
      console.log(`largest: ${[...sizes].sort((a, b) => b[1] - a[1]).slice(0, 6).join(" ")}`);
      console.log(`provisioning+backups tools: ${ours.reduce((a, [, b]) => a + b, 0)} bytes`);
      console.log(
        `tools/list with provisioning+backups on: ${names.length} tools, ${bytes} bytes ` +
          `(~${Math.round(bytes / 4)} tokens); provisioning ${PROVISIONING.length}, ` +
          `backups ${BACKUPS.length}`,
      );
    });

    await t.step("VMID taken: create and clone refused, the free one named", async () => {
      await refused("create_vm", { ...vm, vmid: 100 }, "vmid: VMID 100 is already in use");
      await refused("clone_guest", { vmid: 9000, newid: 101, name: "x1" }, "newid: VMID 101");
    });

    await t.step("bad sizes: no unit, or a shrink", async () => {
      await refused("resize_disk", { vmid: 100, disk: "scsi0", size: "10" }, "unit");
      await refused("create_vm", { ...vm, disks: [{ storage: "local-lvm", size: "16" }] }, "32G");
      await refused(
        "resize_disk",
        { vmid: 100, disk: "scsi0", size: "8G" },
        "Shrinking is refused",
        "32 GiB",
      );
    });

    await t.step("missing storage, storage without images, missing bridge", async () => {
      await refused(
        "create_vm",
        { ...vm, disks: [{ storage: "nope", size: "8G" }] },
        'disks[0]: storage "nope" does not exist on node pve1',
        "local-lvm",
      );
      await refused(
        "create_vm",
        { ...vm, disks: [{ storage: "local", size: "8G" }] },
        'storage "local" does not hold VM disks',
      );
      await refused(
        "create_vm",
        { ...vm, nics: [{ bridge: "vmbr9" }] },
        'nics[0].bridge: bridge "vmbr9" does not exist on node pve1',
        "vmbr0",
      );
      await refused(
        "create_container",
        {
          node: "pve1",
          hostname: "ct-9",
          template: "local:vztmpl/nothing.tar.zst",
          rootfs: { storage: "local-lvm", size: "8G" },
        },
        "template",
        "debian-12-standard",
      );
    });

    await t.step("digest conflict: PVE's refusal is passed on, config unchanged", async () => {
      const g = sim.state.guests.get(101)!;
      const stale = configDigest(g.config);
      g.config.description = "edited by someone else";
      const text = await call(s, "reconfigure_guest", { vmid: 101, cores: 6, digest: stale });
      assert(text.isError);
      assertStringIncludes(textOf(text), "detected modified configuration");
      assertEquals(g.config.cores, 2);
    });

    await t.step("protected guest, protection flag, missing confirmation, running", async () => {
      await refused("delete_guest", { vmid: 103, confirm: true }, "protected");
      sim.state.guests.get(201)!.config.protection = 1;
      await refused("delete_guest", { vmid: 201, confirm: true }, "protection flag");
      delete sim.state.guests.get(201)!.config.protection;
      await refused("delete_guest", { vmid: 201 }, "confirm: true", "Nothing was done");
      await refused("delete_guest", { vmid: 100, confirm: true }, "is running");
      await refused("restore_backup", {
        archive: "nas-backup:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst",
        node: "pve1",
        vmid: 101,
      }, "force: true");
      assert(sim.state.guests.has(201));
    });

    await t.step("linked clone of a non-template, migrate to an offline node", async () => {
      await refused("clone_guest", { vmid: 101, newid: 170, name: "l1", full: false }, "template");
      await refused("migrate_guest", { vmid: 101, target_node: "pve3", confirm: true }, "pve3");
    });

    await t.step("dry run of a create sends only GETs and shows the plan", async () => {
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "create_vm", { ...vm, dry_run: true })),
      );
      assert(!r.isError, textOf(r));
      assertEquals(mutations(reqs), []);
      assertEquals(r.structuredContent.plan[0].path, "/nodes/pve1/qemu");
      assertEquals(r.structuredContent.plan[0].params["scsi0"], "local-lvm:16,iothread=1");
    });

    await t.step("every request matched the official schema", () => {
      assertRequestsValid(sim.requests);
    });
  } finally {
    await srv?.close();
    await sim.close();
  }
});

Deno.test("provisioning toolsets: off by default, read-only keeps only reads, privileges", async (t) => {
  const vmAdmin = tokenWithRole("PVEVMAdmin");
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [vmAdmin] });
  const names = async (config: Record<string, unknown>) => {
    const srv = await startServer({ sim, token: vmAdmin, config });
    try {
      return { srv, names: (await srv.client.listTools()).tools.map((x) => x.name) };
    } catch (e) {
      await srv.close();
      throw e;
    }
  };
  try {
    await t.step("default configuration: neither toolset is offered", async () => {
      const { srv, names: n } = await names({});
      await srv.close();
      for (const x of [...PROVISIONING, ...BACKUPS]) assert(!n.includes(x), `${x} hidden`);
    });
    await t.step("read-only: only the read tools of the toolsets remain", async () => {
      const { srv, names: n } = await names({ tools: { ...OPT_IN.tools, read_only: true } });
      await srv.close();
      // This token (PVEVMAdmin) holds no Datastore privileges: the storage listings are hidden.
      const usable = new Set(["next_vmid", "list_templates"]);
      for (const x of [...PROVISIONING, ...BACKUPS]) assertEquals(n.includes(x), usable.has(x), x);
    });
    await t.step("a token without Datastore.AllocateSpace cannot back up", async () => {
      const { srv } = await names(OPT_IN);
      try {
        const reqs = await requestsDuring(sim, async () => {
          const r: any = await call(srv, "backup_guest", { vmid: 101, storage: "nas-backup" });
          assert(r.isError);
          assertStringIncludes(textOf(r), "Datastore");
        });
        assertEquals(mutations(reqs), []);
      } finally {
        await srv.close();
      }
    });
  } finally {
    await sim.close();
  }
});
