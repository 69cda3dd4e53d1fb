import { assert, assertEquals } from "../support/assert.ts";
import { committedBytes, MemoryReducer, reduceMemory } from "../../src/platform/memory_reducer.ts";

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A reducer over a fake heap: `heap` is what usage() reports, `collected` counts collections. */
function fake(opts: { idleMs?: number; growthBytes?: number; burstBytes?: number } = {}) {
  const state = { heap: 100, collected: 0 };
  const reducer = new MemoryReducer({
    idleMs: opts.idleMs ?? 5,
    growthBytes: opts.growthBytes ?? 50,
    burstBytes: opts.burstBytes ?? 1000,
    usage: () => state.heap,
    collect: () => {
      state.collected++;
      state.heap = 100;
    },
  });
  return { state, reducer };
}

Deno.test("a call that grew the heap is followed by one collection once calls stop", async () => {
  const { state, reducer } = fake();
  const end = reducer.begin();
  state.heap = 200;
  end();
  assertEquals(state.collected, 0, "never inside the call or right at its end");
  await sleep(40);
  assertEquals(state.collected, 1);
  end(); // a second end changes nothing
  await sleep(20);
  assertEquals(state.collected, 1);
});

Deno.test("small growth is left to V8", async () => {
  const { state, reducer } = fake();
  const end = reducer.begin();
  state.heap = 120;
  end();
  await sleep(30);
  assertEquals(state.collected, 0);
});

Deno.test("a call arriving within the quiet time postpones the collection; overlapping calls wait for the last", async () => {
  const { state, reducer } = fake({ idleMs: 30 });
  const first = reducer.begin();
  state.heap = 300;
  first();
  await sleep(10);
  const a = reducer.begin();
  const b = reducer.begin();
  await sleep(50);
  assertEquals(state.collected, 0, "cancelled by the next call");
  a();
  await sleep(50);
  assertEquals(state.collected, 0, "one call still running");
  b();
  await sleep(80);
  assertEquals(state.collected, 1);
});

Deno.test("a burst without a pause is collected once it has grown enough, calls running or not", async () => {
  const { state, reducer } = fake({ idleMs: 10_000, burstBytes: 300 });
  const background = reducer.begin(); // a long call that stays in flight throughout
  let end = reducer.begin();
  state.heap = 250;
  end();
  end = reducer.begin(); // the next call of the burst, at once
  await sleep(20);
  assertEquals(state.collected, 0, "under the burst bound: waits for a quiet moment");
  state.heap = 450;
  end();
  const next = reducer.begin(); // arrives before the collection: does not cancel it
  await sleep(20);
  assertEquals(state.collected, 1);
  next();
  background();
  await sleep(20);
  assertEquals(state.collected, 1, "heap back at its level: nothing more to do");
  reducer.close();
});

Deno.test("growth is measured from the last collection, not from start-up", async () => {
  const { state, reducer } = fake();
  let end = reducer.begin();
  state.heap = 200;
  end();
  await sleep(30);
  assertEquals(state.collected, 1);
  // Heap after the collection is 100 again; 130 is under the 50 of growth needed.
  end = reducer.begin();
  state.heap = 130;
  end();
  await sleep(30);
  assertEquals(state.collected, 1);
});

Deno.test("a failing collection is swallowed and the next one still runs", async () => {
  let heap = 0;
  let tries = 0;
  const r = new MemoryReducer({
    idleMs: 1,
    growthBytes: 10,
    usage: () => heap,
    collect: () => {
      tries++;
      throw new Error("no gc here");
    },
  });
  let end = r.begin();
  heap = 100;
  end();
  await sleep(20);
  end = r.begin();
  heap = 200;
  end();
  await sleep(20);
  assertEquals(tries, 2);
});

Deno.test("close() drops a pending collection and the pending timer does not hold the process", async () => {
  const { state, reducer } = fake({ idleMs: 20 });
  const end = reducer.begin();
  state.heap = 500;
  end();
  reducer.close();
  await sleep(40);
  assertEquals(state.collected, 0);
});

Deno.test("reduceMemory gives back garbage that V8 would otherwise keep", async () => {
  await reduceMemory();
  const before = Deno.memoryUsage().heapUsed;
  let junk: { i: number; s: string }[] | undefined = Array.from(
    { length: 300_000 },
    (_, i) => ({ i, s: `row-${i}` }),
  );
  assert(junk.length === 300_000);
  assert(Deno.memoryUsage().heapUsed > before + 8 * MiB, "the garbage was really allocated");
  junk = undefined;
  await reduceMemory();
  assert(
    Deno.memoryUsage().heapUsed < before + 4 * MiB,
    `heap used ${Deno.memoryUsage().heapUsed} after, ${before} before`,
  );
  assert(committedBytes() > 0);
});
