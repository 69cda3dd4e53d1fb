import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { FileAuditLog, lineHash } from "../../src/safety/audit.ts";
import { verifyAuditFiles, verifyTrail } from "../../src/safety/audit_verify.ts";
import { Redactor } from "../../src/log.ts";
import { runCli } from "../support/harness.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-audit-key-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function trail(dir: string, opts: { maxBytes?: number; keyed?: boolean } = {}) {
  return new FileAuditLog(`${dir}/audit.jsonl`, new Redactor(), {
    maxBytes: opts.maxBytes,
    keyFile: opts.keyed === false ? undefined : `${dir}/audit.key`,
  });
}

async function write(log: FileAuditLog, n: number, from = 100) {
  for (let i = 0; i < n; i++) {
    await log.record({ tool: "stop_vm", outcome: "ok", target: { node: "pve1", vmid: from + i } });
  }
}

const lines = async (p: string) => (await Deno.readTextFile(p)).split("\n").filter(Boolean);
const save = (p: string, ls: string[]) => Deno.writeTextFile(p, ls.join("\n") + "\n");
const key = async (dir: string) => {
  const { loadAuditKey } = await import("../../src/safety/audit_key.ts");
  return loadAuditKey(`${dir}/audit.key`, false);
};

Deno.test("keyed trail: lines carry kid and mac, the key file is 0600 and verifies", () =>
  withDir(async (dir) => {
    await write(trail(dir), 4);
    const ls = await lines(`${dir}/audit.jsonl`);
    assert(ls.every((l) => /"kid":"[0-9a-f]{16}","mac":"[0-9a-f]{64}"\}$/.test(l)), ls[0]);
    assertEquals((await Deno.stat(`${dir}/audit.key`)).mode! & 0o777, 0o600);
    const r = await verifyTrail(`${dir}/audit.jsonl`, { key: await key(dir) });
    assertEquals([r.ok, r.lines, r.sealed], [true, 4, { lines: 4, checked: true }]);
    assertEquals(r.head?.seq, 4);
  }));

Deno.test("attacker: a record deleted and the chain recomputed with SHA-256 is caught by the MAC", () =>
  withDir(async (dir) => {
    await write(trail(dir), 5);
    const path = `${dir}/audit.jsonl`;
    const ls = (await lines(path)).map((l) => JSON.parse(l));
    ls.splice(2, 1); // the record of VM 102 disappears
    let prev = "0".repeat(64);
    const forged: string[] = [];
    for (const [i, rec] of ls.entries()) {
      const line = JSON.stringify({ ...rec, seq: i + 1, prev });
      forged.push(line);
      prev = await lineHash(line);
    }
    await save(path, forged);
    // The plain chain is consistent again: only the key tells.
    assertEquals((await verifyAuditFiles([path])).ok, true);
    const r = await verifyAuditFiles([path], { key: await key(dir) });
    assertEquals([r.ok, r.problem?.kind, r.problem?.line], [false, "forged", 3]);
    // Stripping every MAC (a downgrade) is caught too.
    const stripped = forged.map((l) => {
      const o = JSON.parse(l);
      delete o.mac;
      delete o.kid;
      return JSON.stringify(o);
    });
    await save(path, stripped);
    const s = await verifyAuditFiles([path], { key: await key(dir) });
    assertEquals(s.problem?.kind, "unsealed");
  }));

Deno.test("attacker: a line sealed with another key is named as such", () =>
  withDir(async (dir) => {
    await write(trail(dir), 2);
    const other = await Deno.makeTempDir({ prefix: "pmcp-audit-other-" });
    try {
      await Deno.copyFile(`${dir}/audit.jsonl`, `${other}/audit.jsonl`);
      await write(trail(other), 1); // appended under a different, fresh key
      const r = await verifyTrail(`${other}/audit.jsonl`, { key: await key(dir) });
      assertEquals([r.problem?.kind, r.problem?.line], ["other-key", 3]);
    } finally {
      await Deno.remove(other, { recursive: true });
    }
  }));

Deno.test("rotation: verifyTrail finds every file and orders them by seq, whatever their names", () =>
  withDir(async (dir) => {
    await write(trail(dir, { maxBytes: 4096 }), 60);
    const rotated = [...Deno.readDirSync(dir)].map((e) => e.name)
      .filter((n) => /^audit\.jsonl\.\d+$/.test(n)).sort();
    assert(rotated.length >= 3, `rotated: ${rotated}`);
    const k = await key(dir);
    assertEquals((await verifyTrail(`${dir}/audit.jsonl`, { key: k })).ok, true);
    // logrotate-style renames reverse the name order: .1 is the newest rotation.
    rotated.reverse().forEach((n, i) =>
      Deno.renameSync(`${dir}/${n}`, `${dir}/audit.jsonl.${i + 1}`)
    );
    await Deno.writeTextFile(`${dir}/audit.jsonl.9.gz`, "\x1f\x8b not text");
    const r = await verifyTrail(`${dir}/audit.jsonl`, { key: k });
    assertEquals([r.ok, r.lines], [true, 60], r.problem?.message);
    assertEquals(r.skipped, [`${dir}/audit.jsonl.9.gz`]);
    // A missing old file is still reported.
    await Deno.remove(`${dir}/audit.jsonl.${rotated.length}`);
    assertEquals((await verifyTrail(`${dir}/audit.jsonl`, { key: k })).problem?.kind, "start");
  }));

