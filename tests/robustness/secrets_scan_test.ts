/**
 * Secret hygiene, end to end: a representative session (every listed tool,
 * valid and hostile arguments, API failures, a revoked token, a refused
 * privilege, a mutating call that writes the audit trail), with DEBUG logging
 * to a file, an audit file, and the token encrypted under a master key. Then
 * every byte produced — raw stdout (all tool outputs), stderr, the log file,
 * the audit files, the config file, the CLI's own output — is searched for the
 * token value, the HTTP bearer token and the master key. Zero hits is asserted.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { configFor, runCli } from "../support/harness.ts";
import { fuzzCases, type JsonSchema, Rng } from "../support/fuzz.ts";
import { SecretScan } from "../support/secret_scan.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { ownToken, revokeToken } from "./helpers.ts";
import { spawnRaw } from "./raw_stdio.ts";

Deno.test("the scanner finds a planted secret in every form it checks", () => {
  const secret = "8d9f6d2e-3c1b-4a5f-9e7d-2b4c6a8e0f13";
  const scan = new SecretScan({ token: secret });
  scan.addText("raw", `Authorization: PVEAPIToken=u@pve!t=${secret}`);
  scan.addText("url", `x=${encodeURIComponent(`a b${secret}`)}`);
  scan.addText("base64", btoa(secret));
  scan.addText("clean", "nothing here");
  const sources = new Set(scan.hits().map((h) => h.source));
  assertEquals([...sources].sort(), ["base64", "raw", "url"]);
  let threw = false;
  try {
    scan.assertClean();
  } catch (e) {
    threw = true;
    assert(!(e as Error).message.includes(secret), "the failure message hides the value");
  }
  assert(threw);
});

Deno.test("secrets: zero hits across stdout, stderr, logs, audit and CLI output", async () => {
  const token = ownToken();
  const secret = token.secret;
  const bearer = "http-bearer-7c1d9e2f4a6b8c0d";
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  simActions(sim.state).durationMs = 20;
  const dir = await Deno.makeTempDir({ prefix: "pmcp-secrets-" });
  const keyFile = `${dir}/master.key`;
  const configPath = `${dir}/config.json`;
  const logFile = `${dir}/logs/server.log`;
  const auditDir = `${dir}/audit`;
  await Deno.mkdir(`${dir}/logs`);
  await Deno.mkdir(auditDir);
  const cliOut: string[] = [];
  try {
    const gen = await runCli(["generate-key", "--key-file", keyFile]);
    assertEquals(gen.code, 0, gen.stderr);
    cliOut.push(gen.stdout, gen.stderr);
    const masterKey = (await Deno.readTextFile(keyFile)).trim();
    const doc = configFor(sim, token, {
      logging: { level: "DEBUG", file: logFile },
      audit: { file: `${auditDir}/audit.jsonl` },
      http: { tokens: [{ name: "ops", token: bearer }] },
    });
    await Deno.writeTextFile(configPath, JSON.stringify(doc));
    const enc = await runCli(["encrypt-config", configPath, "--key-file", keyFile]);
    assertEquals(enc.code, 0, enc.stderr);
    cliOut.push(enc.stdout, enc.stderr);
    // encrypt-config keeps a plain backup by design ("delete it once the server works").
    for await (const e of Deno.readDir(dir)) {
      if (e.name.startsWith("config.json.bak")) await Deno.remove(`${dir}/${e.name}`);
    }
    const encrypted = await Deno.readTextFile(configPath);
    assert(encrypted.includes("enc:v1:"), "the token is stored encrypted");

    const p = spawnRaw({ configPath, args: ["--key-file", keyFile] });
    let calls = 0;
    try {
      await p.initialize();
      const tools = (await p.request("tools/list", {})).result.tools as Array<
        { name: string; inputSchema: JsonSchema }
      >;
      const guests = [...sim.state.guests.values()];
      const hints = {
        node: [...sim.state.nodes.keys()],
        vmid: guests.map((g) => g.vmid),
        storage: [...sim.state.storages.keys()],
        confirm: [true],
        wait: [true],
        timeout_s: [5],
      };
      const rng = new Rng(7);
      for (const tool of tools) {
        // Valid arguments first (real answers and, for actions, audit entries), then hostile.
        for (const c of fuzzCases(tool.inputSchema, rng, 4, hints)) {
          const r = await p.request("tools/call", { name: tool.name, arguments: c.args }, 30_000);
          assert(r.result || r.error, `${tool.name}: an answer`);
          calls++;
        }
      }
      // Actions the audit trail must hold whatever the fuzz cases drew: a start, a snapshot,
      // a confirmed hard stop, on a guest the fuzzing left stopped and unlocked.
      const target = [...sim.state.guests.values()].find((g) =>
        g.status === "stopped" && !g.template && !g.lock &&
        !(g.tags ?? "").includes("protected") && sim.state.nodes.get(g.node)?.online
      )!;
      for (
        const [name, args] of [
          ["guest_power", { action: "start" }],
          ["guest_snapshot", { action: "create", snapname: "secret_scan" }],
          ["guest_power", { action: "stop", confirm: true }],
        ] as const
      ) {
        const r = await p.request("tools/call", {
          name,
          arguments: { vmid: target.vmid, ...args },
        }, 30_000);
        assert(!r.result?.isError, `${name} ${args.action}: ${JSON.stringify(r).slice(0, 300)}`);
        calls++;
      }
      sim.inject({ kind: "status", status: 500, match: { path: "/nodes" }, times: 1 });
      sim.inject({ kind: "malformed", match: { path: "/cluster/resources" }, times: 1 });
      for (const name of ["get_nodes", "get_vms"]) {
        await p.request("tools/call", { name, arguments: {} });
        calls++;
      }
      const kept = revokeToken(token);
      const denied = await p.request("tools/call", { name: "get_nodes", arguments: {} });
      assert(denied.result.isError, "a revoked token is an error");
      token.secret = kept;
      calls++;
    } finally {
      assertEquals(await p.close(), 0);
    }

    const cliCall = await runCli([
      "--config",
      configPath,
      "--key-file",
      keyFile,
      "call",
      "get_nodes",
    ]);
    assertEquals(cliCall.code, 0, cliCall.stderr);
    const cliCheck = await runCli(["--config", configPath, "--key-file", keyFile, "check"]);
    cliOut.push(cliCall.stdout, cliCall.stderr, cliCheck.stdout, cliCheck.stderr);

    const scan = new SecretScan({
      "token value": secret,
      "http bearer token": bearer,
      "master key": masterKey,
      "master key (base64)": masterKey.replace(/-/g, "+").replace(/_/g, "/"),
    });
    scan.addText("server stdout (every tool output)", p.stdout());
    scan.addText("server stderr", p.stderr());
    scan.addText("CLI output", cliOut.join("\n"));
    await scan.addFile("log file", logFile);
    const auditFiles = await scan.addDir("audit", auditDir);
    await scan.addFile("config file", configPath);

    // The scan must have had something to look at, or zero hits would prove nothing.
    const log = await Deno.readTextFile(logFile);
    assert(log.includes("pve request"), "DEBUG request lines were logged");
    const audit = scan.sources.filter((x) => x.label.startsWith("audit"))
      .flatMap((x) => x.text.split("\n").filter((l) => l.trim()));
    assert(auditFiles >= 1 && audit.length >= 3, `audit entries written: ${audit.length}`);
    const audited = new Set(audit.map((l) => (JSON.parse(l) as { tool: string }).tool));
    assert(audited.has("guest_power") && audited.has("guest_snapshot"), [...audited].join());
    assert(p.stdout().length > 10_000, "tool outputs were captured");
    const hits = scan.hits();
    console.log(
      `secret scan: ${calls} tool calls over ${scan.sources.length} sources ` +
        `(${Math.round(scan.bytesScanned / 1024)} KB, ${audit.length} audit entries): ` +
        `${hits.length} hits`,
    );
    scan.assertClean();
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
