/**
 * MCP Apps (`io.modelcontextprotocol/ui`): the dashboard view as a `ui://`
 * resource. `show_cluster` links to it with `_meta.ui.resourceUri`; a host
 * that renders apps reads it once and shows it in a sandboxed iframe with
 * the tool's result. The page is one self-contained document (built by
 * `deno task build:dashboard`, committed as a TS string so the compiled
 * binary reads no file) and declares no domain at all: every byte of data
 * comes through MCP, the page never talks to PVE or anywhere else.
 *
 * @example
 * ```ts ignore
 * registerApps(server);
 * ```
 *
 * @module
 */

import type { McpServer } from "./sdk.ts";
import { DASHBOARD_URI } from "../tools/dashboard/uri.ts";

/** MIME type of an MCP App document (ext-apps' RESOURCE_MIME_TYPE). */
export const APP_MIME_TYPE = "text/html;profile=mcp-app";

/** `_meta.ui` of the dashboard resource: no connect, resource or frame domain. */
export const DASHBOARD_UI_META = {
  csp: { connectDomains: [], resourceDomains: [], frameDomains: [] },
  prefersBorder: true,
};

/** Registers the dashboard view's resource. */
export function registerApps(server: McpServer): void {
  server.registerResource("dashboard", DASHBOARD_URI, {
    title: "Cluster dashboard",
    description: "Interactive view of show_cluster's result (MCP Apps hosts render it).",
    mimeType: APP_MIME_TYPE,
    _meta: { ui: DASHBOARD_UI_META },
  }, async (uri: URL) => ({
    contents: [{
      uri: uri.href,
      mimeType: APP_MIME_TYPE,
      // 17 KB of page, read once per host: not part of start-up.
      text: (await import("../tools/dashboard/view/page.gen.ts")).DASHBOARD_HTML,
      _meta: { ui: DASHBOARD_UI_META },
    }],
  }));
}
