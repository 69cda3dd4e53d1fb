/**
 * What a tool may know about the MCP client of the current request: whether
 * it can ask its user (elicitation) and its name for the audit log. The
 * registry attaches this to each call's `extra`; the `call` CLI has neither.
 *
 * @example
 * ```ts ignore
 * import { withClientSide } from "./client.ts";
 * server.registerTool(name, meta, (args, extra) => run(args, withClientSide(server, extra)));
 * ```
 *
 * @module
 */

import type { McpServer } from "../sdk.ts";

/** The user's answer to a yes/no question. */
export interface ElicitAnswer {
  action: "accept" | "decline" | "cancel";
  /** True only when the user accepted and ticked "confirm". */
  confirmed: boolean;
}

/** Client-side abilities attached to a tool call. */
export interface ClientSide {
  /** Asks the user to confirm; absent when the client did not declare form elicitation. */
  elicitConfirm?: (message: string, title: string) => Promise<ElicitAnswer>;
  /** `name/version` of the client, for the audit log. */
  clientName?: string;
}

// People may take a while to read a confirmation; the SDK's default request timeout is 60 s.
const ELICIT_TIMEOUT_MS = 10 * 60_000;

/** Adds {@link ClientSide} to a request's `extra`, from what the client declared at initialize. */
export function withClientSide<
  E extends { requestId: string | number; signal: AbortSignal },
>(server: McpServer, extra: E): E & ClientSide {
  const caps = server.server.getClientCapabilities();
  const info = server.server.getClientVersion();
  const side: ClientSide = {
    clientName: info ? `${info.name}/${info.version}` : undefined,
  };
  if (caps?.elicitation?.form) {
    side.elicitConfirm = async (message, title) => {
      const r = await server.server.elicitInput({
        mode: "form",
        message,
        requestedSchema: {
          type: "object",
          properties: {
            confirm: {
              type: "boolean",
              title,
              description: "Tick to let the action go ahead.",
              default: false,
            },
          },
          required: ["confirm"],
        },
      }, { relatedRequestId: extra.requestId, signal: extra.signal, timeout: ELICIT_TIMEOUT_MS });
      return {
        action: r.action,
        confirmed: r.action === "accept" && r.content?.confirm === true,
      };
    };
  }
  return Object.assign(extra, side);
}
