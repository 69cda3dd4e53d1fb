/** `proxmox.timeout_ms`: accepted from 1,000 ms, with a warning below PVE's ~3 s 401 delay. */

import { assert, assertEquals, assertStringIncludes, assertThrows } from "../support/assert.ts";
import { validateConfig } from "../../src/config/load.ts";
import { createPveClient } from "../../src/runtime.ts";
import { Logger, Redactor } from "../../src/log.ts";

const doc = (timeout_ms: unknown) => ({
  proxmox: { host: "pve.example.com", timeout_ms },
  auth: { user: "mcp@pve", token_name: "mcp", token_value: "0f9e8d7c-6b5a-4321-8fed-cba987654321" },
});

async function warningsFor(timeout: number): Promise<string> {
  const config = validateConfig(doc(timeout));
  const file = await Deno.makeTempFile();
  try {
    const logger = new Logger({ level: "INFO", file, redactor: new Redactor(), stderr: false });
    const pve = await createPveClient(config, config, logger);
    pve.close();
    logger.close();
    return await Deno.readTextFile(file);
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("timeout_ms 2000 is accepted with a warning naming PVE's delayed 401", async () => {
  assertEquals(validateConfig(doc(2000)).proxmox.timeout_ms, 2000);
  const log = await warningsFor(2000);
  assertStringIncludes(log, "proxmox.timeout_ms is 2000 ms");
  assertStringIncludes(log, "3 s");
});

Deno.test("timeout_ms 3500 and more gives no warning", async () => {
  assert(!(await warningsFor(3500)).includes("timeout_ms"));
});

Deno.test("timeout_ms under 1000 is refused, naming the field and the value", () => {
  const e = assertThrows(() => validateConfig(doc(999)), Error);
  assertStringIncludes(e.message, "proxmox.timeout_ms");
  assertStringIncludes(e.message, "999");
});
