import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import {
  formatBytes,
  formatDuration,
  formatPercent,
  formatUsage,
  ratio,
} from "../../src/format/units.ts";
import { formatGuestList } from "../../src/format/guests.ts";
import { formatNodeList } from "../../src/format/nodes.ts";
import { Logger, Redactor } from "../../src/log.ts";

Deno.test("bytes use binary prefixes", () => {
  assertEquals(formatBytes(0), "0 B");
  assertEquals(formatBytes(1536), "1.5 KiB");
  assertEquals(formatBytes(34359738368), "32 GiB");
  assertEquals(formatBytes(undefined), "n/a");
});

Deno.test("percent, usage, ratio", () => {
  assertEquals(formatPercent(0.1234), "12.3%");
  assertEquals(formatUsage(2 * 1024 ** 3, 8 * 1024 ** 3), "2 GiB / 8 GiB (25%)");
  assertEquals(ratio(1, 3), 0.3333);
  assertEquals(ratio(1, 0), null);
});

Deno.test("durations keep the three largest units", () => {
  assertEquals(formatDuration(42), "42s");
  assertEquals(formatDuration(3600 * 5 + 60 * 7), "5h 7m");
  assertEquals(formatDuration(93784), "1d 2h 3m");
  assertEquals(formatDuration(-1), "n/a");
});

Deno.test("node list flags offline nodes", () => {
  const text = formatNodeList({
    nodes: [
      {
        node: "pve1",
        status: "online",
        cpu: 0.5,
        maxcpu: 8,
        mem: 2 ** 30,
        maxmem: 2 ** 32,
        uptime: 3600,
      },
      {
        node: "pve2",
        status: "offline",
        cpu: null,
        maxcpu: null,
        mem: null,
        maxmem: null,
        uptime: null,
      },
    ],
    total: 2,
    online: 1,
    offline: 1,
  });
  assertStringIncludes(text, "2 nodes: 1 online, 1 offline or unknown");
  assertStringIncludes(text, "- pve1: online · CPU 50% of 8 · RAM 1 GiB / 4 GiB (25%) · up 1h 0m");
  assertStringIncludes(text, "- pve2: OFFLINE");
});

Deno.test("guest list shows locks, tags and the paging hint", () => {
  const g = {
    vmid: 101,
    name: "web",
    node: "pve1",
    status: "running",
    template: false,
    cpus: 2,
    cpu: 0.25,
    mem: 2 ** 30,
    maxmem: 2 ** 31,
    uptime: 120,
    tags: ["prod", "web"],
    lock: "backup",
  };
  const text = formatGuestList("VM", {
    guests: [g],
    total: 3,
    returned: 1,
    offset: 0,
    next_offset: 1,
    counts: { running: 1, stopped: 2, other: 0 },
  });
  assertStringIncludes(text, "3 VMs: 1 running, 2 stopped");
  assertStringIncludes(
    text,
    "101 web on pve1: running · CPU 25% of 2 · RAM 1 GiB / 2 GiB · up 2m · LOCKED (backup) · tags prod,web",
  );
  assertStringIncludes(text, "(2 more: ask again with offset 1)");
});

Deno.test("the logger redacts registered secrets, also URL-encoded", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const redactor = new Redactor();
    const secret = "s3cr+t/with=chars-1234";
    redactor.add(secret);
    const log = new Logger({ level: "DEBUG", redactor, file: `${dir}/x.log`, stderr: false });
    log.info(`token ${secret}`, {
      header: `PVEAPIToken=a@pve!b=${secret}`,
      enc: encodeURIComponent(secret),
    });
    log.debug("below level is written too at DEBUG");
    log.close();
    const text = await Deno.readTextFile(`${dir}/x.log`);
    assert(!text.includes(secret) && !text.includes(encodeURIComponent(secret)), text);
    assertEquals(text.split("[REDACTED]").length - 1, 3);
    assertEquals(text.trim().split("\n").length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the logger drops lines below its level", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = new Logger({
      level: "WARNING",
      redactor: new Redactor(),
      file: `${dir}/y.log`,
      stderr: false,
    });
    log.info("hidden");
    log.warn("shown");
    log.close();
    const text = await Deno.readTextFile(`${dir}/y.log`);
    assert(!text.includes("hidden"));
    assertStringIncludes(text, "WARNING proxmox-mcp: shown");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
