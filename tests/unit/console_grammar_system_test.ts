/** The procps, util-linux and systemd grammars: reading forms pass, everything else is refused. */

import { grammarAccepts, grammarRefuses } from "./console_support.ts";

const w = (s: string) => s.split(" ").filter(Boolean);

Deno.test("ps: BSD, UNIX and GNU forms; never the environment", () => {
  grammarAccepts("ps", [], w("aux"), w("-ef"), w("axjf"), w("-eLf"), w("-p 1 -o pid,cmd"));
  grammarAccepts("ps", w("-eo pid,ppid,%mem,cmd --sort=-%mem"), w("--forest -e"), w("1,2"));
  grammarAccepts(
    "ps",
    w("-o pid=PID,args=COMMAND"),
    w("axo pid,comm"),
    w("-C sshd"),
    w("--help all"),
  );
  grammarRefuses("ps", "arguments", w("e"), w("auxe"), w("-o environ"), w("--format pid,environ"));
  grammarRefuses("ps", "arguments", w("-o bogus"), w("--sor=pid"), w("-Q"), w("-"), w("-o"));
});

Deno.test("free, uptime, vmstat: no forms that repeat past the call", () => {
  grammarAccepts("free", [], w("-m"), w("-h --si"), w("-c 3 -s 2"), w("--count=5"), w("-wt"));
  grammarRefuses(
    "free",
    "arguments",
    w("-s 1"),
    w("-c 400"),
    w("-s 100 -c 10"),
    w("--seconds 1"),
    w("x"),
  );
  grammarAccepts("uptime", [], w("-p"), w("--since"));
  grammarRefuses("uptime", "arguments", w("--pr"), w("now"));
  grammarAccepts("vmstat", [], w("1 5"), w("-s"), w("-d"), w("-S M 2 3"), w("-p sda1"));
  grammarRefuses("vmstat", "arguments", w("1"), w("10 100"), w("1 2 3"), w("-S G"));
});

Deno.test("dmesg: reading the ring buffer, never clearing or following", () => {
  grammarAccepts(
    "dmesg",
    [],
    w("-T"),
    w("--level=err,warn"),
    w("-l err -T"),
    w("-H -P"),
    w("-x -k"),
  );
  grammarAccepts(
    "dmesg",
    w("-Lnever"),
    w("--color=always"),
    w("--since -1h"),
    w("-F /var/log/dmesg"),
  );
  grammarRefuses("dmesg", "arguments", w("-C"), w("-c"), w("-Tc"), w("-n 1"), w("-D"), w("-E"));
  grammarRefuses(
    "dmesg",
    "arguments",
    w("-w"),
    w("-W"),
    w("--clear"),
    w("--cle"),
    w("--follow"),
    w("x"),
  );
  grammarRefuses("dmesg", "secret", w("-F /etc/shadow"));
});

Deno.test("lsblk, findmnt, lscpu: listing", () => {
  grammarAccepts("lsblk", [], w("-f"), w("-o NAME,SIZE,MOUNTPOINT"), w("-J /dev/sda"), w("-Tname"));
  grammarRefuses("lsblk", "arguments", w("--sysroot /"), w("--sys=/"), w("-w x"));
  grammarAccepts(
    "findmnt",
    [],
    w("-D"),
    w("-t ext4,xfs"),
    w("-T /var/log"),
    w("--real -J"),
    w("/"),
  );
  grammarRefuses("findmnt", "arguments", w("-p"), w("--poll"), w("--po"), w("-w 10"));
  grammarRefuses("findmnt", "secret", w("-F /etc/shadow"), w("/proc/1/root"));
  grammarAccepts("lscpu", [], w("-e"), w("-ecpu,core"), w("-J"), w("--caches=name"));
  grammarRefuses("lscpu", "arguments", w("-s /"), w("-e cpu"), w("--sys=/"));
});

Deno.test("mount: listing only", () => {
  grammarAccepts("mount", [], w("-l"), w("-t ext4"), w("-lt xfs"), w("--types=nfs4"));
  grammarRefuses(
    "mount",
    "arguments",
    w("/dev/sdb1 /mnt"),
    w("-a"),
    w("-o remount,ro /"),
    w("--bind / /mnt"),
    w("-t tmpfs none /mnt"),
    w("--al"),
    w("-T /etc/fstab"),
  );
});

Deno.test("systemctl: reading verbs; options that take values are known", () => {
  grammarAccepts("systemctl", [], w("status nginx"), w("status nginx --no-pager -l -n 20"));
  grammarAccepts(
    "systemctl",
    w("is-active ssh cron"),
    w("list-units --type=service --state=failed"),
  );
  grammarAccepts("systemctl", w("-t timer list-units"), w("show -p ActiveState,SubState nginx"));
  grammarAccepts(
    "systemctl",
    w("-P MainPID show ssh"),
    w("--failed"),
    w("cat ssh"),
    w("status 1234"),
  );
  grammarAccepts("systemctl", w("list-dependencies --reverse ssh"), w("--legend=no list-timers"));
  grammarRefuses(
    "systemctl",
    "arguments",
    w("restart nginx"),
    w("--message status reboot"),
    w("--mes x status"),
    w("-p Id reboot"),
    w("-H host status"),
    w("-M c status"),
    w("--root=/x list-units"),
    w("--user status"),
    w("-s KILL kill x"),
    w("--no-block status"),
    w("-o bogus status"),
    w("status --lines"),
    w("edit x"),
    w("show-environment"),
    w("log-level"),
    w("Status nginx"),
  );
});

Deno.test("journalctl: reading the journal; peeking -n and -b like journalctl does", () => {
  grammarAccepts("journalctl", [], w("-u nginx -n 50 --no-pager"), w("-b -1 -p err"), w("-n"));
  grammarAccepts("journalctl", w("-b"), w("-b all"), w("--boot=-2"), w("-n all -r"), w("-nall"));
  grammarAccepts("journalctl", w("_SYSTEMD_UNIT=ssh.service + _PID=1"), w("/usr/sbin/sshd -n 5"));
  grammarAccepts(
    "journalctl",
    w("-k -o short-iso"),
    w("--since today --until now"),
    w("-g fail --case-sensitive=no"),
  );
  grammarAccepts(
    "journalctl",
    w("--list-boots"),
    w("--disk-usage"),
    w("-F _SYSTEMD_UNIT"),
    w("-N"),
  );
  grammarRefuses(
    "journalctl",
    "arguments",
    w("-f"),
    w("--follow"),
    w("-u x -f"),
    w("-fu x"),
    w("--cursor-file=/tmp/c"),
    w("--vacuum-size=1G"),
    w("--vacuum-files=1"),
    w("--rotate"),
    w("--flush"),
    w("--sync"),
    w("--relinquish-var"),
    w("--smart-relinquish-var"),
    w("--setup-keys"),
    w("--update-catalog"),
    w("-D /var/log/journal"),
    w("--file=x"),
    w("--root=/"),
    w("-M c"),
    w("-n --rotate"),
    w("-o bogus"),
    w("nginx"),
  );
});
