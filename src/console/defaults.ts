/**
 * Default lists of the `console` policy. Pure data (no imports), so the config
 * schema can use them without an import cycle.
 *
 * Why these defaults: the tool is for *diagnosing* a guest, so the allowlist is
 * read-only inspection commands an admin would type first when something is
 * wrong (load, disk, memory, services, logs, network, identity). Every entry
 * has a grammar (src/console/grammar/) that accepts only its reading forms,
 * so programs that could change state (systemctl, journalctl, ip, ss, mount,
 * date, hostname, dmesg, sort) are kept to reading. The catalog has a few more
 * grammars an administrator may add (find, seq, sleep, test-netconnection,
 * resolve-dnsname, convertto-json).
 *
 * @example
 * ```ts
 * import { DEFAULT_ALLOW, DEFAULT_DENY } from "./defaults.ts";
 * console.log(DEFAULT_ALLOW.includes("uptime"), DEFAULT_DENY.includes("rm")); // true true
 * ```
 *
 * @module
 */

/** Programs (argv[0] basenames or globs) allowed by default: read-only diagnostics. */
export const DEFAULT_ALLOW: readonly string[] = [
  // Linux
  "uptime",
  "df",
  "du",
  "free",
  "uname",
  "cat",
  "head",
  "tail",
  "wc",
  "grep",
  "ls",
  "stat",
  "ps",
  "systemctl",
  "journalctl",
  "dmesg",
  "ip",
  "ss",
  "hostname",
  "whoami",
  "id",
  "date",
  "lsblk",
  "findmnt",
  "mount",
  "lscpu",
  "vmstat",
  "echo",
  // Filters, useful in shell mode pipelines
  "sort",
  "uniq",
  "cut",
  "tr",
  // Windows (the same names also resolve there: hostname, whoami)
  "ipconfig",
  "systeminfo",
  "tasklist",
  "netstat",
  // PowerShell, in shell mode: the Get-* cmdlets that have a grammar (they only read), plus the
  // usual formatting pipeline. Network probes (Test-NetConnection, Resolve-DnsName) are opt-in.
  "get-*",
  "select-object",
  "select-string",
  "where-object",
  "sort-object",
  "measure-object",
  "format-table",
  "format-list",
  "out-string",
];

/**
 * Programs refused even when the allowlist would match (deny wins). Destructive
 * tools, power control, user and permission changes, network clients that move
 * data out, interpreters and shells (which run arbitrary code), package
 * managers, and PowerShell verbs that change state (checked in shell mode).
 */
export const DEFAULT_DENY: readonly string[] = [
  "rm",
  "rmdir",
  "shred",
  "dd",
  "mkfs*",
  "mkswap",
  "wipefs",
  "fdisk",
  "sfdisk",
  "parted",
  "truncate",
  "mv",
  "cp",
  "ln",
  "tee",
  "shutdown",
  "reboot",
  "poweroff",
  "halt",
  "init",
  "telinit",
  "kill*",
  "pkill",
  "taskkill",
  "chmod",
  "chown",
  "chattr",
  "passwd",
  "chpasswd",
  "useradd",
  "userdel",
  "usermod",
  "groupadd",
  "groupdel",
  "crontab",
  "iptables*",
  "nft",
  "curl",
  "wget",
  "nc",
  "ncat",
  "netcat",
  "socat",
  "ssh",
  "scp",
  "sftp",
  "rsync",
  "python*",
  "perl*",
  "ruby*",
  "node",
  "php*",
  "lua*",
  "awk",
  "gawk",
  "mawk",
  "nawk",
  "tclsh",
  "expect",
  "bash",
  "sh",
  "zsh",
  "dash",
  "ksh",
  "csh",
  "tcsh",
  "fish",
  "apt*",
  "dpkg",
  "yum",
  "dnf",
  "rpm",
  "zypper",
  "pacman",
  "snap",
  "pip*",
  "vi",
  "vim",
  "nano",
  // Windows programs
  "powershell*",
  "pwsh",
  "cmd",
  "wscript",
  "cscript",
  "mshta",
  "rundll32",
  "regsvr32",
  "reg",
  "bcdedit",
  "diskpart",
  "format",
  "net",
  "net1",
  "netsh",
  "sc",
  "schtasks",
  "wmic",
  "msiexec",
  "certutil",
  "bitsadmin",
  // PowerShell verbs that change state (matched against each command word in shell mode)
  "remove-*",
  "stop-*",
  "restart-*",
  "set-*",
  "new-*",
  "invoke-*",
  "start-process",
  "clear-*",
  "disable-*",
  "enable-*",
  "install-*",
  "uninstall-*",
  "rename-*",
  "move-*",
  "copy-*",
  "add-*",
  "out-file",
  "suspend-*",
  "format-volume",
  "initialize-*",
  "reset-*",
  "register-*",
  "unregister-*",
];

/**
 * Argument globs refused for every program, on top of the built-in protected
 * paths of the grammars (grammar/paths.ts, always on). Arguments that look
 * like paths are normalised first (`/etc/../etc/shadow` is caught).
 */
export const DEFAULT_DENY_ARGS: readonly string[] = [
  "/etc/shadow*",
  "/etc/gshadow*",
  "/etc/ssh/ssh_host_*key",
  "*/.ssh/id_*",
  "/proc/*/environ",
  "/etc/pve/priv/*",
];

/**
 * Programs whose only purpose here would be to run another program (or the
 * same one as someone else). Always refused: the guest agent already runs as
 * root (or SYSTEM), so `sudo` adds nothing, and the target program can be
 * called directly, where the policy can see it.
 */
export const WRAPPERS: readonly string[] = [
  "env",
  "sudo",
  "doas",
  "su",
  "runuser",
  "pkexec",
  "nice",
  "ionice",
  "renice",
  "chrt",
  "taskset",
  "nohup",
  "timeout",
  "xargs",
  "busybox",
  "toybox",
  "stdbuf",
  "setsid",
  "chroot",
  "nsenter",
  "unshare",
  "flock",
  "watch",
  "strace",
  "ltrace",
  "gdb",
  "script",
  "time",
  "exec",
  "command",
  "builtin",
  "eval",
  "sg",
  "newgrp",
  "setpriv",
  "capsh",
  "systemd-run",
  "start",
  "runas",
];
