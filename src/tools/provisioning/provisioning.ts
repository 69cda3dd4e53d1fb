/**
 * The opt-in toolsets "provisioning" (create, clone, reconfigure, resize,
 * move, migrate, delete guests; templates; storage content) and "backups"
 * (list, vzdump, restore, delete). Both are offered only when
 * `tools.enabled_toolsets` names them, and never in read-only mode (their
 * mutating tools; the read tools stay).
 *
 * @example
 * ```ts
 * import { PROVISIONING_TOOLS } from "./provisioning.ts";
 * console.log(PROVISIONING_TOOLS.length); // 13
 * ```
 *
 * @module
 */

import type { AnyTool } from "../../core/tool.ts";
import { listStorageContent, listTemplates, nextVmid } from "./provisioning_read.ts";
import { createContainer, createVm } from "./provisioning_create.ts";
import { cloneGuest, convertToTemplate, setCloudinit } from "./provisioning_clone.ts";
import { reconfigureGuest } from "./provisioning_config.ts";
import { moveDisk, resizeDisk } from "./provisioning_disks.ts";
import { deleteGuest, migrateGuest } from "./provisioning_migrate.ts";

export { BACKUP_TOOLS } from "../backups/backups.ts";

/** The provisioning tools in listing order. */
export const PROVISIONING_TOOLS: readonly AnyTool[] = [
  nextVmid,
  listTemplates,
  listStorageContent,
  createVm,
  createContainer,
  cloneGuest,
  convertToTemplate,
  setCloudinit,
  reconfigureGuest,
  resizeDisk,
  moveDisk,
  migrateGuest,
  deleteGuest,
];
