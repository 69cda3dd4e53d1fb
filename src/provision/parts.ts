/**
 * Checked building blocks of create and reconfigure calls: NICs on bridges
 * that exist on the node, new disks on storages that hold the content type
 * and have room, and files (ISO images, container templates) that exist.
 * Each returns the PVE parameters and the check verdicts that went into them.
 *
 * @example
 * ```ts ignore
 * import { nicParams } from "./parts.ts";
 * const { params, checks } = await nicParams(ctx, "pve1", "qemu", [{ bridge: "vmbr0" }], 0, "nics");
 * console.log(params.net0); // "virtio,bridge=vmbr0,firewall=1"
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { CheckResult } from "../safety/policy.ts";
import {
  bridgeCheck,
  loadBridges,
  loadStorages,
  type NodeStorage,
  storageCheck,
} from "./cluster.ts";
import { diskGiB, type NicSpec, nicValue, sizeBytes } from "./validate.ts";
import { storageContent } from "../tools/provisioning/provisioning_read.ts";
import { ActionRefused } from "../safety/target.ts";

/** Parameters and the checks behind them. */
export interface Parts {
  params: Record<string, string>;
  checks: CheckResult[];
}

/** `netN` values from index `start` on, each bridge checked on the node. */
export async function nicParams(
  ctx: ToolContext,
  node: string,
  type: "qemu" | "lxc",
  nics: readonly NicSpec[],
  start: number | readonly number[],
  field: string,
): Promise<Parts> {
  if (!nics.length) return { params: {}, checks: [] };
  const bridges = await loadBridges(ctx, node);
  const params: Record<string, string> = {};
  const checks: CheckResult[] = [];
  nics.forEach((n, i) => {
    const index = typeof start === "number" ? start + i : start[i];
    const f = `${field}[${i}]`;
    try {
      params[`net${index}`] = nicValue(type, n, index, f);
    } catch (e) {
      throw new ActionRefused((e as Error).message, "bad-argument");
    }
    checks.push(bridgeCheck(bridges, node, n.bridge, `${f}.bridge`));
  });
  return { params, checks };
}

/** A new volume: where, how big. */
export interface NewVolume {
  key: string;
  storage: string;
  size: string;
  /** Extra options after the size, e.g. `mp=/data` or `iothread=1`. */
  opts?: string[];
  field: string;
}

/** `key: storage:GiB[,opts]` for each volume, after checking the storages (one GET). */
export async function volumeParams(
  ctx: ToolContext,
  node: string,
  type: "qemu" | "lxc",
  volumes: readonly NewVolume[],
  rows?: NodeStorage[],
): Promise<Parts> {
  if (!volumes.length) return { params: {}, checks: [] };
  const storages = rows ?? await loadStorages(ctx, node);
  const content = type === "qemu" ? "images" : "rootdir";
  const params: Record<string, string> = {};
  const checks: CheckResult[] = [];
  const need = new Map<string, number>();
  for (const v of volumes) need.set(v.storage, (need.get(v.storage) ?? 0) + sizeBytes(v.size));
  for (const v of volumes) {
    params[v.key] = [`${v.storage}:${diskGiB(v.size)}`, ...(v.opts ?? [])].join(",");
    checks.push(storageCheck(storages, node, v.storage, content, v.field, need.get(v.storage)));
  }
  return { params, checks };
}

/** Whether a file volume (`local:iso/x.iso`, `local:vztmpl/y.tar.zst`) exists on the node. */
export async function fileCheck(
  ctx: ToolContext,
  node: string,
  volid: string,
  content: "iso" | "vztmpl" | "backup",
  field: string,
): Promise<CheckResult> {
  const storage = volid.split(":")[0];
  const what = content === "iso"
    ? "ISO image"
    : content === "vztmpl"
    ? "container template"
    : "backup";
  let have: string[] = [];
  try {
    have = (await storageContent(ctx, node, storage, content)).map((i) => i.volid);
  } catch (e) {
    return {
      check: field,
      verdict: "fail",
      detail: `${field}: cannot read storage "${storage}" on ${node} (${(e as Error).message}).`,
    };
  }
  if (have.includes(volid)) {
    return { check: field, verdict: "pass", detail: `${volid} exists on ${node}` };
  }
  return {
    check: field,
    verdict: "fail",
    detail: `${field}: ${what} "${volid}" is not on storage ${storage} of node ${node}` +
      (have.length ? ` (there: ${have.slice(0, 10).join(", ")})` : ` (it has no ${what}s)`) +
      `. list_storage_content content=${content} shows what exists.`,
  };
}
