/**
 * Protection covers a guest's backups too: deleting the only backup of a
 * protected guest is as final as changing the guest. A backup is protected
 * when its owner's VMID is in `safety.protected_vmids`, or its owner still
 * exists and carries a tag in `safety.protected_tags` (a deleted owner's tags
 * are unknown: only its VMID can protect its backups then).
 *
 * @example
 * ```ts ignore
 * import { backupOwnerCheck } from "./backup_protection.ts";
 * const check = await backupOwnerCheck(ctx, 100, "vzdump-qemu-100-2026_01_01-00_00_00.vma.zst");
 * if (check.verdict === "fail") console.log(check.detail);
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import { checkProtected, type CheckResult } from "./policy.ts";
import { ActionRefused, resolveGuest } from "./target.ts";

/**
 * The `protected` check of a change to a backup of `owner` (one GET for the owner's tags);
 * `volid` names the one backup, or, when absent, the check speaks of all the guest's backups.
 */
export async function backupOwnerCheck(
  ctx: ToolContext,
  owner: number,
  volid?: string,
): Promise<CheckResult> {
  const guest = await resolveGuest(ctx, { vmid: owner }).catch((e) => {
    if (e instanceof ActionRefused && e.code === "not-found") return undefined;
    throw e;
  });
  const type = volid && /vzdump-lxc-/.test(volid) ? "lxc" : "qemu";
  const check = checkProtected(
    guest ?? { vmid: owner, type, name: null, tags: [] },
    ctx.config.safety,
  );
  if (check.verdict !== "fail") {
    return { check: "protected", verdict: "pass", detail: "the backup's guest is not protected" };
  }
  const subject = volid
    ? `${volid} is a backup of a protected guest, so it is protected too`
    : `The backups of VMID ${owner} are protected (no delete_backup, no restore_backup over ` +
      "the guest)";
  return { check: "protected", verdict: "fail", detail: `${subject}: ${check.detail}` };
}
