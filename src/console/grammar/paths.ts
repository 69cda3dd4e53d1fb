/**
 * Paths a program may be given, checked after resolving the aliases that
 * could hide a protected file. The guest's OS is not known when a command is
 * checked, so every path is read both ways, as Linux and as Windows would
 * resolve it, and must pass both:
 *
 * - Linux: relative paths are taken from `/` (the guest agent's working
 *   directory), `.`, `..` and doubled slashes are resolved, and the process
 *   aliases `/proc/<pid>/root`, `cwd`, `fd`, `environ`, `mem`… are refused
 *   (they reach any file, or a process's secrets, under another name).
 * - Windows: `\` and `/` are the same, case does not matter, trailing dots
 *   and spaces and `:stream` suffixes are dropped (Windows ignores them),
 *   8.3 short names (`CONFIG~1`), UNC and device paths (`\\host\share`,
 *   `\\?\`, `\\.\`) are refused, relative paths start in
 *   `C:\Windows\System32` (the agent service's directory).
 *
 * Wildcards are refused in paths: no shell expands them here, but some
 * programs would (PowerShell providers, MSYS builds of GNU tools).
 * Recursive readers (`grep -r`, `find`, `ls -R`) are kept away from whole
 * trees that hold secrets: `/`, `/etc`, `/root`, `/home`, `/proc`, ….
 *
 * @example
 * ```ts
 * import { checkPath, linuxPath } from "./paths.ts";
 * console.log(linuxPath("etc/../etc//os-release")); // "/etc/os-release"
 * checkPath("/var/log/syslog", "read"); // fine
 * try { checkPath("/proc/self/root/etc/shadow", "read"); } catch (e) {
 *   console.log((e as Error).message.includes("/proc/self/root")); // true
 * }
 * ```
 *
 * @module
 */

import { globMatch } from "../names.ts";
import { GrammarRefusal } from "./types.ts";
import { ascii } from "./words.ts";

/** How a program uses a path: reads its content, or only its metadata (ls, stat, du, df). */
export type PathAccess = "read" | "meta";

/** Files and trees that hold secrets on Linux guests (globs, `*` crosses `/`, any case). */
export const LINUX_SECRETS: readonly string[] = [
  "/etc/shadow*",
  "/etc/gshadow*",
  "/etc/security/opasswd*",
  "/etc/sudoers*",
  "/etc/ssh/*_key",
  "/etc/ssh/ssh_host_key",
  "/root",
  "/root/*",
  "*/.ssh",
  "*/.ssh/*",
  "*/.gnupg",
  "*/.gnupg/*",
  "*/.aws/*",
  "*/.azure/*",
  "*/.kube/*",
  "*/.docker/config.json",
  "*/.config/gcloud/*",
  "*/.netrc",
  "*/.pgpass",
  "*/.my.cnf",
  "*/.git-credentials",
  "*_history",
  "*/id_rsa*",
  "*/id_dsa*",
  "*/id_ecdsa*",
  "*/id_ed25519*",
  "*.key",
  "*key*.pem",
  "*priv*.pem",
  "*.p12",
  "*.pfx",
  "*.jks",
  "*.keystore",
  "*.keytab",
  "*.keyring",
  "*.kdbx",
  "/etc/ssl/private",
  "/etc/ssl/private/*",
  "/etc/pki/*/private/*",
  "/etc/letsencrypt/archive/*",
  "/etc/letsencrypt/live/*/privkey*",
  "/etc/pve/priv",
  "/etc/pve/priv/*",
  "/etc/corosync/authkey",
  "/etc/ceph/*keyring*",
  "/etc/krb5.keytab",
  "/etc/networkmanager/system-connections/*",
  "/etc/wpa_supplicant/*",
  "/etc/ipsec.secrets",
  "/etc/ipsec.d/private/*",
  "/etc/ppp/*secrets",
  "/etc/openvpn/*",
  "/etc/wireguard/*",
  "/etc/libvirt/secrets/*",
  "/etc/mysql/debian.cnf",
  "/etc/postfix/sasl_passwd*",
  "/var/backups/*shadow*",
  "/var/lib/sss/*",
  "/var/lib/samba/private/*",
  "/var/lib/cloud/*user-data*",
  "/run/secrets/*",
  "/dev/mem",
  "/dev/kmem",
  "/dev/port",
  "/dev/fd",
  "/dev/fd/*",
  "/proc/kcore",
  "/proc/kmsg",
  "/proc/kpage*",
  "/proc/vmcore",
  "/proc/sysrq-trigger",
];

