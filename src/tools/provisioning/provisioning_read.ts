/**
 * Read tools of the "provisioning" toolset: the next free VMID, the VM and
 * container templates of the cluster, and what a node's storages hold (ISO
 * images, container templates, backups, guest volumes).
 *
 * @example
 * ```ts
 * import { nextVmid } from "./provisioning_read.ts";
 * console.log(nextVmid.name, nextVmid.annotations.readOnlyHint); // next_vmid true
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { newVmid, nodeName } from "../schemas.ts";
import { asArray, asBool, asNumber, asString, asTags, guestVmid } from "../../proxmox/lenient.ts";
import { freeVmid } from "../../provision/cluster.ts";
import { optIn } from "./provisioning_common.ts";
import { STORAGE_RE } from "../../proxmox/params.ts";
import type { ToolContext } from "../../core/context.ts";
import { humanSize } from "../../provision/validate.ts";

/** `next_vmid`. */
export const nextVmid = defineTool({
  name: "next_vmid",
  title: "Next free VMID",
  description: "The next free VMID of the cluster, or whether a given VMID is free (and the " +
    "next free one if not). create_vm, create_container, clone_guest and restore_backup also " +
    "pick one themselves when vmid is left out.",
  toolset: "provisioning",
  privileges: [],
  enabledWhen: optIn("provisioning"),
  annotations: READ_ONLY,
  input: { vmid: newVmid.optional().describe("Check this VMID instead") },
  output: {
    vmid: z.number().int(),
    free: z.boolean(),
    next_free: z.number().int(),
  },
  async run(args, ctx) {
    const next = Number(await ctx.pve.get("/cluster/nextid"));
    if (args.vmid === undefined) {
      return {
        structured: { vmid: next, free: true, next_free: next },
        text: `Next free VMID: ${next}.`,
      };
    }
    const { check } = await freeVmid(ctx, args.vmid);
    const free = check.verdict === "pass";
    return {
      structured: { vmid: args.vmid, free, next_free: next },
      text: free ? `VMID ${args.vmid} is free.` : check.detail,
    };
  },
});

/** `list_templates`. */
export const listTemplates = defineTool({
  name: "list_templates",
  title: "List VM and container templates",
  description: "Guests marked as templates (the sources of clone_guest), cluster-wide, with " +
    "node, disk size and tags. Container OS templates to create containers from are files on " +
    "storages: list_storage_content content=vztmpl.",
  toolset: "provisioning",
  privileges: ["VM.Audit"],
  enabledWhen: optIn("provisioning"),
  annotations: READ_ONLY,
  input: {},
  output: {
    templates: z.array(z.object({
      vmid: z.number().int(),
      name: z.string().nullable(),
      type: z.enum(["qemu", "lxc"]),
      node: z.string(),
      maxdisk: z.number().nullable().describe("Bytes"),
      maxmem: z.number().nullable().describe("Bytes"),
      tags: z.array(z.string()),
    })),
  },
  async run(_args, ctx) {
    const rows = asArray(await ctx.pve.get("/cluster/resources", { type: "vm" }), "resources");
    const templates = rows.filter((r) => asBool(r.template)).map((r) => ({
      vmid: guestVmid(r) ?? 0,
      name: asString(r.name) ?? null,
      type: r.type === "lxc" ? "lxc" as const : "qemu" as const,
      node: asString(r.node) ?? "?",
      maxdisk: asNumber(r.maxdisk) ?? null,
      maxmem: asNumber(r.maxmem) ?? null,
      tags: asTags(r.tags),
    })).sort((a, b) => a.vmid - b.vmid);
    const text = templates.length
      ? templates.map((t) =>
        `${t.vmid} ${t.name ?? ""} (${t.type === "qemu" ? "VM" : "CT"} template on ${t.node}` +
        `${t.maxdisk ? `, disk ${humanSize(t.maxdisk)}` : ""})`
      ).join("\n")
      : "No templates in this cluster (or none the token may see).";
    return { structured: { templates }, text };
  },
});

const CONTENT = ["iso", "vztmpl", "backup", "images", "rootdir"] as const;

/** A storage content item as the tools report it. */
export const ContentItem = z.object({
  volid: z.string(),
  storage: z.string(),
  node: z.string(),
  content: z.string(),
  format: z.string().nullable(),
  size: z.number().nullable().describe("Bytes"),
  ctime: z.string().nullable().describe("ISO 8601"),
  vmid: z.number().int().nullable(),
  notes: z.string().nullable(),
});

/** Content of one storage on one node, mapped to {@link ContentItem}s. */
export async function storageContent(
  ctx: ToolContext,
  node: string,
  storage: string,
  content?: string,
  vmidFilter?: number,
): Promise<z.infer<typeof ContentItem>[]> {
  const rows = asArray(
    await ctx.pve.get("/nodes/{node}/storage/{storage}/content", {
      node,
      storage,
      content,
      vmid: vmidFilter,
    }),
    "GET /nodes/{node}/storage/{storage}/content",
  );
  return rows.map((r) => {
    const ctime = asNumber(r.ctime);
    return {
      volid: asString(r.volid) ?? "?",
      storage,
      node,
      content: asString(r.content) ?? "?",
      format: asString(r.format) ?? null,
      size: asNumber(r.size) ?? null,
      ctime: ctime ? new Date(ctime * 1000).toISOString() : null,
      vmid: guestVmid(r) ?? null,
      notes: asString(r.notes) ?? null,
    };
  });
}

/** `list_storage_content`. */
export const listStorageContent = defineTool({
  name: "list_storage_content",
  title: "List storage content",
  description: "Files and volumes on a node's storages: ISO images (content iso, for create_vm " +
    "iso), container templates (vztmpl, for create_container), backups, VM disks (images), " +
    "container volumes (rootdir). Without storage: every active storage of the node holding " +
    "that content type.",
  toolset: "provisioning",
  privileges: ["Datastore.Audit", "Datastore.AllocateSpace"],
  enabledWhen: optIn("provisioning"),
  annotations: READ_ONLY,
  input: {
    node: nodeName,
    content: z.enum(CONTENT).describe("What to list"),
    storage: z.string().regex(STORAGE_RE, { message: "must be a storage id such as local" })
      .optional().describe("One storage (default: all of the node that hold the content)"),
  },
  output: { items: z.array(ContentItem), storages: z.array(z.string()) },
  async run(args, ctx) {
    const storages = args.storage ? [args.storage] : asArray(
      await ctx.pve.get("/nodes/{node}/storage", {
        node: args.node,
        content: args.content,
        enabled: true,
      }),
      "GET /nodes/{node}/storage",
    ).filter((r) => asBool(r.active)).map((r) => asString(r.storage) ?? "?");
    const items = (await Promise.all(
      storages.map((s) => storageContent(ctx, args.node, s, args.content)),
    )).flat();
    const text = items.length
      ? items.map((i) =>
        `${i.volid}${i.size ? ` (${humanSize(i.size)})` : ""}${i.ctime ? ` ${i.ctime}` : ""}`
      ).join("\n")
      : `No ${args.content} content on ${storages.join(", ") || "any storage of " + args.node}.`;
    return { structured: { items, storages }, text };
  },
});
