/** The coreutils, grep and find grammars: each accepts its reading forms and nothing else. */

import { grammarAccepts, grammarRefuses } from "./console_support.ts";

const w = (s: string) => s.split(" ").filter(Boolean);

Deno.test("cat: flags and readable files", () => {
  grammarAccepts("cat", [], w("-n /etc/hosts"), w("-A -"), w("--show-all /etc/os-release"));
  grammarRefuses("cat", "secret", w("/etc/shadow"), w("-- /etc/shadow"), w("/proc/1/root/x"));
  grammarRefuses("cat", "arguments", w("--number=1"), w("--num"), w("-z"));
});

Deno.test("head and tail: counts, the obsolete -NUM, no following", () => {
  grammarAccepts("head", w("-n 5 /etc/hosts"), w("-5 /etc/hosts"), w("-c -10"), w("-qn3 a b"));
  grammarAccepts("tail", w("-n +5 /var/log/syslog"), w("-100"), w("--lines=20 --verbose x"));
  grammarRefuses("head", "arguments", w("-n five"), w("--lin=5"));
  grammarRefuses(
    "tail",
    "arguments",
    w("-f x"),
    w("-F"),
    w("-5f x"),
    w("+5 x"),
    w("--follow"),
    w("-s 1"),
  );
});

Deno.test("wc, cut, uniq, tr: readers of files or stdin", () => {
  grammarAccepts("wc", w("-l /etc/passwd"), w("-lwc"), ["--max-line-length"]);
  grammarRefuses("wc", "arguments", w("--files0-from=-"), w("--total=never"));
  grammarAccepts("cut", w("-d : -f 1,3 /etc/passwd"), w("-c1-10"), ["--output-delimiter= "]);
  grammarRefuses("cut", "arguments", w("-f x"), w("--fields"));
  grammarAccepts("uniq", w("-c"), w("-cd /tmp/sorted"), w("--group=append"), w("-f 2 -w 5 -"));
  grammarRefuses("uniq", "arguments", w("a b"), w("--all-repeated=all"), w("-5"));
  grammarAccepts("tr", w("a-z A-Z"), w("-d 0-9"), w("-s ' '"));
  grammarRefuses("tr", "arguments", w("a b c"), w("--squeeze"));
});

Deno.test("ls, stat, du, df: metadata; ls -R only outside protected trees", () => {
  grammarAccepts("ls", w("-la /var/log"), w("-lhS --time-style=long-iso /tmp"), w("--color=never"));
  grammarAccepts("ls", w("-R /var/log"), w("-1 --sort=size /srv"), w("-w 0 /"));
  grammarRefuses("ls", "secret", w("-R /"), w("-R"), w("/root"), w("-laR /home"));
  grammarRefuses("ls", "arguments", w("--colour"), w("--rec /var/log"), w("-w wide"));
  grammarAccepts(
    "stat",
    w("/etc/hosts"),
    w("-c %s%n /etc/hosts"),
    w("-f /"),
    w("--printf=%i\\n /"),
  );
  grammarRefuses("stat", "secret", w("/etc/gshadow"));
  grammarAccepts("du", w("-sh /var/log"), w("-h --max-depth=1 /var"), w("-a --exclude=*.gz /srv"));
  grammarRefuses("du", "arguments", w("--files0-from=x"), w("-L /"), w("-X f /"));
  grammarAccepts("df", w("-h"), w("-hT /"), w("-i"), w("--output=source,pcent"), w("-x tmpfs"));
  grammarRefuses("df", "arguments", w("--sync"), w("--out"), w("-t"));
});

Deno.test("uname, id, whoami, echo", () => {
  grammarAccepts("uname", [], w("-a"), w("-srm"), w("--kernel-release"));
  grammarRefuses("uname", "arguments", w("x"), w("--kernel"));
  grammarAccepts("id", [], w("-un"), w("root"), w("-G www-data"));
  grammarRefuses("id", "arguments", w("--us"), w("/etc/shadow"));
  grammarAccepts("echo", [], w("hello world"), w("-n -e x\\ty"), ["caf\u00e9"]);
  grammarRefuses("echo", "characters", ["a\u0000"], ["\u2212n"]);
});

