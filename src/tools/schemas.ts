/**
 * Zod fields shared by tools: node names and VMIDs validated as PVE validates
 * them, so a bad value is refused before any request is made. They take what a
 * model naturally sends: a VMID as a number or a numeric string (`"102"`), an
 * existing guest by name (`vmid: "web01"`, resolved cluster-wide before the
 * tool runs, src/tools/natural_args.ts), enum values in any case and with
 * common synonyms (`"24h"` for `day`).
 *
 * @example
 * ```ts
 * import { looseEnum, nodeName, vmid } from "./schemas.ts";
 * console.log(nodeName.safeParse("pve1").success, nodeName.safeParse("../x").success); // true false
 * console.log(vmid.parse("102"), vmid.parse(102)); // 102 102
 * console.log(looseEnum(["hour", "day"], { "24h": "day" }).parse("24H")); // "day"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { NODE_RE, VMID_MAX, VMID_MIN } from "../proxmox/params.ts";

/**
 * A PVE node name (matched case-insensitively against the cluster before the tool runs).
 * Undescribed: the server instructions explain `node` and `vmid` once for every tool.
 */
export const nodeName = z.string().regex(NODE_RE, {
  message: "must be a PVE node name (letters, digits and '-', as get_nodes lists them)",
});

/** What a guest name may look like: PVE guest names are DNS names. */
export const GUEST_NAME_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,126}[A-Za-z0-9])?$/;

function vmidInput(allowName: boolean) {
  const what = allowName ? "a VMID (e.g. 100) or a guest name" : "a VMID (e.g. 100)";
  return z.union([z.int(), z.string()], { error: `must be ${what}` })
    .transform((v, ctx): number | string => {
      const issue = (message: string) => {
        ctx.issues.push({ code: "custom", message, input: v });
        return z.NEVER;
      };
      let id = v;
      if (typeof v === "string") {
        const t = v.trim();
        if (/^\d+$/.test(t)) id = Number(t);
        // A name: natural_args.ts replaces it by the guest's VMID before the tool runs.
        else if (allowName && GUEST_NAME_RE.test(t)) return t;
        else return issue(`${JSON.stringify(v).slice(0, 80)} is not ${what}`);
      }
      if (typeof id !== "number" || id < VMID_MIN) return issue(`VMIDs start at ${VMID_MIN}`);
      if (id > VMID_MAX) return issue(`VMIDs end at ${VMID_MAX}`);
      return id;
    });
}

const guestRefSchema = vmidInput(true);

/**
 * An existing guest's VMID: a number, a numeric string, or the guest's name. Typed as a number
 * because tools only ever see one: a name is resolved by `resolveNaturalArgs` before `run`.
 */
export const vmid = guestRefSchema as unknown as z.ZodType<number, number | string>;

/** A VMID for a guest that does not exist yet (create, clone, restore target): no names. */
export const newVmid = vmidInput(false) as unknown as z.ZodType<number, number | string>;

/** Whether a tool input field takes an existing guest by name ({@linkcode vmid}, maybe optional). */
export function isGuestRef(schema: z.ZodType): boolean {
  return sameRoot(schema, guestRefSchema);
}

/** Whether a tool input field is a node name ({@linkcode nodeName}, maybe optional). */
export function isNodeRef(schema: z.ZodType): boolean {
  return sameRoot(schema, nodeName);
}

// `.describe()` clones a schema keeping its definition; `.optional()`/`.default()` wrap it.
function sameRoot(schema: z.ZodType, root: z.ZodType): boolean {
  // deno-lint-ignore no-explicit-any
  let s: any = schema;
  while (s?._zod?.def?.innerType) s = s._zod.def.innerType;
  // deno-lint-ignore no-explicit-any
  const r: any = root;
  if (s?._zod?.def === r._zod.def) return true;
  return s?._zod?.def?.type === "pipe" && s._zod.def.in === r._zod.def.in;
}

/**
 * An enum that takes its values in any case and the given synonyms (`{ "24h": "day" }`), so
 * `"Running"` means running. Anything else is refused naming the value and the allowed ones.
 * tools/list shows the canonical values, but not a `.default()` (zod drops it under a
 * preprocess): describe the default where one is set.
 */
export function looseEnum<const T extends readonly [string, ...string[]]>(
  values: T,
  synonyms: Readonly<Record<string, T[number]>> = {},
) {
  const lower = new Map<string, string>(values.map((v) => [v.toLowerCase(), v]));
  for (const [k, v] of Object.entries(synonyms)) lower.set(k.toLowerCase(), v);
  return z.preprocess(
    (v) => (typeof v === "string" ? lower.get(v.toLowerCase()) ?? v : v),
    z.enum(values as unknown as [T[number], ...T[number][]], {
      error: (iss) =>
        `${
          iss.input === undefined
            ? "required,"
            : `${JSON.stringify(iss.input)?.slice(0, 80)} is not`
        } one of ${values.join(", ")}`,
    }),
  );
}

/** An RRD window (`get_metrics`, optimisation): `"24h"`, `"1d"` and `"daily"` mean day. */
export const rrdTimeframe = looseEnum(["hour", "day", "week", "month", "year"], {
  "1h": "hour",
  "60m": "hour",
  hourly: "hour",
  "24h": "day",
  "1d": "day",
  daily: "day",
  "7d": "week",
  "1w": "week",
  weekly: "week",
  "30d": "month",
  "1mo": "month",
  monthly: "month",
  "365d": "year",
  "1y": "year",
  yearly: "year",
});

/** Paging for long listings (undescribed: bounds and defaults say it; next_offset answers). */
export const paging = {
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
};

/** Output fields describing a page. */
export const pageInfo = {
  total: z.number().int().describe("Items matching the filters"),
  returned: z.number().int(),
  offset: z.number().int(),
  next_offset: z.number().int().nullable().describe("Offset of the next page, or null"),
};
