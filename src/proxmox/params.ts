/**
 * Path parameters checked the way PVE checks them, before any URL is built:
 * a model's string never reaches a path unchecked (PVE decodes `%2F` before
 * routing, so `a%2F..%2Fx` would otherwise address another endpoint).
 *
 * @example
 * ```ts
 * import { checkPathParam } from "./params.ts";
 * console.log(checkPathParam("node", "pve1")); // undefined (valid)
 * console.log(checkPathParam("node", "../x")); // a message saying why not
 * ```
 *
 * @module
 */

/** PVE's `pve-node` format: a DNS label. */
export const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
/** PVE's `pve-storage-id` format (no regex flags: zod publishes the pattern without them). */
export const STORAGE_RE = /^[A-Za-z][A-Za-z0-9\-_.]*[A-Za-z0-9]$/;
/** PVE's `pve-configid` format for snapshot names (max 40; `current` reserved). */
export const SNAPNAME_RE = /^[a-zA-Z][a-zA-Z0-9_-]{1,39}$/;
/**
 * A UPID task id, `UPID:node:pid:pstart:starttime:type:id:user:`. Allow-listed field by field:
 * PVE itself only excludes `:` and spaces, which would let `/`, `%` or `..` through into the
 * path (PVE decodes `%2F` before routing); no real type, id or user@realm!token needs them.
 */
export const UPID_RE =
  /^UPID:[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?:[0-9A-Fa-f]{8,16}:[0-9A-Fa-f]{8,16}:[0-9A-Fa-f]{8,16}:[A-Za-z0-9_.-]+:[A-Za-z0-9_.@!+=~-]*:[A-Za-z0-9_.@!+=~-]+:$/;
/** Pool ids. */
export const POOL_RE = /^[A-Za-z0-9\-_]+$/;
/** Smallest and largest VMID PVE accepts. */
export const VMID_MIN = 100;
export const VMID_MAX = 999_999_999;

/**
 * A volume id such as `local:backup/vzdump-qemu-100.vma.zst`: storage, then path segments of
 * file-name characters; no `..` segment, no `%`, `\`, `?` or `#` (they would shape the URL).
 */
const VOLUME_RE =
  /^[A-Za-z][A-Za-z0-9\-_.]*[A-Za-z0-9]:(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9_.+=@,~()-]+(?:\/[A-Za-z0-9_.+=@,~()-]+)*$/;

const CHECKS: Record<string, (v: string) => string | undefined> = {
  node: (v) => NODE_RE.test(v) ? undefined : "must be a PVE node name (letters, digits, '-')",
  vmid: (v) => {
    const n = Number(v);
    return /^\d+$/.test(v) && n >= VMID_MIN && n <= VMID_MAX
      ? undefined
      : `must be a whole number from ${VMID_MIN} to ${VMID_MAX}`;
  },
  storage: (v) => STORAGE_RE.test(v) ? undefined : "must be a PVE storage id",
  snapname: (v) =>
    SNAPNAME_RE.test(v) && v !== "current" && v !== "pending"
      ? undefined
      : "must start with a letter, then letters, digits, '_' or '-' (2-40 characters)",
  upid: (v) => UPID_RE.test(v) ? undefined : "must be a PVE task id (UPID:node:...)",
  poolid: (v) => POOL_RE.test(v) ? undefined : "must be a pool id",
  volume: (v) => VOLUME_RE.test(v) ? undefined : "must be a volume id such as local:backup/file",
};

/** Why `value` is not a valid `name` path parameter, or `undefined` when it is. */
export function checkPathParam(name: string, value: string): string | undefined {
  const check = CHECKS[name];
  if (!check) return `unknown path parameter {${name}}`;
  return check(value);
}
