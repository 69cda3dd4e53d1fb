/**
 * The dashboard view's `ui://` address, on its own so the MCP layer can
 * register the resource at start-up without loading the tool behind it.
 *
 * @example
 * ```ts
 * import { DASHBOARD_URI } from "./uri.ts";
 * console.log(DASHBOARD_URI); // ui://proxmox/dashboard
 * ```
 *
 * @module
 */

/** The dashboard view's resource. */
export const DASHBOARD_URI = "ui://proxmox/dashboard";
