import { configFor } from "../tests/support/harness.ts";
import { buildCluster, startSimulator } from "../tests/support/simulator/mod.ts";
import { toolCases } from "./cases.ts";
import { spawnOurs } from "./spawn.ts";
for (const spec of [{ nodes: 8, guests: 100 }, { nodes: 32, guests: 2000 }]) {
  const sim = await startSimulator({ cluster: buildCluster(spec) });
  const srv = await spawnOurs(configFor(sim, undefined, { logging: { level: "WARNING" } }));
  const { cases, skipped } = toolCases(srv.tools, sim.state);
  const res: string[] = [];
  for (const c of cases) {
    const b = sim.requests.length;
    const r = await srv.client.callTool({ name: c.tool, arguments: c.args }) as any;
    const reqs = sim.requests.slice(b);
    const paths: Record<string, number> = {};
    for (const q of reqs) paths[q.method + " " + q.path.replace(/node\d+/g, "{node}").replace(/\/\d{3,}/g, "/{vmid}")] = (paths[q.method + " " + q.path.replace(/node\d+/g, "{node}").replace(/\/\d{3,}/g, "/{vmid}")] ?? 0) + 1;
    res.push(`${c.label} ${JSON.stringify(c.args)} n=${reqs.length} err=${r.isError ? r.content[0].text.slice(0, 80) : ""} ${JSON.stringify(paths)}`);
  }
  console.log(`== ${spec.nodes}/${spec.guests}`); console.log(res.join("\n")); console.log("skipped", JSON.stringify(skipped));
  await srv.close(); await sim.close();
}
