/**
 * A headless Chromium (Debian's `chromium`) driven over the DevTools
 * Protocol from Deno — no puppeteer — hosting the dashboard the way an MCP
 * Apps host does (host_page.ts: AppBridge + sandboxed iframe). Every request
 * the browser tries is intercepted (`Fetch`) and recorded: only the host page
 * itself is served; script errors, console errors and CSP reports are
 * collected from every frame, out-of-process ones included.
 *
 * @example
 * ```ts ignore
 * const b = await BrowserHost.launch();
 * await b.open(html, "light", result, (params) => client.callTool(params));
 * console.log(await b.evalInView("document.title"));
 * await b.close();
 * ```
 *
 * @module
 */

const HOST_URL = "https://dashboard-host.test/";
type Json = Record<string, unknown>;

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Path of the chromium binary, or undefined when it is not installed. */
export function findChromium(): string | undefined {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* next */ }
  }
  return undefined;
}

async function bundleHost(): Promise<string> {
  const out = await Deno.makeTempFile({ suffix: ".js" });
  const entry = new URL("./host_page.ts", import.meta.url).pathname;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "-o", out, entry],
    stderr: "piped",
  }).output();
  if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
  const js = await Deno.readTextFile(out);
  await Deno.remove(out);
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body style="margin:0">` +
    `<script type="module">${js.replaceAll("</script", "<\\/script")}</script></body></html>`;
}

/** One browser with one host page. */
export class BrowserHost {
  #id = 0;
  readonly #waiting = new Map<number, { ok: (v: Json) => void; fail: (e: Error) => void }>();
  readonly #contexts: { session: string; id: number; frameId: string }[] = [];
  #mainFrame = "";
  #page = "";
  #onCall?: (params: Json) => Promise<unknown>;
  /** URLs the page (or its frame) tried to fetch, besides the host page. */
  readonly requests: string[] = [];
  /** Exceptions, console errors and browser log errors (CSP included). */
  readonly errors: string[] = [];

  private constructor(
    private readonly proc: Deno.ChildProcess,
    private readonly ws: WebSocket,
    private readonly dir: string,
    private readonly hostHtml: string,
  ) {
    ws.onmessage = (e) => this.#message(JSON.parse(e.data));
  }

  static async launch(): Promise<BrowserHost> {
    const bin = findChromium();
    if (!bin) throw new Error("chromium is not installed");
    const dir = await Deno.makeTempDir({ prefix: "pmcp-chromium-" });
    const proc = new Deno.Command(bin, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        `--user-data-dir=${dir}`,
        "--remote-debugging-port=0",
        "about:blank",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = proc.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    let url: string | undefined;
    while (!url) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`chromium exited before DevTools was ready:\n${seen}`);
      seen += value;
      url = seen.match(/DevTools listening on (ws:\/\/\S+)/)?.[1];
    }
    // Keep draining stderr so chromium never blocks on a full pipe.
    (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })().catch(() => {});
    const ws = new WebSocket(url);
    await new Promise((ok, fail) => {
      ws.onopen = ok;
      ws.onerror = fail;
    });
    return new BrowserHost(proc, ws, dir, await bundleHost());
  }

  #message(m: Json): void {
    if (typeof m.id === "number") {
      const w = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (m.error) w?.fail(new Error(JSON.stringify(m.error)));
      else w?.ok((m.result ?? {}) as Json);
      return;
    }
    void this.#event(String(m.method), (m.params ?? {}) as Json, m.sessionId as string);
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = ++this.#id;
    return new Promise((ok, fail) => {
      this.#waiting.set(id, { ok, fail });
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) }));
    });
  }

  async #instrument(session: string): Promise<void> {
    await Promise.all([
      this.send("Runtime.enable", {}, session),
      this.send("Log.enable", {}, session),
      this.send("Network.enable", {}, session),
      this.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] }, session),
      this.send("Target.setAutoAttach", {
        autoAttach: true,
        waitForDebuggerOnStart: true,
        flatten: true,
      }, session),
    ]);
    await this.send("Runtime.runIfWaitingForDebugger", {}, session);
  }

  async #event(method: string, p: Json, session: string): Promise<void> {
    switch (method) {
      case "Target.attachedToTarget":
        return await this.#instrument(p.sessionId as string);
      case "Fetch.requestPaused": {
        const url = (p.request as Json).url as string;
        if (url === HOST_URL && session === this.#page) {
          return void await this.send("Fetch.fulfillRequest", {
            requestId: p.requestId,
            responseCode: 200,
            responseHeaders: [{ name: "Content-Type", value: "text/html; charset=utf-8" }],
            body: base64(new TextEncoder().encode(this.hostHtml)),
          }, session);
        }
        this.requests.push(url);
        return void await this.send("Fetch.failRequest", {
          requestId: p.requestId,
          errorReason: "BlockedByClient",
        }, session);
      }
      case "Network.requestWillBeSent": {
        const url = (p.request as Json).url as string;
        if (url !== HOST_URL && !this.requests.includes(url)) this.requests.push(url);
        return;
      }
      case "Runtime.executionContextCreated": {
        const c = p.context as { id: number; auxData?: { frameId?: string; isDefault?: boolean } };
        if (c.auxData?.isDefault) {
          this.#contexts.push({ session, id: c.id, frameId: c.auxData.frameId ?? "" });
        }
        return;
      }
      case "Runtime.exceptionThrown":
        return void this.errors.push(
          JSON.stringify((p.exceptionDetails as Json)?.exception ?? p.exceptionDetails),
        );
      case "Runtime.consoleAPICalled":
        if (p.type === "error") this.errors.push(`console.error ${JSON.stringify(p.args)}`);
        return;
      case "Log.entryAdded": {
        const e = p.entry as Json;
        if (e.level === "error") this.errors.push(`${e.source}: ${e.text}`);
        return;
      }
      case "Runtime.bindingCalled": {
        if (p.name !== "hostCall" || !this.#onCall) return;
        const { id, params } = JSON.parse(p.payload as string);
        const result = await this.#onCall(params);
        await this.evalInHost(`__reply(${id}, ${JSON.stringify(JSON.stringify(result))})`);
      }
    }
  }

  /** Opens the host page, embeds `html` and hands it `result`, with `onCall` serving tool calls. */
  async open(
    html: string,
    theme: "light" | "dark",
    result: unknown,
    onCall: (p: Json) => Promise<unknown>,
    width = 1100,
  ): Promise<void> {
    this.#onCall = onCall;
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    this.#page = sessionId as string;
    await this.#instrument(this.#page);
    await this.send("Page.enable", {}, this.#page);
    await this.send("Emulation.setDeviceMetricsOverride", {
      width,
      height: 1500,
      deviceScaleFactor: 1,
      mobile: false,
    }, this.#page);
    await this.send("Runtime.addBinding", { name: "hostCall" }, this.#page);
    const nav = await this.send("Page.navigate", { url: HOST_URL }, this.#page);
    this.#mainFrame = nav.frameId as string;
    await this.waitFor(() => this.evalInHost("typeof __start === 'function'"));
    await this.evalInHost(
      `__start(${JSON.stringify(html)}, ${JSON.stringify(theme)}, ${JSON.stringify(result)})`,
    );
  }

  async #eval(session: string, contextId: number | undefined, expr: string): Promise<unknown> {
    const r = await this.send("Runtime.evaluate", {
      expression: expr,
      awaitPromise: true,
      returnByValue: true,
      ...(contextId && { contextId }),
    }, session);
    if (r.exceptionDetails) {
      throw new Error(`evaluation failed: ${JSON.stringify(r.exceptionDetails)}`);
    }
    return (r.result as Json).value;
  }

  evalInHost(expr: string): Promise<unknown> {
    return this.#eval(this.#page, undefined, expr);
  }

  /** Evaluates in the view's frame (the newest default context that is not the host page). */
  evalInView(expr: string): Promise<unknown> {
    const c = [...this.#contexts].reverse().find((x) => x.frameId !== this.#mainFrame);
    if (!c) throw new Error("the view's frame has no script context yet");
    return this.#eval(c.session, c.id, expr);
  }

  /** Polls `probe` until it is truthy (bounded by count, not time assertions). */
  async waitFor(probe: () => Promise<unknown>, tries = 200): Promise<unknown> {
    for (let i = 0; i < tries; i++) {
      const v = await probe().catch(() => undefined);
      if (v) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("condition not met");
  }

  async screenshot(path: string): Promise<void> {
    const height = Number(await this.evalInView("document.documentElement.scrollHeight")) + 8;
    await this.send("Emulation.setDeviceMetricsOverride", {
      width: 1100,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    }, this.#page);
    await this.evalInHost(`document.querySelector("iframe").style.height = "${height}px"`);
    const r = await this.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
    }, this.#page);
    await Deno.writeFile(path, Uint8Array.from(atob(r.data as string), (c) => c.charCodeAt(0)));
  }

  async close(): Promise<void> {
    try {
      await this.send("Browser.close");
    } catch { /* already gone */ }
    this.ws.close();
    await this.proc.status;
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}
