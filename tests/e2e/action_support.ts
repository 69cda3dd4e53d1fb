/**
 * Small helpers shared by the action tests (lifecycle, snapshots, tasks):
 * requests recorded during a call, the mutating ones among them, and the
 * audit log parsed line by line.
 *
 * @module
 */

import type { RecordedRequest, Simulator } from "../../src/simulator/mod.ts";

/** Requests the simulator received while `fn` ran. */
export async function requestsDuring(
  sim: Simulator,
  fn: () => Promise<unknown>,
): Promise<RecordedRequest[]> {
  const before = sim.requests.length;
  await fn();
  return sim.requests.slice(before);
}

/** The requests that could change something (anything but GET). */
export function mutations(reqs: RecordedRequest[]): RecordedRequest[] {
  return reqs.filter((r) => r.method !== "GET");
}

/** Every complete line of a JSONL audit file, parsed (empty when the file does not exist). */
// deno-lint-ignore no-explicit-any
export async function auditLines(path: string): Promise<any[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}