Deno.test("sort: reading options only; no writer, no program, no Windows /O", () => {
  grammarAccepts(
    "sort",
    w("-rn /var/log/x"),
    w("-t : -k 3,3n /etc/passwd"),
    w("-u -"),
    w("--sort=version"),
  );
  grammarAccepts("sort", w("-c"), w("--check=quiet"), w("-k2 -k1"), w("var/tmp/x"));
  grammarRefuses(
    "sort",
    "arguments",
    w("-o x"),
    w("--output=x"),
    w("--out=x"),
    w("-uo x"),
    w("--compress-program=gzip"),
    w("-T /tmp"),
    w("-S 1G"),
    w("--parallel=2"),
    w("--files0-from=-"),
    w("--random-source=/dev/urandom"),
    w("/O x"),
    w("/t x"),
    w("--sort=sh"),
  );
});

Deno.test("date: formats and reading only", () => {
  grammarAccepts(
    "date",
    [],
    w("+%s"),
    w("-u +%FT%TZ"),
    w("-d yesterday +%F"),
    w("-Iseconds"),
    w("-R"),
  );
  grammarAccepts("date", w("--rfc-3339=ns"), w("-r /etc/hosts"), w("--date=@0"));
  grammarRefuses(
    "date",
    "arguments",
    w("-s now"),
    w("--set=now"),
    w("--se=now"),
    w("0101"),
    w("-Ix"),
  );
  grammarRefuses("date", "secret", w("-f /etc/shadow"));
});

Deno.test("seq and sleep (catalog extras): bounded", () => {
  grammarAccepts("seq", w("10"), w("1 2 9"), w("-5 5"), w("-w 1 10"), w("-f %.2f 1 3"));
  grammarRefuses("seq", "arguments", w("1 100000000"), w("inf"), w("-f %n 1"), w("1 0 5"));
  grammarAccepts("sleep", w("1"), w("0.5"), w("2m"), w("1 2 3"));
  grammarRefuses("sleep", "arguments", w("infinity"), w("inf"), w("2h"), w("-1"), []);
});

Deno.test("grep: patterns, files, -r outside protected trees, no -R", () => {
  grammarAccepts("grep", w("-i error /var/log/syslog"), w("-c processor /proc/cpuinfo"));
  grammarAccepts(
    "grep",
    w("-e a -e b /var/log/x"),
    w("-rn error /var/log/nginx"),
    w("-5 x /var/log/y"),
  );
  grammarAccepts(
    "grep",
    w("-E a|b -"),
    w("--color=never -o x"),
    w("-f /etc/nginx/patterns /var/log/x"),
  );
  grammarAccepts("grep", ["-P", "\\d+ caf\u00e9", "/srv/x"]);
  grammarRefuses(
    "grep",
    "secret",
    w("x /etc/shadow"),
    w("-r x /etc"),
    w("-r x"),
    w("-d recurse x /"),
  );
  grammarRefuses("grep", "secret", w("-f /etc/shadow x"), w("-rl x /home/u"), w("x /dev/sda"));
  grammarRefuses(
    "grep",
    "arguments",
    w("-R x /var/log"),
    w("--rec x /var/log"),
    w("-d walk x"),
    [],
  );
});

Deno.test("find (catalog extra): tests and printing; no exec, delete, writes", () => {
  grammarAccepts("find", w("/var/log -name *.gz -mtime +7"), w("/srv -type f -size +100M -print"));
  grammarAccepts(
    "find",
    w("/opt ( -name a -o -name b ) -prune"),
    w("-P /tmp -maxdepth 1 -newer /tmp/x"),
  );
  grammarAccepts("find", w("/var/log -newermt 2024-01-01 -printf %p\\n"));
  grammarRefuses("find", "secret", w("/ -name x"), w("/etc -name x"), [], w("-name x"), w("/home"));
  grammarRefuses(
    "find",
    "arguments",
    w("/tmp -exec rm {} ;"),
    w("/tmp -delete"),
    w("/tmp -fprint /etc/x"),
    w("/tmp -fls x"),
    w("/tmp -files0-from x"),
    w("-L /tmp"),
    w("/tmp -follow"),
    w("/tmp -ok rm ;"),
    w("/tmp -name"),
    w("/tmp -execdir sh"),
  );
});
