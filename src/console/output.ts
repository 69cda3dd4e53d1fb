/**
 * Caps guest output at a byte budget without splitting a UTF-8 character, and
 * marks the cut so neither the model nor a human mistakes a partial output for
 * the whole.
 *
 * @example
 * ```ts
 * import { capOutput } from "./output.ts";
 * const r = capOutput("x".repeat(10), 4, false);
 * console.log(r.bytes, r.truncated, r.text.startsWith("xxxx\n[truncated")); // 10 true true
 * ```
 *
 * @module
 */

/** One captured stream after capping. */
export interface CappedOutput {
  /** The text shown (with a truncation marker when cut). */
  text: string;
  /** Bytes (UTF-8) the guest agent returned for this stream. */
  bytes: number;
  /** Cut here (console.max_output_bytes) or already by the guest agent. */
  truncated: boolean;
  /** The guest agent itself cut the stream (its own limit, 16 MiB in qemu-ga). */
  agent_truncated: boolean;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Caps `text` at `maxBytes` UTF-8 bytes; `agentTruncated` is PVE's `*-truncated` flag. */
export function capOutput(text: string, maxBytes: number, agentTruncated: boolean): CappedOutput {
  const raw = enc.encode(text);
  const bytes = raw.length;
  let shown = text;
  const notes: string[] = [];
  if (bytes > maxBytes) {
    let end = maxBytes;
    // Back up over UTF-8 continuation bytes (10xxxxxx) so no character is split.
    while (end > 0 && (raw[end] & 0xc0) === 0x80) end--;
    shown = dec.decode(raw.subarray(0, end));
    notes.push(
      `[truncated: showing the first ${end} of ${bytes} bytes (console.max_output_bytes)]`,
    );
  }
  if (agentTruncated) {
    notes.push("[truncated by the guest agent: the program wrote more than the agent keeps]");
  }
  if (notes.length) {
    shown += `${shown === "" || shown.endsWith("\n") ? "" : "\n"}${notes.join("\n")}`;
  }
  return { text: shown, bytes, truncated: notes.length > 0, agent_truncated: agentTruncated };
}
