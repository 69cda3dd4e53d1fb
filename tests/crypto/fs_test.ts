/** Atomic writes and backups: an interrupted write leaves the original intact. */

import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { backupFile, timestamp, writeFileAtomic } from "../../src/cli/keys_fs.ts";
import { withTempDir } from "./helpers.ts";

async function names(dir: string): Promise<string[]> {
  const out = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("interrupted write (fault before rename) leaves the original byte for byte", async () => {
  await withTempDir(async (dir) => {
    const original = new TextEncoder().encode('{ "a": 1 }\r\n');
    await Deno.writeFile(`${dir}/c.json`, original, { mode: 0o640 });
    await Deno.chmod(`${dir}/c.json`, 0o640);
    let tempSeen = "";
    await assertRejects(
      () =>
        writeFileAtomic(`${dir}/c.json`, "new content", {
          beforeRename: async (tmp) => {
            tempSeen = tmp;
            assertEquals(await Deno.readTextFile(tmp), "new content"); // complete, not yet in place
            throw new Error("simulated crash");
          },
        }),
      Error,
    );
    assert(tempSeen.startsWith(`${dir}/.c.json.tmp-`));
    assertEquals(await Deno.readFile(`${dir}/c.json`), original);
    assertEquals(await names(dir), ["c.json"]); // temp file removed
  });
});

Deno.test("a successful write keeps the file's mode; new files default to 0600", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/c.json`, "old");
    await Deno.chmod(`${dir}/c.json`, 0o640);
    await writeFileAtomic(`${dir}/c.json`, "new");
    assertEquals(await Deno.readTextFile(`${dir}/c.json`), "new");
    assertEquals((await Deno.stat(`${dir}/c.json`)).mode! & 0o777, 0o640);
    await writeFileAtomic(`${dir}/k`, "key");
    assertEquals((await Deno.stat(`${dir}/k`)).mode! & 0o777, 0o600);
  });
});

Deno.test("backups: exact bytes, mode 0600, never overwritten", async () => {
  await withTempDir(async (dir) => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d, 0x0d, 0x0a]);
    await Deno.writeFile(`${dir}/c.json`, bytes);
    const stamp = timestamp(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
    assertEquals(stamp, "20250102T030405Z");
    const a = await backupFile(`${dir}/c.json`, stamp);
    const b = await backupFile(`${dir}/c.json`, stamp);
    assertEquals(a, `${dir}/c.json.bak-20250102T030405Z`);
    assertEquals(b, `${dir}/c.json.bak-20250102T030405Z-1`);
    assertEquals(await Deno.readFile(a), bytes);
    if (Deno.build.os !== "windows") assertEquals((await Deno.stat(a)).mode! & 0o777, 0o600);
  });
});
