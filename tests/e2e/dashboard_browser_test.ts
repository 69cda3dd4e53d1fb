/**
 * The dashboard in a real headless Chromium, inside a host page that uses
 * ext-apps' AppBridge (tests/support/dashboard/): the view gets a real
 * `show_cluster` result from the demo simulator, shows every node and the
 * right counts, draws a chart from `dashboard_metrics`, and a click on
 * "Shut down" sends the app-only `dashboard_action`, which asks the user
 * (elicitation) before anything is sent. No script error, no network
 * request. Skipped, saying why, when chromium is not installed.
 *
 * @module
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, startServer } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { ElicitRequestSchema } from "../support/sdk_client.ts";
import { RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { BrowserHost, findChromium } from "../support/dashboard/cdp_host.ts";
import { auditLines, mutations } from "./action_support.ts";

const chromium = findChromium();
if (!chromium) {
  console.warn(
    "dashboard_browser_test skipped: chromium is not installed (apt-get install -y chromium)",
  );
}

Deno.test({
  name: "dashboard renders in Chromium through AppBridge, charts, and asks before a shutdown",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-dash-" });
  const auditFile = `${dir}/audit.jsonl`;
  const srv = await startServer({
    sim,
    config: { audit: { file: auditFile } },
    // A host that renders MCP Apps says so; only then are the app-only tools listed.
    clientCapabilities: {
      elicitation: {},
      extensions: { "io.modelcontextprotocol/ui": { mimeTypes: ["text/html;profile=mcp-app"] } },
    },
  });
  const browser = await BrowserHost.launch();
  try {
    const asked: Record<string, unknown>[] = [];
    // deno-lint-ignore no-explicit-any
    srv.client.setRequestHandler(ElicitRequestSchema, (req: any) => {
      asked.push(req.params);
      return { action: "decline" };
    });
    const { tools } = await srv.client.listTools();
    const show = tools.find((t) => t.name === "show_cluster")!;
    const uri = (show._meta as { ui: { resourceUri: string } }).ui.resourceUri;
    assertEquals(uri, "ui://proxmox/dashboard");
    const action = tools.find((t) => t.name === "dashboard_action")!;
    assertEquals((action._meta as { ui: { visibility: string[] } }).ui.visibility, ["app"]);
    const res = await srv.client.readResource({ uri });
    const doc = res.contents[0] as unknown as {
      mimeType: string;
      text: string;
      _meta: { ui: { csp: { connectDomains: string[] } } };
    };
    assertEquals(doc.mimeType, RESOURCE_MIME_TYPE);
    assertEquals(doc._meta.ui.csp.connectDomains, []);

    const result = await call(srv, "show_cluster");
    const pic = result.structuredContent as {
      nodes: { name: string; online: boolean }[];
      guests: { vmid: number }[];
    };
    const calls: string[] = [];
    await browser.open(doc.text, "light", result, async (params) => {
      calls.push(String(params.name));
      return await srv.client.callTool(
        params as { name: string; arguments: Record<string, unknown> },
      );
    });
    await browser.waitFor(() => browser.evalInView("document.body.dataset.ready === '1'"));

    const nodes = await browser.evalInView(
      "[...document.querySelectorAll('#nodes .node')].map((n) => [n.dataset.node, n.classList.contains('offline'), n.textContent.includes('OFFLINE')])",
    );
    assertEquals(nodes, pic.nodes.map((n) => [n.name, !n.online, !n.online]));
    assertEquals(
      await browser.evalInView("document.querySelector('[data-testid=guest-count]').textContent"),
      `${pic.guests.length} of ${pic.guests.length} guests`,
    );
    assertEquals(
      await browser.evalInView("document.querySelector('[data-testid=nodes-online]').textContent"),
      "2/3 nodes online",
    );

    // The chart: the view asked dashboard_metrics through the host and drew its points.
    await browser.waitFor(() =>
      browser.evalInView("document.querySelectorAll('#charts svg path.line').length >= 4")
    );
    assert(calls.includes("dashboard_metrics"), calls.join());
    assert(
      Number(await browser.evalInView("document.getElementById('charts').dataset.points")) > 2,
    );

    // Filter by search: only matching guests stay.
    await browser.evalInView(
      "(() => { const i = document.querySelector('input[type=search]'); i.value = 'web0'; i.dispatchEvent(new Event('input')); })()",
    );
    assertEquals(
      await browser.evalInView("document.querySelector('[data-testid=guest-count]').textContent"),
      `2 of ${pic.guests.length} guests`,
    );

    // A click on "Shut down" for web01 (VM 100): the app-only tool, then the user is asked.
    const before = mutations(sim.requests).length;
    await browser.evalInView(
      "document.querySelector('button.act.shutdown[data-vmid=\"100\"]').click()",
    );
    await browser.waitFor(() => Promise.resolve(asked.length > 0));
    await browser.waitFor(() =>
      browser.evalInView(
        "document.getElementById('status').className.includes('ok') || document.getElementById('status').className.includes('error')",
      )
    );
    assert(calls.includes("dashboard_action"), calls.join());
    assertStringIncludes(JSON.stringify(asked[0]), "100");
    assertEquals(mutations(sim.requests).length, before, "declined: nothing was sent to PVE");
    const status = String(
      await browser.evalInView("document.getElementById('status').textContent"),
    );
    assertStringIncludes(status, "shutdown VM 100");
    const audit = await auditLines(auditFile);
    const last = audit.at(-1);
    assertEquals([last.tool, last.args?.action, last.target?.vmid], [
      "guest_power",
      "shutdown",
      100,
    ]);
    assertEquals(last.detail?.origin, "app");

    // Theme from the host: dark switches the page's palette.
    await browser.evalInHost("__theme('dark')");
    await browser.waitFor(() =>
      browser.evalInView("document.documentElement.dataset.theme === 'dark'")
    );

    assertEquals(browser.errors, [], "no script error");
    assertEquals(browser.requests, [], "the page made no network request");
  } finally {
    await browser.close();
    await srv.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
