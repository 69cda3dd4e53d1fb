/**
 * The official MCP conformance referee
 * (`@modelcontextprotocol/conformance@0.2.0-alpha.12`, run with Deno) against
 * the real server over HTTP on the simulator: every 2026-07-28 scenario a
 * real server can pass, and the 2025-11-25 basics, in both HTTP modes.
 * `server-stateless` may fail only the checks that need the suite's own
 * fixture tools (named below); every other scenario must pass whole.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { probeReferee, reportMissingReferee, runReferee } from "../support/referee.ts";
import { startHttpProcess } from "../support/http_harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";

const MODERN = [
  "server-stateless",
  "caching",
  "http-header-validation",
  "dns-rebinding-protection",
  "tools-list",
  "prompts-list",
  "resources-list",
  "sep-2164-resource-not-found",
  "input-required-result-unsupported-methods",
  "input-required-result-validate-input",
];
const LEGACY = ["server-initialize", "tools-list", "ping", "dns-rebinding-protection"];

/** server-stateless checks that call the suite's fixture tools (test_*), which we do not ship. */
const FIXTURE_CHECKS = new Set([
  "sep-2575-server-rejects-undeclared-capability",
  "sep-2575-missing-capability-http-400",
  "sep-2575-http-server-no-independent-requests-on-stream",
  "sep-2575-server-no-log-without-loglevel",
]);

interface Verdict {
  passed: number;
  total: number;
  failures: string[];
  output: string;
}

async function referee(url: string, scenario: string, spec: string): Promise<Verdict> {
  const { output } = await runReferee([
    "server",
    "--url",
    url,
    "--scenario",
    scenario,
    "--spec-version",
    spec,
  ]);
  const m = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(output);
  assert(m, `no verdict from the referee for ${scenario}:\n${output.slice(-2000)}`);
  const failures = [
    ...new Set([...output.matchAll(/\[([a-z0-9-]+)\s*\] FAILURE/g)].map((f) => f[1])),
  ];
  return { passed: Number(m[1]), total: Number(m[2]), failures, output };
}

const probe = await probeReferee();
reportMissingReferee("the conformance referee", probe);
const available = probe.ok;

for (const stateless of [true, false]) {
  Deno.test({
    name: `conformance referee, HTTP ${stateless ? "stateless" : "stateful"} mode`,
    ignore: !available,
    async fn(t) {
      const sim = await startSimulator({ cluster: demoCluster() });
      const srv = await startHttpProcess({
        config: configFor(sim, undefined, { logging: { level: "WARNING" }, http: { stateless } }),
      });
      try {
        for (const scenario of MODERN) {
          await t.step(`2026-07-28 ${scenario}`, async () => {
            const v = await referee(srv.url, scenario, "2026-07-28");
            const allowed = scenario === "server-stateless" ? FIXTURE_CHECKS : new Set<string>();
            const unexpected = v.failures.filter((f) => !allowed.has(f));
            assertEquals(unexpected, [], v.output.slice(-3000));
            assertEquals(v.total - v.passed, v.failures.length, "every failure is named");
            assert(v.passed > 0, "some checks ran");
          });
        }
        for (const scenario of LEGACY) {
          await t.step(`2025-11-25 ${scenario}`, async () => {
            const v = await referee(srv.url, scenario, "2025-11-25");
            assertEquals(v.failures, [], v.output.slice(-3000));
            assertEquals(v.passed, v.total);
          });
        }
      } finally {
        await srv.close();
        await sim.close();
      }
    },
  });
}