/** Files and trees that hold secrets on Windows guests (normalised: `c:/…`, lower case). */
export const WINDOWS_SECRETS: readonly string[] = [
  "c:/windows/system32/config",
  "c:/windows/system32/config/*",
  "c:/windows/repair/*",
  "c:/windows/panther/*",
  "c:/windows/system32/sysprep/*",
  "c:/windows/ntds/*",
  "c:/windows/sysvol/*",
  "c:/windows/system32/microsoft/protect/*",
  "c:/windows/system32/inetsrv/config/*",
  "c:/programdata/microsoft/crypto/*",
  "c:/programdata/microsoft/group policy/history/*",
  "c:/programdata/ssh/*key*",
  "c:/users/*/appdata/*",
  "c:/users/*/ntuser.dat*",
  "c:/documents and settings/*",
  "c:/pagefile.sys",
  "c:/hiberfil.sys",
  "c:/swapfile.sys",
  "c:/system volume information*",
  "*/unattend.xml",
  "*/autounattend.xml",
  "*/sysprep.inf",
  "*/.ssh/*",
  "*.kdbx",
  "*.pfx",
  "*.p12",
  "*.key",
  "*.dmp",
];

/** Trees a recursive reader may not walk, nor any directory above them (Linux). */
export const LINUX_PROTECTED_TREES: readonly string[] = [
  "/etc",
  "/root",
  "/home",
  "/proc",
  "/sys",
  "/dev",
  "/run",
  "/var/backups",
  "/var/lib",
];

/** The same for Windows guests (normalised). */
export const WINDOWS_PROTECTED_TREES: readonly string[] = [
  "c:/users",
  "c:/windows",
  "c:/programdata",
  "c:/documents and settings",
];

// Per-process /proc entries that only describe the process. Everything else under
// /proc/<pid>/ (root, cwd, exe, fd, fdinfo, map_files, environ, mem, pagemap, auxv, stack,
// syscall, ns, …) reaches files, memory or secrets under another name.
const PROC_DESCRIPTIVE = new Set([
  "status",
  "stat",
  "statm",
  "cmdline",
  "comm",
  "limits",
  "cgroup",
  "mounts",
  "mountinfo",
  "mountstats",
  "io",
  "oom_score",
  "oom_score_adj",
  "sched",
  "schedstat",
  "wchan",
  "loginuid",
  "sessionid",
  "cpuset",
  "personality",
  "maps",
  "smaps_rollup",
  "net",
  "task",
]);

// Under /dev, content readers may only read these (raw disks hold every file, shadow included).
const DEV_READABLE = new Set(["/dev/null", "/dev/stdin"]);

// Standard symbolic links that lead into the protected places under another name.
const LINUX_ALIASES: ReadonlyArray<readonly [string, string]> = [
  ["/var/run", "/run"],
  ["/var/lock", "/run/lock"],
];
const WINDOWS_ALIASES: ReadonlyArray<readonly [string, string]> = [
  ["c:/documents and settings", "c:/users"],
  ["c:/users/all users", "c:/programdata"],
  ["c:/windows/sysnative", "c:/windows/system32"],
];

function unalias(path: string, aliases: ReadonlyArray<readonly [string, string]>): string {
  for (const [from, to] of aliases) {
    if (path === from || path.startsWith(`${from}/`)) return to + path.slice(from.length);
  }
  return path;
}

/**
 * The absolute Linux path `word` names: relative paths from `/`, `.` and `..` resolved,
 * slashes collapsed, and the standard aliases (`/var/run` is `/run`) replaced.
 */
export function linuxPath(word: string): string {
  const out: string[] = [];
  for (const seg of word.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return unalias("/" + out.join("/"), LINUX_ALIASES);
}

/**
 * The Windows path `word` names, normalised (`c:/windows/…`, lower case), or a refusal reason
 * for forms that cannot be resolved here (UNC and device paths, 8.3 names, drive-relative).
 */
export function windowsPath(word: string): { path: string } | { refused: string } {
  const p = word.replace(/\\/g, "/");
  if (p.startsWith("//")) {
    return {
      refused: "a path starting with // or \\\\ is a network (UNC) or device path on Windows",
    };
  }
  let drive = "c:";
  let rest = p;
  const d = /^([A-Za-z]):/.exec(p);
  if (d) {
    drive = `${d[1].toLowerCase()}:`;
    rest = p.slice(2);
    if (rest !== "" && !rest.startsWith("/")) {
      return {
        refused: `"${d[0]}" without a slash is relative to an unknown directory of that drive`,
      };
    }
  } else if (!p.startsWith("/")) {
    rest = "/windows/system32/" + p; // the agent service's working directory
  }
  const out: string[] = [];
  for (let seg of rest.split("/")) {
    seg = seg.replace(/:.*$/, ""); // alternate data streams: file::$DATA is the file
    seg = seg.replace(/[. ]+$/, (m) => (seg === "." || seg === ".." ? m : "")); // SAM. = SAM
    if (/~\d/.test(seg)) {
      return { refused: `"${seg}" is an 8.3 short name, which can stand for any long name` };
    }
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg.toLowerCase());
  }
  return { path: unalias(`${drive}/${out.join("/")}`, WINDOWS_ALIASES) };
}

