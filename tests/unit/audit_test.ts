import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { FileAuditLog, GENESIS } from "../../src/safety/audit.ts";
import { verifyAuditFiles } from "../../src/safety/audit_verify.ts";
import { Redactor } from "../../src/log.ts";
import { runCli } from "../support/harness.ts";

const SECRET = "aaaabbbb-cccc-dddd-eeee-ffff00001111";

async function writeTrail(dir: string, n: number, maxBytes?: number) {
  const redactor = new Redactor();
  redactor.add(SECRET);
  const log = new FileAuditLog(`${dir}/audit.jsonl`, redactor, { maxBytes });
  for (let i = 0; i < n; i++) {
    await log.record({
      tool: "stop_vm",
      outcome: "ok",
      target: { node: "pve1", vmid: 100 + i },
      args: { note: `token ${SECRET}` },
    });
  }
  return `${dir}/audit.jsonl`;
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-audit-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const lines = async (p: string) => (await Deno.readTextFile(p)).split("\n").filter(Boolean);
const save = (p: string, ls: string[]) => Deno.writeTextFile(p, ls.join("\n") + "\n");

Deno.test("a clean trail verifies; lines carry seq and prev from genesis; secrets redacted", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 5);
    const ls = await lines(path);
    assertEquals(ls.length, 5);
    const first = JSON.parse(ls[0]);
    assertEquals([first.seq, first.prev], [1, GENESIS]);
    assert(!ls.join("\n").includes(SECRET), "the secret is redacted");
    const r = await verifyAuditFiles([path]);
    assertEquals([r.ok, r.lines], [true, 5]);
  }));

Deno.test("an edited line is named", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 5);
    const ls = await lines(path);
    ls[2] = ls[2].replace('"outcome":"ok"', '"outcome":"refused"');
    await save(path, ls);
    const r = await verifyAuditFiles([path]);
    assertEquals(r.ok, false);
    assertEquals([r.problem?.kind, r.problem?.line], ["edited", 3]);
  }));

Deno.test("a removed line is named", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 5);
    const ls = await lines(path);
    ls.splice(1, 1);
    await save(path, ls);
    const r = await verifyAuditFiles([path]);
    assertEquals([r.problem?.kind, r.problem?.line], ["removed", 2]);
    assertStringIncludes(r.problem!.message, "seq 2 was removed");
  }));

Deno.test("reordered lines are named", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 5);
    const ls = await lines(path);
    [ls[1], ls[2]] = [ls[2], ls[1]];
    await save(path, ls);
    const r = await verifyAuditFiles([path]);
    assertEquals([r.problem?.kind, r.problem?.line], ["reordered", 2]);
  }));

Deno.test("an inserted line is named, even with a correct prev hash", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 4);
    const ls = await lines(path);
    const forged = JSON.parse(ls[1]);
    const { lineHash } = await import("../../src/safety/audit.ts");
    forged.seq = 3;
    forged.prev = await lineHash(ls[1]);
    forged.tool = "start_vm";
    ls.splice(2, 0, JSON.stringify(forged));
    await save(path, ls);
    const r = await verifyAuditFiles([path]);
    assertEquals(r.ok, false);
    assertEquals(r.problem?.kind, "inserted");
  }));

Deno.test("a torn last line is reported as a crash, not tampering, and the chain continues", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 3);
    await Deno.writeTextFile(path, '{"seq":4,"ts":"2026-', { append: true });
    const r = await verifyAuditFiles([path]);
    assertEquals(r.ok, true);
    assertEquals(r.torn?.line, 4);
    // A new writer chains from the last complete line; the torn fragment is its own line.
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.slice(0, text.lastIndexOf("\n") + 1));
    await writeTrail(dir, 1);
    assertEquals((await verifyAuditFiles([path])).ok, true);
  }));

Deno.test("rotation keeps one chain across files; the newer file alone is flagged", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 40, 4096);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert(names.length >= 2, `rotated: ${names}`);
    const rotated = names.filter((n) => n !== "audit.jsonl").map((n) => `${dir}/${n}`);
    const all = await verifyAuditFiles([...rotated, path]);
    assertEquals([all.ok, all.lines], [true, 40]);
    const alone = await verifyAuditFiles([path]);
    assertEquals(alone.problem?.kind, "start");
  }));

Deno.test("audit verify CLI: exit 0 when intact, 1 with the first broken line", () =>
  withDir(async (dir) => {
    const path = await writeTrail(dir, 3);
    const ok = await runCli(["audit", "verify", path]);
    assertEquals(ok.code, 0, ok.stderr);
    assertStringIncludes(ok.stdout, "OK: 3 lines, chain intact");
    const ls = await lines(path);
    ls[0] = ls[0].replace("pve1", "pve2");
    await save(path, ls);
    const bad = await runCli(["audit", "verify", path]);
    assertEquals(bad.code, 1);
    assertStringIncludes(bad.stdout, "BROKEN: line 1");
    const tail = await runCli(["audit", "tail", path, "-n", "2"]);
    assertEquals(tail.code, 0);
    assertEquals(tail.stdout.trim().split("\n").length, 2);
    assertStringIncludes(tail.stdout, "stop_vm");
  }));
