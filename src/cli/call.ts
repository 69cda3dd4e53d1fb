/**
 * `call TOOL [--args JSON]`: runs one tool as an MCP client would and prints
 * its text (or, with `--json`, its structured result).
 *
 * @module
 */

import { selectTools } from "../tools/index.ts";
import { invokeTool } from "../tools/invoke.ts";
import { clusterShapes, inCluster } from "../tools/cluster_scope.ts";
import { closest } from "../config/errors.ts";
import { z } from "zod/v4";
import type { Setup } from "./setup.ts";
import type { Logger } from "../log.ts";
import { EXIT } from "./args.ts";
import { allContexts } from "../clusters.ts";
import { resolveAlias, sameOnceParsed } from "../tools/aliases.ts";

/** Runs the tool; returns the exit code. */
export async function callTool(s: Setup, name: string | undefined, rawArgs?: string, json = false) {
  const tools = selectTools(s.ctx.config);
  const names = tools.map((t) => t.name);
  if (!name) {
    console.error(`call needs a tool name. Tools: ${names.join(", ")}`);
    return EXIT.USAGE;
  }
  const called = name;
  let parsedArgs: unknown;
  try {
    parsedArgs = rawArgs === undefined ? {} : JSON.parse(rawArgs);
    // An old tool name (stop_vm) is the merged tool with fixed arguments (src/tools/aliases.ts).
    const offered = sameOnceParsed((tool) => tools.find((t) => t.name === tool));
    ({ name, args: parsedArgs } = resolveAlias(called, parsedArgs, offered));
  } catch (e) {
    console.error(
      e instanceof SyntaxError ? `--args is not valid JSON: ${e.message}` : (e as Error).message,
    );
    return EXIT.USAGE;
  }
  const tool = tools.find((t) => t.name === name);
  if (!tool) {
    const hint = closest(called, names);
    console.error(
      `no tool named "${called}"${called !== name ? ` (now ${name}, not offered here)` : ""}` +
        `${hint ? `: did you mean ${hint}?` : ""}` +
        ` (tools: ${names.join(", ")})`,
    );
    return EXIT.USAGE;
  }
  let args: Record<string, unknown>;
  try {
    // With several clusters the same `cluster` argument as over MCP (cluster_scope.ts).
    args = z.strictObject(clusterShapes(tool, s.ctx).input).parse(parsedArgs ?? {});
  } catch (e) {
    const why = e instanceof z.ZodError
      ? e.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; ")
      : (e as Error).message;
    console.error(`${name}: ${why}`);
    return EXIT.USAGE;
  }
  // As over MCP (tool_visibility.ts): the token's privileges are known before the call, so
  // the pre-send guard refuses what PVE would refuse instead of sending it.
  await Promise.all(
    allContexts(s.ctx).map(([, c]) => c.permissions?.ensureFresh() ?? Promise.resolve()),
  );
  const result = await inCluster(
    tool,
    args,
    s.ctx,
    (a, c) => invokeTool(tool, a, { ...c, logger: withoutFailureEcho(c.logger) }),
  );
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  if (result.isError) {
    console.error(text);
    return EXIT.FAILED;
  }
  console.log(json ? JSON.stringify(result.structuredContent, null, 2) : text);
  return EXIT.OK;
}

// The server logs a failed tool at WARNING for its operator; here the caller is the operator and
// gets the message on stderr below, so the log line drops to DEBUG (still there with
// --log-level DEBUG) instead of printing the same text twice.
function withoutFailureEcho(logger: Logger): Logger {
  return new Proxy(logger, {
    get(target, prop) {
      if (prop === "warn") {
        return (msg: string, fields?: Record<string, unknown>) =>
          msg === "tool failed" ? target.debug(msg, fields) : target.warn(msg, fields);
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
