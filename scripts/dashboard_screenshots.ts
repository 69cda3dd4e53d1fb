/**
 * `deno task screenshots`: renders the dashboard of the demo cluster in
 * headless Chromium (light and dark) into docs/dashboard-light.png and
 * docs/dashboard-dark.png, then measures the page on a generated cluster of
 * 1,000 guests: page size, and the time from the tool result to the first
 * complete render (printed, not asserted).
 *
 * @example
 * ```ts ignore
 * // deno task screenshots
 * ```
 *
 * @module
 */

import { BrowserHost } from "../tests/support/dashboard/cdp_host.ts";
import { startServer } from "../tests/support/harness.ts";
import { buildCluster, DEMO_TOKEN, demoCluster, startSimulator } from "../src/simulator/mod.ts";
import { DASHBOARD_HTML } from "../src/tools/dashboard/view/page.gen.ts";
import type { ClusterState } from "../src/simulator/state.ts";

async function render(
  cluster: ClusterState,
  theme: "light" | "dark",
  shot?: string,
): Promise<number> {
  const sim = await startSimulator({ cluster, tokens: [DEMO_TOKEN] });
  const srv = await startServer({ sim });
  const browser = await BrowserHost.launch();
  try {
    const result = await srv.client.callTool({ name: "show_cluster", arguments: {} });
    const t0 = performance.now();
    await browser.open(DASHBOARD_HTML, theme, result, (p) => srv.client.callTool(p as never));
    await browser.waitFor(() => browser.evalInView("document.body.dataset.ready === '1'"), 2000);
    const ms = performance.now() - t0;
    await browser.waitFor(() =>
      browser.evalInView("document.querySelectorAll('#charts svg').length > 0")
    );
    if (shot) await browser.screenshot(shot);
    if (browser.errors.length || browser.requests.length) {
      throw new Error(
        `errors ${browser.errors.join("; ")} requests ${browser.requests.join(", ")}`,
      );
    }
    return ms;
  } finally {
    await browser.close();
    await srv.close();
    await sim.close();
  }
}

const docs = new URL("../docs/", import.meta.url).pathname;
await render(demoCluster(), "light", `${docs}dashboard-light.png`);
await render(demoCluster(), "dark", `${docs}dashboard-dark.png`);
console.log(`page: ${new TextEncoder().encode(DASHBOARD_HTML).length} bytes`);
const times: number[] = [];
for (let i = 0; i < 3; i++) {
  times.push(await render(buildCluster({ nodes: 10, guests: 1000 }), "light"));
}
console.log(
  `open + first render, 1,000 guests (host page, handshake, tool result): ${
    times.map((t) => t.toFixed(0)).join(", ")
  } ms`,
);
