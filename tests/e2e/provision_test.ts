// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Provisioning and backups end to end, as one story over stdio: clone a
 * template, grow its disk, add a NIC, start, back up, snapshot, migrate,
 * restore the backup to a new VMID, delete — checking the simulator's state
 * after each step, the requests sent, and the audit log. Refusals are in
 * provision_refusals_test.ts.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { insightOf } from "../../src/simulator/insight_model.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";

/** Config enabling both opt-in toolsets. */
export const OPT_IN = { tools: { enabled_toolsets: ["provisioning", "backups"] } };

Deno.test("provisioning story over stdio: clone → resize → NIC → start → backup → snapshot → migrate → restore → delete", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  simActions(sim.state).durationMs = 80;
  const dir = await Deno.makeTempDir({ prefix: "pmcp-prov-" });
  const auditFile = `${dir}/audit.jsonl`;
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim, config: { ...OPT_IN, audit: { file: auditFile } } });
    const s = srv;
    const ok = async (tool: string, args: Record<string, unknown>) => {
      let r: any;
      const reqs = await requestsDuring(sim, async () => (r = await call(s, tool, args)));
      assert(!r.isError, `${tool}: ${textOf(r)}`);
      return { r, out: r.structuredContent, sent: mutations(reqs) };
    };
    const lastAudit = async () => (await auditLines(auditFile)).at(-1);

    await t.step("clone the ubuntu template (linked) as web-03 with VMID 150", async () => {
      const { out, sent } = await ok("clone_guest", { vmid: 9001, newid: 150, name: "web-03" });
      assertEquals(sent.map((q) => `${q.method} ${q.path}`), [
        "POST /nodes/pve2/qemu/9001/clone",
      ]);
      assertEquals(sent[0].params.full, "0");
      assertEquals(out.result, "done");
      assertStringIncludes(out.upid, ":qmclone:9001:");
      const g = sim.state.guests.get(150)!;
      assertEquals([g.name, g.node, g.status, g.template], ["web-03", "pve2", "stopped", 0]);
      assertStringIncludes(String(g.config.scsi0), "ceph-vm:base-9001-disk-0/vm-150-disk-0");
      assertEquals(sim.state.guests.get(9001)!.template, 1, "the template is untouched");
      const line = await lastAudit();
      assertEquals([line.tool, line.outcome, line.target.vmid], ["clone_guest", "ok", 9001]);
    });

    await t.step("grow scsi0 by 8G (4G → 12G), with the config digest", async () => {
      const { sent } = await ok("resize_disk", { vmid: 150, disk: "scsi0", size: "+8G" });
      assertEquals(sent.map((q) => `${q.method} ${q.path}`), ["PUT /nodes/pve2/qemu/150/resize"]);
      assertEquals(typeof sent[0].params.digest, "string");
      assertStringIncludes(String(sim.state.guests.get(150)!.config.scsi0), "size=12G");
      assertEquals(sim.state.guests.get(150)!.maxdisk, 12 * 1024 ** 3);
    });

    await t.step("add a NIC on vmbr0 VLAN 20 and set 4G memory in one config write", async () => {
      const before = { ...sim.state.guests.get(150)!.config };
      const { sent } = await ok("reconfigure_guest", {
        vmid: 150,
        memory: "4G",
        add_nics: [{ bridge: "vmbr0", vlan: 20 }],
      });
      assertEquals(sent.map((q) => `${q.method} ${q.path}`), ["POST /nodes/pve2/qemu/150/config"]);
      const g = sim.state.guests.get(150)!;
      assertEquals(g.config.net1, "virtio,bridge=vmbr0,tag=20,firewall=1");
      assertEquals(g.config.memory, "4096");
      assertEquals(g.maxmem, 4096 * 1024 ** 2);
      assertEquals(g.config.net0, before.net0, "net0 is kept");
    });

    await t.step("start it", async () => {
      await ok("guest_power", { action: "start", vmid: 150 });
      assertEquals(sim.state.guests.get(150)!.status, "running");
    });

    let volid = "";
    await t.step("back it up to nas-backup (snapshot mode, zstd)", async () => {
      const { out, sent } = await ok("backup_guest", { vmid: 150, storage: "nas-backup" });
      assertEquals(sent.map((q) => `${q.method} ${q.path}`), ["POST /nodes/pve2/vzdump"]);
      assertEquals(
        [sent[0].params.vmid, sent[0].params.mode, sent[0].params.compress],
        ["150", "snapshot", "zstd"],
      );
      assertStringIncludes(out.log.join("\n"), "Finished Backup of VM 150");
      assertEquals(sim.state.guests.get(150)!.lock, undefined, "backup lock released");
      assert(
        insightOf(sim.state).backups.some((b) => b.vmid === 150 && b.storage === "nas-backup"),
      );
      const list = await ok("list_backups", { vmid: 150 });
      assertEquals(list.out.backups.length, 1, JSON.stringify(list.out.backups));
      volid = list.out.backups[0].volid;
      assert(
        /^nas-backup:backup\/vzdump-qemu-150-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.zst$/.test(volid),
        volid,
      );
    });

    await t.step("snapshot it", async () => {
      await ok("guest_snapshot", { action: "create", vmid: 150, snapname: "pre_migrate" });
      assertEquals(sim.state.guests.get(150)!.snapshots.map((x) => x.name), ["pre_migrate"]);
    });

    await t.step("migrate it online to pve1 (confirmed)", async () => {
      const { out, sent } = await ok("migrate_guest", {
        vmid: 150,
        target_node: "pve1",
        confirm: true,
      });
      assertEquals(sent.map((q) => `${q.method} ${q.path}`), ["POST /nodes/pve2/qemu/150/migrate"]);
      assertEquals([sent[0].params.target, sent[0].params.online], ["pve1", "1"]);
      assertEquals(sent[0].params["with-local-disks"], undefined, "ceph-vm is shared");
      assertEquals(out.exitstatus, "OK");
      const g = sim.state.guests.get(150)!;
      assertEquals([g.node, g.status, g.lock], ["pve1", "running", undefined]);
    });

    let restored = 0;
    await t.step("restore the backup to a new VMID on pve1 (local-lvm)", async () => {
      const next = sim.state.nextId();
      const { out, sent } = await ok("restore_backup", {
        archive: volid,
        node: "pve1",
        storage: "local-lvm",
      });
      assertEquals(sent.map((q) => `${q.method} ${q.path}`), ["POST /nodes/pve1/qemu"]);
      assertEquals([sent[0].params.archive, sent[0].params.vmid], [volid, String(next)]);
      assertEquals(out.target.vmid, next);
      restored = next;
      const g = sim.state.guests.get(next)!;
      assertEquals([g.name, g.node, g.status, g.lock], ["web-03", "pve1", "stopped", undefined]);
      assertStringIncludes(String(g.config.scsi0), `local-lvm:vm-${next}-disk-0`);
      assertEquals(g.config.net1, "virtio,bridge=vmbr0,tag=20,firewall=1");
    });

    await t.step("delete the restored guest (confirmed, purge)", async () => {
      const { sent } = await ok("delete_guest", { vmid: restored, purge: true, confirm: true });
      assertEquals(sent.map((q) => `${q.method} ${q.path}`), [
        `DELETE /nodes/pve1/qemu/${restored}`,
      ]);
      assertEquals(sent[0].params.purge, "1");
      assertEquals(sim.state.guests.has(restored), false);
      const line = await lastAudit();
      assertEquals([line.tool, line.outcome, line.target.vmid], ["delete_guest", "ok", restored]);
      assertEquals(line.args.confirm, true);
    });

    await t.step("delete the backup volume (confirmed)", async () => {
      const del = await ok("delete_backup", { volid, node: "pve1", confirm: true });
      assertEquals(del.sent.map((q) => `${q.method} ${q.path}`), [
        `DELETE /nodes/pve1/storage/nas-backup/content/${volid}`,
      ]);
      assertEquals(del.out.result, "done", JSON.stringify(del.out));
      const left = insightOf(sim.state).backups.filter((b) => b.vmid === 150);
      assertEquals(left, []);
    });

    await t.step("every request matched the official schema", () => {
      assertRequestsValid(sim.requests);
    });
  } finally {
    await srv?.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
