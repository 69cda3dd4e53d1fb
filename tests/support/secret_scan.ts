/**
 * Secret hygiene as an assertion: collect everything a run produced (stdout,
 * stderr, log files, audit files, tool outputs) and search it for every
 * configured secret, in the forms it could leak in (raw, URL-encoded,
 * base64, JSON-escaped, hex). Zero hits is the expected result.
 *
 * @example
 * ```ts
 * import { SecretScan } from "./secret_scan.ts";
 * const scan = new SecretScan({ token: "8d9f6d2e-3c1b-4a5f-9e7d-2b4c6a8e0f13" });
 * scan.addText("stdout", '{"result":"ok"}');
 * scan.assertClean(); // throws, naming source and secret, if a hit is found
 * console.log(scan.sources.length); // 1
 * ```
 *
 * @module
 */

/** One place a secret was found. */
export interface SecretHit {
  source: string;
  secret: string;
  form: string;
  /** A few characters around the hit, with the secret itself masked. */
  context: string;
}

/** What was scanned: a label and its text. */
export interface ScanSource {
  label: string;
  text: string;
}

function b64(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)));
}

function hex(s: string): string {
  return [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The spellings under which `secret` could show up in text. */
export function secretForms(secret: string): Record<string, string> {
  const forms: Record<string, string> = {
    raw: secret,
    url: encodeURIComponent(secret),
    json: JSON.stringify(secret).slice(1, -1),
    base64: b64(secret).replace(/=+$/, ""),
    hex: hex(secret),
  };
  // A long secret cut in half is still a leak (e.g. a truncated log line).
  if (secret.length >= 16) forms.prefix = secret.slice(0, Math.ceil(secret.length / 2));
  return forms;
}

/** Collects sources and searches them for secrets. */
export class SecretScan {
  readonly sources: ScanSource[] = [];
  readonly #secrets: Record<string, string>;

  /** `secrets`: name -> value (names appear in failure messages, values never). */
  constructor(secrets: Record<string, string>) {
    for (const [name, v] of Object.entries(secrets)) {
      if (v.length < 8) throw new Error(`secret ${name} is too short to scan for reliably`);
    }
    this.#secrets = secrets;
  }

  addText(label: string, text: string): void {
    this.sources.push({ label, text });
  }

  /** Adds a value as JSON (tool results, structured content). */
  addJson(label: string, value: unknown): void {
    this.addText(label, JSON.stringify(value) ?? "");
  }

  /** Adds a file's bytes (decoded leniently); a missing file is an error: it should exist. */
  async addFile(label: string, path: string): Promise<void> {
    const bytes = await Deno.readFile(path);
    this.addText(`${label} (${path})`, new TextDecoder().decode(bytes));
  }

  /** Adds every file under `dir`, recursively (rotated logs, audit files, temp output). */
  async addDir(label: string, dir: string): Promise<number> {
    let n = 0;
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) n += await this.addDir(label, p);
      else if (e.isFile) {
        await this.addFile(label, p);
        n++;
      }
    }
    return n;
  }

  /** Total characters scanned. */
  get bytesScanned(): number {
    return this.sources.reduce((n, s) => n + s.text.length, 0);
  }

  /** Every hit, for every source, secret and form. */
  hits(): SecretHit[] {
    const out: SecretHit[] = [];
    for (const src of this.sources) {
      for (const [name, secret] of Object.entries(this.#secrets)) {
        for (const [form, needle] of Object.entries(secretForms(secret))) {
          let at = src.text.indexOf(needle);
          while (at >= 0) {
            const around = src.text.slice(Math.max(0, at - 30), at + needle.length + 30);
            out.push({
              source: src.label,
              secret: name,
              form,
              context: around.split(needle).join(`<${name}>`),
            });
            at = src.text.indexOf(needle, at + 1);
          }
        }
      }
    }
    return out;
  }

  /** Throws when any secret was found, listing where (never the value). */
  assertClean(): void {
    const hits = this.hits();
    if (hits.length === 0) return;
    const lines = hits.slice(0, 20).map((h) =>
      `  - ${h.secret} (${h.form}) in ${h.source}: ...${h.context}...`
    );
    throw new Error(`${hits.length} secret hit(s):\n${lines.join("\n")}`);
  }
}
