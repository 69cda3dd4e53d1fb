/**
 * Lenient readers for PVE values: booleans arrive as 0/1 (or "1"), numbers
 * sometimes as strings. Tools read through these, then validate what they rely on.
 *
 * @example
 * ```ts
 * import { asBool, asNumber } from "./lenient.ts";
 * console.log(asBool(1), asBool("0"), asNumber("42")); // true false 42
 * ```
 *
 * @module
 */

import { PveError } from "./errors.ts";

/** A number from a number or numeric string; `undefined` otherwise. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A boolean from true/false, 0/1 or "0"/"1". */
export function asBool(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || v === "true";
}

/** A non-empty string, or `undefined`. */
export function asString(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;
}

/** PVE tags ("prod;web" or "prod,web" or "prod web") as a list. */
export function asTags(v: unknown): string[] {
  return typeof v === "string" ? v.split(/[;, ]+/).filter(Boolean) : [];
}

/** The `data` of a listing, which must be an array. */
export function asArray(v: unknown, what: string): Record<string, unknown>[] {
  if (!Array.isArray(v)) {
    throw new PveError(
      "bad-response",
      `PVE answered ${what} with ${typeof v} where a list was expected`,
    );
  }
  return v.filter((x) => x && typeof x === "object") as Record<string, unknown>[];
}

/** The `data` of a single object answer. */
export function asObject(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    throw new PveError(
      "bad-response",
      `PVE answered ${what} with ${
        Array.isArray(v) ? "a list" : typeof v
      } where an object was expected`,
    );
  }
  return v as Record<string, unknown>;
}

/**
 * The VMID of a guest row: `vmid` (number or numeric string), else the row's `id`
 * (`"qemu/100"`, `"lxc/101"`), which some PVE answers carry alone; `undefined` when neither does.
 */
export function guestVmid(r: Record<string, unknown>): number | undefined {
  const direct = asNumber(r.vmid);
  if (direct !== undefined) return direct;
  const m = typeof r.id === "string" ? /^(?:qemu|lxc)\/(\d+)$/.exec(r.id) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * A `/cluster/resources` row's guest kind: its `type`, else the prefix of its `id`
 * (`"lxc/105"`); `undefined` for rows that are no guest (node, storage, pool, sdn).
 */
export function guestKind(r: Record<string, unknown>): "qemu" | "lxc" | undefined {
  const t = asString(r.type) ?? (typeof r.id === "string" ? r.id.split("/")[0] : undefined);
  return t === "qemu" || t === "lxc" ? t : undefined;
}

/**
 * The error a guest agent answered inside a 200 (`{result: {error: {class, desc}}}`,
 * QMP's error shape), as one line; `undefined` when the answer is not an error.
 */
export function agentReplyError(raw: unknown): string | undefined {
  const result = (raw as { result?: unknown } | null)?.result;
  const err = (result as { error?: unknown } | null)?.error;
  if (!err || typeof err !== "object") return undefined;
  const e = err as Record<string, unknown>;
  const cls = asString(e.class) ?? "error";
  return `${cls}${asString(e.desc) ? `: ${asString(e.desc)}` : ""}`;
}
