/**
 * The shape of the dashboard's data (`show_cluster`'s structured content),
 * as a zod output schema and its type. The view reads exactly this.
 *
 * @example
 * ```ts
 * import { pictureShape } from "./picture.ts";
 * console.log(Object.keys(pictureShape).includes("guests")); // true
 * ```
 *
 * @module
 */

import { z } from "zod/v4";

const action = z.enum(["start", "shutdown", "reboot", "snapshot"]);
const task = z.object({
  upid: z.string(),
  node: z.string(),
  type: z.string(),
  id: z.string(),
  user: z.string(),
  starttime: z.number(),
  exitstatus: z.string().nullable(),
});

/** Output shape of `show_cluster`. */
export const pictureShape = {
  overview: z.object({
    name: z.string().nullable(),
    quorate: z.boolean().nullable(),
    nodes_online: z.number().int(),
    nodes_total: z.number().int(),
  }),
  nodes: z.array(z.object({
    name: z.string(),
    online: z.boolean(),
    cpu: z.number().describe("fraction 0..1"),
    maxcpu: z.number(),
    mem: z.number(),
    maxmem: z.number(),
    uptime: z.number().describe("seconds"),
  })),
  guests: z.array(z.object({
    vmid: z.number().int(),
    type: z.enum(["qemu", "lxc"]),
    name: z.string().nullable(),
    node: z.string(),
    status: z.string(),
    tags: z.array(z.string()),
    template: z.boolean(),
    lock: z.string().nullable(),
    cpu: z.number(),
    maxcpu: z.number(),
    mem: z.number(),
    maxmem: z.number(),
    disk: z.number(),
    maxdisk: z.number(),
    uptime: z.number(),
    actions: z.array(action).describe("buttons the view may offer for this guest"),
  })),
  storage: z.array(z.object({
    storage: z.string(),
    node: z.string(),
    status: z.string(),
    shared: z.boolean(),
    used: z.number(),
    total: z.number(),
  })),
  tasks: z.object({ running: z.array(task), failed: z.array(task) }),
  ha: z.object({
    master: z.string().nullable(),
    services: z.number().int(),
    error: z.array(z.string()),
  }).nullable(),
  read_only: z.boolean(),
  actions: z.array(action).describe("actions this server offers the view at all"),
  warnings: z.array(z.string()),
};

/** `show_cluster`'s structured content. */
export type Picture = z.infer<z.ZodObject<typeof pictureShape>>;
