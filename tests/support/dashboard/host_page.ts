/// <reference lib="dom" />
/**
 * The browser side of the test host: the real ext-apps `AppBridge` talking
 * to the dashboard in a sandboxed `srcdoc` iframe (as MCP Apps hosts embed
 * views), with the view's tool calls handed to the test process through the
 * CDP binding `hostCall` and answered through `__reply`. Bundled by
 * cdp_host.ts at test time.
 *
 * @example
 * ```ts ignore
 * await __start(html, "dark", toolResult);
 * ```
 *
 * @module
 */

import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

declare const hostCall: (payload: string) => void;
type Json = Record<string, unknown>;
const g = globalThis as unknown as Record<string, unknown>;
const pending = new Map<number, (v: Json) => void>();
let next = 0;

g.__reply = (id: number, json: string) => {
  pending.get(id)?.(JSON.parse(json));
  pending.delete(id);
};

g.__start = async (html: string, theme: "light" | "dark", result: Json) => {
  const iframe = document.createElement("iframe");
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.style.cssText = "width:100%;height:1500px;border:0;display:block";
  document.body.append(iframe);
  const bridge = new AppBridge(null, { name: "cdp-test-host", version: "1" }, {
    serverTools: {},
  }, { hostContext: { theme, platform: "web" } });
  bridge.oncalltool = (params) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve as (v: Json) => void);
      hostCall(JSON.stringify({ id, params }));
    });
  const initialized = new Promise<void>((r) => (bridge.oninitialized = () => r()));
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  iframe.srcdoc = html;
  await initialized;
  await bridge.sendToolInput({ arguments: {} });
  await bridge.sendToolResult(result as Parameters<typeof bridge.sendToolResult>[0]);
  g.__bridge = bridge;
  return "started";
};

g.__theme = (theme: "light" | "dark") => {
  (g.__bridge as AppBridge).setHostContext({ theme, platform: "web" });
};
