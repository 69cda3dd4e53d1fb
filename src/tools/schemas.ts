/**
 * Zod fields shared by tools: node names and VMIDs validated as PVE validates
 * them, so a bad value is refused before any request is made.
 *
 * @example
 * ```ts
 * import { nodeName } from "./schemas.ts";
 * console.log(nodeName.safeParse("pve1").success, nodeName.safeParse("../x").success); // true false
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { NODE_RE, VMID_MAX, VMID_MIN } from "../proxmox/params.ts";

/** A PVE node name. */
export const nodeName = z.string().regex(NODE_RE, {
  message: "must be a PVE node name (letters, digits and '-', as get_nodes lists them)",
}).describe("Node name as get_nodes lists it, e.g. pve1");

/** A VMID. */
export const vmid = z.number().int().min(VMID_MIN, { message: `VMIDs start at ${VMID_MIN}` })
  .max(VMID_MAX, { message: `VMIDs end at ${VMID_MAX}` })
  .describe("Numeric guest id (VMID), e.g. 100");

/** Paging for long listings. */
export const paging = {
  limit: z.number().int().min(1).max(1000).default(100)
    .describe("Most items to return (1-1000, default 100)"),
  offset: z.number().int().min(0).default(0).describe("Items to skip, for the next page"),
};

/** Output fields describing a page. */
export const pageInfo = {
  total: z.number().int().describe("Items matching the filters"),
  returned: z.number().int(),
  offset: z.number().int(),
  next_offset: z.number().int().nullable().describe("Offset of the next page, or null"),
};