function secretRefusal(word: string, resolved: string, glob: string, os: string): GrammarRefusal {
  const shown = resolved === word ? JSON.stringify(word) : `${JSON.stringify(word)} (${resolved})`;
  return new GrammarRefusal(
    "secret",
    `the path ${shown} is protected on ${os} guests (matches ${glob}): it holds secrets or ` +
      "reaches other files under another name",
  );
}

function procRefusal(word: string, resolved: string): GrammarRefusal | undefined {
  const segs = resolved.split("/").slice(1);
  if (segs[0] !== "proc") return undefined;
  let i = 1;
  // /proc/<pid>/…, /proc/self/…, /proc/thread-self/…, and /proc/<pid>/task/<tid>/…
  while (i < segs.length && /^(\d+|self|thread-self)$/.test(segs[i])) {
    const entry = segs[i + 1];
    if (entry === undefined) return undefined;
    if (!PROC_DESCRIPTIVE.has(entry)) {
      return new GrammarRefusal(
        "secret",
        `the path ${JSON.stringify(word)} (${resolved}) goes through /proc/${segs[i]}/${entry}, ` +
          "which reaches another process's files, memory or environment; only descriptive " +
          `entries (${[...PROC_DESCRIPTIVE].join(", ")}) may be read`,
      );
    }
    if (entry !== "task") return undefined;
    i += 2;
  }
  return undefined;
}

/** Refuses wildcard characters and anything but printable ASCII in a path. */
function plainPath(word: string, what: string): void {
  ascii(word, what);
  const m = /[*?[\]]/.exec(word);
  if (m) {
    throw new GrammarRefusal(
      "arguments",
      `${what} ${JSON.stringify(word)} contains the wildcard '${m[0]}': wildcards are not ` +
        "expanded here (and would be by some Windows programs); name the file itself",
    );
  }
}

/**
 * Accepts a path argument, or throws: protected files (Linux or Windows reading), process
 * aliases, raw devices for content readers, UNC/device/8.3 forms, wildcards, non-ASCII.
 * `-` (standard input) is always fine.
 */
export function checkPath(word: string, access: PathAccess, what = "the path"): void {
  if (word === "-") return;
  plainPath(word, what);
  const linux = linuxPath(word);
  const proc = procRefusal(word, linux);
  if (proc) throw proc;
  const lglob = LINUX_SECRETS.find((g) => globMatch(g, linux));
  if (lglob) throw secretRefusal(word, linux, lglob, "Linux");
  if (
    access === "read" && (linux === "/dev" || linux.startsWith("/dev/")) && !DEV_READABLE.has(linux)
  ) {
    throw new GrammarRefusal(
      "secret",
      `${what} ${JSON.stringify(word)} is a device: reading a raw disk or memory device ` +
        "bypasses every file permission, and most others never end",
    );
  }
  const win = windowsPath(word);
  if ("refused" in win) {
    throw new GrammarRefusal("secret", `${what} ${JSON.stringify(word)}: ${win.refused}`);
  }
  const wglob = WINDOWS_SECRETS.find((g) => globMatch(g, win.path));
  if (wglob) throw secretRefusal(word, win.path, wglob, "Windows");
}

function coversTree(root: string, tree: string): boolean {
  const r = root.endsWith("/") ? root : `${root}/`;
  return root === tree || tree.startsWith(r) || root.startsWith(`${tree}/`);
}

/**
 * Accepts the starting point of a recursive reader (`grep -r`, `find`, `ls -R`), or throws when
 * the walk would cover a protected tree (or start inside one). Checks the path itself first.
 */
export function checkRecursiveRoot(word: string, what = "the starting point"): void {
  checkPath(word === "-" ? "/" : word, "read", what);
  const linux = linuxPath(word);
  const lt = linux === "/" ? "/" : LINUX_PROTECTED_TREES.find((t) => coversTree(linux, t));
  const win = windowsPath(word);
  const wpath = "path" in win ? win.path : "";
  const wt = /^[a-z]:\/?$/.test(wpath)
    ? wpath
    : WINDOWS_PROTECTED_TREES.find((t) => coversTree(wpath, t));
  const tree = lt ?? wt;
  if (tree) {
    throw new GrammarRefusal(
      "secret",
      `a recursive read of ${JSON.stringify(word)} would walk ${tree}, which holds secrets ` +
        `(recursive readers stay out of ${LINUX_PROTECTED_TREES.join(", ")} and the Windows ` +
        "system and user trees)",
    );
  }
}
