/**
 * What every tool receives: the PVE client, the configuration, the logger and
 * the redactor.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import type { Logger, Redactor } from "../log.ts";
import type { PveClient } from "../proxmox/client.ts";
import type { AuditSink } from "../safety/audit.ts";
import type { PermissionWatcher } from "../safety/permission_watch.ts";

/** Shared state handed to every tool call. */
export interface ToolContext {
  pve: PveClient;
  config: Config;
  logger: Logger;
  redactor: Redactor;
  /** Where mutating calls are recorded (a null sink when no audit file is configured). */
  audit: AuditSink;
  /** The token's privileges, kept fresh; also the client's pre-send guard. */
  permissions?: PermissionWatcher;
  /** Every configured cluster's context, default first; absent with a single cluster. */
  clusters?: ReadonlyMap<string, ToolContext>;
}
