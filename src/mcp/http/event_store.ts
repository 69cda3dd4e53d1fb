/**
 * In-memory event store for resumable Streamable HTTP sessions (stateful
 * mode): a client that loses its SSE stream reconnects with `Last-Event-ID`
 * and receives what it missed. One store per session, so one session can
 * never replay another's events, and bounded, so a forgotten session cannot
 * grow without limit.
 *
 * @example
 * ```ts
 * import { MemoryEventStore } from "./event_store.ts";
 * const store = new MemoryEventStore(100);
 * const id = await store.storeEvent("s1", { jsonrpc: "2.0", method: "ping" });
 * await store.storeEvent("s1", { jsonrpc: "2.0", method: "later" });
 * const seen: unknown[] = [];
 * await store.replayEventsAfter(id, { send: async (_id, m) => void seen.push(m) });
 * console.log(seen.length); // 1
 * ```
 *
 * @module
 */

import type { EventId, EventStore, JSONRPCMessage, StreamId } from "../sdk.ts";

interface Stored {
  id: EventId;
  streamId: StreamId;
  message: JSONRPCMessage;
}

/** A bounded, in-memory {@linkcode EventStore}: the oldest events go first. */
export class MemoryEventStore implements EventStore {
  #events: Stored[] = [];
  #seq = 0;
  readonly #prefix = crypto.randomUUID().slice(0, 8);

  constructor(readonly maxEvents = 1000) {}

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = `${this.#prefix}-${++this.#seq}`;
    this.#events.push({ id, streamId, message });
    if (this.#events.length > this.maxEvents) {
      this.#events.splice(0, this.#events.length - this.maxEvents);
    }
    return Promise.resolve(id);
  }

  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return Promise.resolve(this.#events.find((e) => e.id === eventId)?.streamId);
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const at = this.#events.findIndex((e) => e.id === lastEventId);
    if (at < 0) throw new Error(`unknown or expired event id ${lastEventId}`);
    const { streamId } = this.#events[at];
    for (const e of this.#events.slice(at + 1)) {
      // Priming events carry no message (`{}`): nothing to resend for them.
      if (e.streamId === streamId && Object.keys(e.message).length) await send(e.id, e.message);
    }
    return streamId;
  }
}
