/**
 * Regenerates `src/proxmox/endpoints_table.ts` from the official schema
 * (`../shared/pve/apidoc.json`) for the endpoints listed below: the facts the
 * client, the permission model and the simulator rely on, and nothing else.
 *
 * Run: `deno run --allow-read --allow-write scripts/gen_endpoints.ts`
 */

const USED = `
GET /version
GET /access/permissions
GET /cluster/resources
GET /cluster/status
GET /cluster/tasks
GET /cluster/nextid
GET /cluster/options
GET /cluster/ha/resources
GET /cluster/ha/status/current
GET /cluster/ha/status/manager_status
GET /cluster/backup
GET /cluster/backup-info/not-backed-up
GET /cluster/firewall/options
GET /cluster/firewall/rules
GET /pools
GET /pools/{poolid}
GET /storage
GET /nodes
GET /nodes/{node}/status
GET /nodes/{node}/version
GET /nodes/{node}/qemu
GET /nodes/{node}/lxc
GET /nodes/{node}/storage
GET /nodes/{node}/storage/{storage}/status
GET /nodes/{node}/storage/{storage}/content
GET /nodes/{node}/storage/{storage}/rrddata
DELETE /nodes/{node}/storage/{storage}/content/{volume}
GET /nodes/{node}/rrddata
GET /nodes/{node}/tasks
GET /nodes/{node}/tasks/{upid}/status
GET /nodes/{node}/tasks/{upid}/log
DELETE /nodes/{node}/tasks/{upid}
GET /nodes/{node}/apt/update
GET /nodes/{node}/firewall/options
GET /nodes/{node}/firewall/rules
GET /nodes/{node}/network
POST /nodes/{node}/vzdump
POST /nodes/{node}/qemu
GET /nodes/{node}/qemu/{vmid}/status/current
POST /nodes/{node}/qemu/{vmid}/status/start
POST /nodes/{node}/qemu/{vmid}/status/stop
POST /nodes/{node}/qemu/{vmid}/status/shutdown
POST /nodes/{node}/qemu/{vmid}/status/reboot
POST /nodes/{node}/qemu/{vmid}/status/reset
POST /nodes/{node}/qemu/{vmid}/status/suspend
POST /nodes/{node}/qemu/{vmid}/status/resume
GET /nodes/{node}/qemu/{vmid}/config
POST /nodes/{node}/qemu/{vmid}/config
PUT /nodes/{node}/qemu/{vmid}/config
PUT /nodes/{node}/qemu/{vmid}/resize
POST /nodes/{node}/qemu/{vmid}/move_disk
PUT /nodes/{node}/qemu/{vmid}/cloudinit
GET /nodes/{node}/qemu/{vmid}/snapshot
POST /nodes/{node}/qemu/{vmid}/snapshot
POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback
DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}
GET /nodes/{node}/qemu/{vmid}/rrddata
GET /nodes/{node}/qemu/{vmid}/firewall/options
GET /nodes/{node}/qemu/{vmid}/firewall/rules
POST /nodes/{node}/qemu/{vmid}/agent/exec
GET /nodes/{node}/qemu/{vmid}/agent/exec-status
GET /nodes/{node}/qemu/{vmid}/agent/get-osinfo
GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces
POST /nodes/{node}/qemu/{vmid}/agent/ping
POST /nodes/{node}/qemu/{vmid}/clone
POST /nodes/{node}/qemu/{vmid}/migrate
POST /nodes/{node}/qemu/{vmid}/template
DELETE /nodes/{node}/qemu/{vmid}
POST /nodes/{node}/lxc
GET /nodes/{node}/lxc/{vmid}/status/current
POST /nodes/{node}/lxc/{vmid}/status/start
POST /nodes/{node}/lxc/{vmid}/status/stop
POST /nodes/{node}/lxc/{vmid}/status/shutdown
POST /nodes/{node}/lxc/{vmid}/status/reboot
POST /nodes/{node}/lxc/{vmid}/status/suspend
POST /nodes/{node}/lxc/{vmid}/status/resume
GET /nodes/{node}/lxc/{vmid}/config
PUT /nodes/{node}/lxc/{vmid}/config
PUT /nodes/{node}/lxc/{vmid}/resize
POST /nodes/{node}/lxc/{vmid}/move_volume
GET /nodes/{node}/lxc/{vmid}/snapshot
POST /nodes/{node}/lxc/{vmid}/snapshot
POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback
DELETE /nodes/{node}/lxc/{vmid}/snapshot/{snapname}
GET /nodes/{node}/lxc/{vmid}/rrddata
GET /nodes/{node}/lxc/{vmid}/firewall/options
GET /nodes/{node}/lxc/{vmid}/firewall/rules
GET /nodes/{node}/lxc/{vmid}/interfaces
POST /nodes/{node}/lxc/{vmid}/clone
POST /nodes/{node}/lxc/{vmid}/migrate
POST /nodes/{node}/lxc/{vmid}/template
DELETE /nodes/{node}/lxc/{vmid}
`.trim().split("\n").map((l) => l.trim()).filter(Boolean);

