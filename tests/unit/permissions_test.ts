import { assert, assertEquals } from "../support/assert.ts";
import { grantHint, PermissionSnapshot } from "../../src/safety/permissions.ts";
import { endpoint } from "../../src/proxmox/endpoints.ts";

const auditor = new PermissionSnapshot({
  "/": { "Sys.Audit": 1, "VM.Audit": 1, "Datastore.Audit": 1 },
});
const vmUserOn100 = new PermissionSnapshot({
  "/vms/100": { "VM.PowerMgmt": 0, "VM.Audit": 0 },
  "/vms": { "VM.Audit": 1 },
  "/storage/local": { "Datastore.Audit": 0 },
});

Deno.test("privileges propagate only where PVE says they do", () => {
  assert(auditor.has("/vms/123", "VM.Audit"));
  assert(vmUserOn100.has("/vms/100", "VM.PowerMgmt"));
  assert(!vmUserOn100.has("/vms/101", "VM.PowerMgmt"));
  assert(vmUserOn100.has("/vms/101", "VM.Audit"), "propagated from /vms");
  assert(!vmUserOn100.has("/vms100", "VM.Audit"), "a prefix is not an ancestor");
  assert(!vmUserOn100.has("/storage/local/x", "Datastore.Audit"), "no propagate flag");
  assert(vmUserOn100.holdsAnywhere("VM.PowerMgmt"));
  assert(!auditor.holdsAnywhere("VM.PowerMgmt"));
});

Deno.test("schema checks from the endpoint table are evaluated with path parameters", () => {
  const start = endpoint("POST", "/nodes/{node}/qemu/{vmid}/status/start").permissions?.check;
  assertEquals(vmUserOn100.missing(start, { node: "pve1", vmid: 100 }), undefined);
  assertEquals(vmUserOn100.missing(start, { node: "pve1", vmid: 101 }), {
    path: "/vms/101",
    privileges: ["VM.PowerMgmt"],
    any: false,
  });
  const nodeStatus = endpoint("GET", "/nodes/{node}/status").permissions?.check;
  assertEquals(auditor.missing(nodeStatus, { node: "pve1" }), undefined);
  assertEquals(vmUserOn100.missing(nodeStatus, { node: "pve1" })?.path, "/nodes/pve1");
});

Deno.test("and/or/any combinations", () => {
  const snap = new PermissionSnapshot({ "/vms/5": { "VM.Config.Disk": 0 } });
  assertEquals(
    snap.missing(["perm", "/vms/{vmid}", ["VM.Config.Disk", "VM.Config.CPU"], "any", 1], {
      vmid: 5,
    }),
    undefined,
  );
  assertEquals(
    snap.missing(
      ["and", ["perm", "/vms/{vmid}", ["VM.Config.Disk"]], ["perm", "/", ["Sys.Audit"]]],
      { vmid: 5 },
    )?.path,
    "/",
  );
  assertEquals(
    snap.missing(
      ["or", ["perm", "/", ["Sys.Audit"]], ["perm", "/vms/{vmid}", ["VM.Config.Disk"]]],
      { vmid: 5 },
    ),
    undefined,
  );
  assertEquals(snap.missing(["userid-param", "self"], {}), undefined, "left to PVE");
});

Deno.test("the grant hint names the path, the token and a role that has the privilege", () => {
  const hint = grantHint("mcp@pve!mcp", {
    path: "/vms/101",
    privileges: ["VM.PowerMgmt"],
    any: false,
  });
  assertEquals(hint, "pveum acl modify /vms/101 --tokens 'mcp@pve!mcp' --roles PVEVMUser");
});

Deno.test("fingerprints change only when privileges change", () => {
  const a = new PermissionSnapshot({ "/": { "VM.Audit": 1, "Sys.Audit": 1 } });
  const b = new PermissionSnapshot({ "/": { "Sys.Audit": 1, "VM.Audit": 1 } });
  const c = new PermissionSnapshot({ "/": { "Sys.Audit": 1 } });
  assertEquals(a.fingerprint, b.fingerprint);
  assert(a.fingerprint !== c.fingerprint);
  const d = new PermissionSnapshot({ "/": { "VM.Audit": 0, "Sys.Audit": 1 } });
  assert(a.fingerprint !== d.fingerprint, "propagation matters");
});
