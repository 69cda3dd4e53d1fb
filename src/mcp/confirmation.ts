/**
 * Confirmation of destructive actions over MCP, written once in the
 * multi-round-trip form (MRTR): the tool call answers `input_required` with
 * an elicitation question and a sealed `requestState`; the client asks its
 * user and repeats the call with the answer. The SDK turns the same answer
 * into an `elicitation/create` request for 2025 clients that can take one.
 *
 * The state is bound to the tool, the exact arguments (a digest), the
 * question, the owner (HTTP token) and an expiry, and can be used once: a
 * tampered, expired, foreign or replayed state is refused with -32602 and
 * nothing is sent. An answer without state is ignored (the user is asked),
 * since only a state we minted proves a question was put.
 *
 * @example
 * ```ts ignore
 * const confirmation = new Confirmation({ key, ttlSeconds: 600 });
 * // tools/call: extra.confirm = await confirmation.channel(ctx, name, args, owner, canAsk);
 * // on NeedsConfirmation: return await confirmation.ask(e, name, args, owner);
 * ```
 *
 * @module
 */

import { createRequestStateCodec, inputRequired, inputResponse } from "./sdk.ts";
import type { InputRequiredResult, RequestStateCodec, ServerContext } from "./sdk.ts";
import { ProtocolError, ProtocolErrorCode } from "./sdk.ts";
import type { ConfirmChannel, NeedsConfirmation } from "../core/confirm_channel.ts";

/** What a confirmation state holds. */
interface ConfirmState {
  kind: "confirm";
  tool: string;
  digest: string;
  question: string;
  owner: string;
  nonce: string;
}

const KEY = "confirm";

/** The arguments as confirmed: everything but `confirm` itself, in a stable order. */
export async function argsDigest(args: Record<string, unknown>): Promise<string> {
  const { confirm: _ignored, ...rest } = args;
  const text = stableJson(rest);
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const keys = Object.keys(v as Record<string, unknown>).sort();
    return `{${
      keys.map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
        .join(",")
    }}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Nonces already answered, remembered until their state expires (replay guard). */
class UsedNonces {
  readonly #until = new Map<string, number>();
  constructor(private readonly ttlMs: number, private readonly max = 100_000) {}

  /** True the first time a nonce is seen within its lifetime. */
  claim(nonce: string): boolean {
    const now = Date.now();
    if ((this.#until.get(nonce) ?? 0) > now) return false;
    if (this.#until.size >= this.max) {
      for (const [n, t] of this.#until) if (t <= now) this.#until.delete(n);
    }
    this.#until.set(nonce, now + this.ttlMs);
    return true;
  }
}

/** Mints and checks confirmation states for one server process (and its replicas' key). */
export class Confirmation {
  readonly codec: RequestStateCodec<ConfirmState>;
  readonly #used: UsedNonces;

  constructor(opts: { key: Uint8Array; ttlSeconds: number }) {
    this.codec = createRequestStateCodec<ConfirmState>({
      key: opts.key,
      ttlSeconds: opts.ttlSeconds,
    });
    this.#used = new UsedNonces(opts.ttlSeconds * 1000 + 60_000);
  }

  /**
   * The confirmation channel of one tools/call: the user's verified answer when the call
   * carries one, else `ask` when the client can ask, else none (`confirm: true` needed).
   */
  async channel(
    ctx: ServerContext,
    tool: string,
    args: Record<string, unknown>,
    owner: string,
    canAsk: boolean,
  ): Promise<ConfirmChannel | undefined> {
    // The SDK's verify hook already refused a state that is not ours or expired.
    const state = ctx.mcpReq.requestState<ConfirmState | string>();
    if (state !== undefined) {
      if (typeof state !== "object" || state?.kind !== "confirm") {
        throw invalid("the requestState was not minted by this server");
      }
      if (state.owner !== owner || state.tool !== tool) {
        throw invalid(`the requestState belongs to another call than ${tool} by this client`);
      }
      if (state.digest !== await argsDigest(args)) {
        throw invalid("the arguments changed since the user was asked: call again to be asked");
      }
      const view = inputResponse(ctx.mcpReq.inputResponses, KEY);
      if (view.kind !== "elicit") {
        throw invalid(`the retry carries no elicitation answer under inputResponses.${KEY}`);
      }
      if (!this.#used.claim(state.nonce)) {
        throw invalid("this confirmation was already used: call again to be asked");
      }
      const ticked = view.action === "accept" && view.content?.confirm === true;
      return {
        kind: "answer",
        answer: { action: view.action, confirmed: ticked, question: state.question },
      };
    }
    return canAsk ? { kind: "ask" } : undefined;
  }

  /** The `input_required` answer that puts the question to the user. */
  async ask(
    e: NeedsConfirmation,
    tool: string,
    args: Record<string, unknown>,
    owner: string,
  ): Promise<InputRequiredResult> {
    const state: ConfirmState = {
      kind: "confirm",
      tool,
      digest: await argsDigest(args),
      question: e.question,
      owner,
      nonce: crypto.randomUUID(),
    };
    return inputRequired({
      inputRequests: {
        [KEY]: inputRequired.elicit({
          mode: "form",
          message: e.question,
          requestedSchema: {
            type: "object",
            properties: {
              confirm: {
                type: "boolean",
                title: e.title,
                description: "Tick to let the action go ahead.",
                default: false,
              },
            },
            required: ["confirm"],
          },
        }),
      },
      requestState: await this.codec.mint(state),
    });
  }
}

function invalid(why: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid requestState: ${why}`);
}
