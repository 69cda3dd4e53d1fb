/**
 * The hidden passphrase prompt (terminal raw mode, no echo).
 *
 * @module
 */

import { KeyError } from "./keys.ts";

/**
 * Reads a line from the terminal with echo off (raw mode); `undefined` when
 * stdin is not a terminal. Ctrl-C cancels (throws `KeyError`).
 *
 * @example
 * ```ts ignore
 * import { promptHidden } from "./prompt.ts";
 * const pass = await promptHidden("Passphrase: ");
 * ```
 */
export async function promptHidden(prompt: string): Promise<string | undefined> {
  if (!Deno.stdin.isTerminal()) return undefined;
  const enc = new TextEncoder();
  Deno.stderr.writeSync(enc.encode(prompt));
  const bytes: number[] = [];
  Deno.stdin.setRaw(true);
  try {
    const buf = new Uint8Array(256);
    read: while (true) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      for (const b of buf.subarray(0, n)) {
        if (b === 0x0d || b === 0x0a || b === 0x04) break read; // Enter or Ctrl-D
        if (b === 0x03) throw new KeyError("cancelled at the passphrase prompt");
        if (b === 0x7f || b === 0x08) {
          // Backspace removes one character: its UTF-8 continuation bytes, then the lead byte.
          while (bytes.length && (bytes[bytes.length - 1] & 0xc0) === 0x80) bytes.pop();
          bytes.pop();
          continue;
        }
        bytes.push(b);
      }
    }
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(enc.encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