interface SchemaNode {
  path: string;
  info?: Record<string, SchemaMethod>;
  children?: SchemaNode[];
}
interface SchemaMethod {
  parameters?: { properties?: Record<string, Record<string, unknown>> };
  permissions?: Record<string, unknown>;
  protected?: number;
  proxyto?: string;
  returns?: { type?: string };
}

const schemaPath = new URL("../../shared/pve/apidoc.json", import.meta.url);
const tree: SchemaNode[] = JSON.parse(await Deno.readTextFile(schemaPath));
const index = new Map<string, SchemaMethod>();
const walk = (n: SchemaNode) => {
  for (const [m, info] of Object.entries(n.info ?? {})) index.set(`${m} ${n.path}`, info);
  for (const c of n.children ?? []) walk(c);
};
tree.forEach(walk);

const KEEP = ["type", "optional", "enum", "minimum", "maximum", "format", "pattern", "maxLength"];
const rows: string[] = [];
for (const key of USED) {
  const info = index.get(key);
  if (!info) throw new Error(`not in the schema: ${key}`);
  const [method, path] = key.split(" ");
  const params: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(info.parameters?.properties ?? {})) {
    const p: Record<string, unknown> = {};
    for (const k of KEEP) {
      if (spec[k] === undefined) continue;
      // Only simple string formats are kept; complex property-string formats are objects.
      if (k === "format" && typeof spec[k] !== "string") continue;
      if (k === "optional") p[k] = spec[k] === 1;
      // The schema writes some bounds as strings ("0.1"): keep numbers as numbers.
      else if (k === "minimum" || k === "maximum" || k === "maxLength") p[k] = Number(spec[k]);
      else p[k] = spec[k];
    }
    params[name] = p;
  }
  const entry = {
    method,
    path,
    params,
    permissions: info.permissions ?? null,
    protected: info.protected === 1,
    proxyto: info.proxyto ?? null,
    returns: info.returns?.type ?? "null",
  };
  rows.push(`  ${JSON.stringify(entry)},`);
}

const out = `// Generated by scripts/gen_endpoints.ts from the Proxmox VE ${"9.1.3"} API schema.
// Do not edit by hand: add the endpoint to the script's list and run it again.
// deno-fmt-ignore-file

import type { EndpointSpec } from "./endpoints.ts";

/** The PVE API endpoints this project calls, with their schema facts. */
export const ENDPOINT_TABLE: readonly EndpointSpec[] = [
${rows.join("\n")}
];
`;
await Deno.writeTextFile(new URL("../src/proxmox/endpoints_table.ts", import.meta.url), out);
console.log(`wrote ${rows.length} endpoints`);
