import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { checkPathParam } from "../../src/proxmox/params.ts";
import { buildPath } from "../../src/proxmox/client.ts";
import { PveError } from "../../src/proxmox/errors.ts";
import { parseUpid } from "../../src/proxmox/tasks.ts";

const REAL = [
  "UPID:pve1:0000A1B2:0012F3C4:6745A0B1:qmstart:100:root@pam:",
  "UPID:pve-node-2:003D1F0E:1C0A2B3D:67A0C0DE:vzdump:100:mcp@pve!mcp:",
  "UPID:pve1:0000A1B2:0012F3C4:6745A0B1:aptupdate::root@pam:",
  "UPID:pve1:0000A1B2:10012F3C4:6745A0B1:download:local:john.doe@corp-ldap:",
  "UPID:pve1:0000A1B2:0012F3C4:6745A0B1:srvreload:networking:admin@pve!ci_token-1:",
];

const HOSTILE = [
  "UPID:pve1:00000001:00000001:00000001:qmstart:/../../access/users:root@pam:",
  "UPID:pve1:00000001:00000001:00000001:qmstart:100:root@pam/../../../version:",
  "UPID:pve1:00000001:00000001:00000001:qm%2Fstart:100:root@pam:",
  "UPID:pve1:00000001:00000001:00000001:qmstart:100:root@pam:?x=1",
  "UPID:pve1:00000001:00000001:00000001:qmstart:1\\00:root@pam:",
  "UPID:pve1:00000001:00000001:00000001:qmstart:100:root@pam#:",
  "UPID:../x:00000001:00000001:00000001:qmstart:100:root@pam:",
  "UPID:pve1:00000001:00000001:00000001:qm\u2028start:100:root@pam:",
];

Deno.test("real UPIDs (tokens, empty ids, long pstart) pass and parse", () => {
  for (const u of REAL) {
    assertEquals(checkPathParam("upid", u), undefined, u);
    assert(parseUpid(u), u);
    const { path } = buildPath("/nodes/{node}/tasks/{upid}/status", { node: "pve1", upid: u });
    assertEquals(path.split("/").length, 6, path);
  }
});

Deno.test("a UPID that would shape the path (/, %, ?, #, \\, ..) is refused before any URL", () => {
  for (const u of HOSTILE) {
    assert(checkPathParam("upid", u), u);
    assertEquals(parseUpid(u), undefined, u);
    const e = assertThrows(
      () => buildPath("/nodes/{node}/tasks/{upid}/status", { node: "pve1", upid: u }),
      PveError,
    );
    assertEquals(e.kind, "bad-request");
  }
});

Deno.test("volume ids: real ones pass; a '..' segment, %, \\ or an empty segment is refused", () => {
  for (
    const v of [
      "local:backup/vzdump-qemu-100-2026_01_01-00_00_00.vma.zst",
      "local-lvm:vm-100-disk-0",
      "local:iso/ubuntu-24.04.1-live-server-amd64.iso",
      "local:100/vm-100-disk-0.qcow2",
    ]
  ) assertEquals(checkPathParam("volume", v), undefined, v);
  for (
    const v of ["nas:backup/../../x", "nas:../x", "nas:a/..", "nas:a%2F..", "nas:a\\b", "nas:a//b"]
  ) {
    assert(checkPathParam("volume", v), v);
  }
});