Deno.test("two processes appending to one file keep one chain (lock)", () =>
  withDir(async (dir) => {
    const script = `
      import { FileAuditLog } from "${new URL("../../src/safety/audit.ts", import.meta.url)}";
      import { Redactor } from "${new URL("../../src/log.ts", import.meta.url)}";
      const log = new FileAuditLog(Deno.args[0], new Redactor(), { keyFile: Deno.args[1] });
      for (let i = 0; i < 25; i++) await log.record({ tool: "start_vm", outcome: "ok" });
    `;
    await Deno.writeTextFile(`${dir}/writer.ts`, script);
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${dir}/writer.ts`, `${dir}/audit.jsonl`, `${dir}/audit.key`],
        stdout: "null",
      }).output();
    // The key exists first: both writers must use the same one.
    await write(trail(dir), 1);
    const outs = await Promise.all([run(), run(), run()]);
    assert(outs.every((o) => o.success), new TextDecoder().decode(outs[0].stderr));
    const r = await verifyTrail(`${dir}/audit.jsonl`, { key: await key(dir) });
    assertEquals([r.ok, r.lines], [true, 76], r.problem?.message);
  }));

Deno.test("model-controlled text: separators and controls are escaped in the file and in tail", () =>
  withDir(async (dir) => {
    const log = trail(dir);
    const evil = "web\u2028#99 2026-01-01 ok start_vm\x1b[2J\u0085\u202egnp.exe\nforged";
    await log.record({ tool: "stop_vm", outcome: "refused", reason: evil, target: { vmid: 101 } });
    const raw = await Deno.readTextFile(`${dir}/audit.jsonl`);
    assertEquals(raw.split("\n").length, 2, "one record, one line");
    // deno-lint-ignore no-control-regex -- looking for the raw ESC is the point
    assert(!/[\u2028\u2029\u0085\u202e\x1b]/.test(raw), raw);
    assertEquals(JSON.parse(raw).reason, evil, "the text itself is kept exactly");
    assertEquals((await verifyTrail(`${dir}/audit.jsonl`, { key: await key(dir) })).ok, true);
    for (const json of [false, true]) {
      const t = await runCli(["audit", "tail", `${dir}/audit.jsonl`, ...(json ? ["--json"] : [])]);
      assertEquals(t.code, 0, t.stderr);
      assertEquals(t.stdout.trim().split("\n").length, 1, t.stdout);
      // deno-lint-ignore no-control-regex -- looking for the raw ESC is the point
      assert(!/[\u2028\u2029\u0085\u202e\x1b\r]/.test(t.stdout), JSON.stringify(t.stdout));
    }
  }));

Deno.test("audit verify CLI: needs the key for a sealed trail; finds rotations; exit codes", () =>
  withDir(async (dir) => {
    const path = `${dir}/audit.jsonl`;
    await write(trail(dir, { maxBytes: 4096 }), 40);
    const cfg = `${dir}/config.json`;
    await Deno.writeTextFile(
      cfg,
      JSON.stringify({
        proxmox: { host: "pve.example" },
        auth: { user: "mcp@pve", token_name: "mcp", token_value: crypto.randomUUID() },
        audit: { file: path, key_file: `${dir}/audit.key` },
      }),
    );
    const ok = await runCli(["audit", "verify", "--config", cfg]);
    assertEquals(ok.code, 0, ok.stdout + ok.stderr);
    assertStringIncludes(ok.stdout, "OK: 40 lines, chain intact, 40 MACs valid");
    // `dir/*`: name order, the key and lock files and the config among them.
    const files = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`).sort();
    const noKey = await runCli(["audit", "verify", ...files]);
    assertEquals(noKey.code, 1);
    assertStringIncludes(noKey.stdout, "give it (--audit-key");
    const glob = await runCli(["audit", "verify", "--audit-key", `${dir}/audit.key`, ...files]);
    assertEquals(glob.code, 0, glob.stdout);
    const head = await runCli(["audit", "head", "--config", cfg]);
    assertEquals(JSON.parse(head.stdout).seq, 40);
    const wrong = await runCli(["audit", "verify", "--audit-key", `${dir}/nope.key`, path]);
    assertEquals(wrong.code, 2);
    assertStringIncludes(wrong.stderr, "nope.key cannot be read");
  }));
