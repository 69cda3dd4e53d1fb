/** The Windows program grammars (/switches) and the PowerShell cmdlet grammars. */

import { grammarAccepts, grammarRefuses } from "./console_support.ts";

const w = (s: string) => s.split(" ").filter(Boolean);

Deno.test("ipconfig: showing only", () => {
  grammarAccepts(
    "ipconfig",
    [],
    w("/all"),
    w("/ALL"),
    w("-all"),
    w("/displaydns"),
    w("/allcompartments /all"),
  );
  grammarRefuses(
    "ipconfig",
    "arguments",
    w("/release"),
    w("/release6"),
    w("/renew"),
    w("/renew6"),
    w("/flushdns"),
    w("/registerdns"),
    w("/setclassid Ethernet x"),
    w("/showclassid Ethernet"),
    w("/rel"),
    w("/all Ethernet"),
    w("all"),
  );
  grammarRefuses("ipconfig", "characters", ["\uff0frelease"]);
});

Deno.test("systeminfo and tasklist: the local computer only", () => {
  grammarAccepts("systeminfo", [], w("/fo list"), w("/FO CSV /NH"));
  grammarRefuses(
    "systeminfo",
    "arguments",
    w("/s dc1"),
    w("/u a /p b"),
    w("/fo xml"),
    w("/fo"),
    w("dc1"),
  );
  grammarAccepts(
    "tasklist",
    [],
    w("/svc"),
    w("/v /fo csv"),
    w("/m"),
    w("/m ntdll.dll"),
    w("/apps"),
  );
  grammarAccepts("tasklist", [
    "/fi",
    "STATUS eq running",
    "/fi",
    "USERNAME ne NT AUTHORITY\\SYSTEM",
  ]);
  grammarRefuses("tasklist", "arguments", w("/s dc1"), w("/u x"), w("/p x"), w("/fo json"), w("x"));
});

Deno.test("whoami: Windows switches and GNU's --help", () => {
  grammarAccepts(
    "whoami",
    [],
    w("/all"),
    w("/user /groups /priv /fo list"),
    w("/upn"),
    w("--version"),
  );
  grammarRefuses("whoami", "arguments", w("x"), w("/fo"), w("/bogus"), w("--he"));
});

Deno.test("PowerShell cmdlets: exact parameter names, local only, file paths only", () => {
  grammarAccepts(
    "get-service",
    [],
    w("W32Time"),
    w("-Name W32Time"),
    w("-name w32time"),
    w("-DisplayName Windows*"),
  );
  grammarAccepts("get-process", w("-Name svchost"), w("-Id 4,8"), w("-IncludeUserName"));
  grammarAccepts(
    "get-childitem",
    w("C:\\inetpub\\logs -Recurse -Filter *.log"),
    w("-Path C:\\ -Force"),
  );
  grammarAccepts(
    "get-content",
    w("C:\\Windows\\Logs\\CBS\\CBS.log -Tail 50"),
    w("-Path C:\\x.txt -TotalCount 5"),
  );
  grammarAccepts("get-winevent", w("-LogName System -MaxEvents 20"), w("Application -Oldest"));
  grammarAccepts("where-object", w("Status -eq Running"), w("-Property CPU -GT -Value 10"));
  grammarAccepts("select-object", w("Name,Status"), w("-First 10"), w("-ExpandProperty Name"));
  grammarAccepts("get-childitem", w("-Recurse:$false C:\\"));
  grammarRefuses(
    "get-process",
    "arguments",
    w("-ComputerName dc1"),
    w("-Comp dc1"),
    w("-cn dc1"),
    w("a b"),
  );
  grammarRefuses("get-service", "arguments", w("-ComputerName dc1"), w("-N W32Time"), w("-Name"));
  grammarRefuses(
    "get-content",
    "arguments",
    w("C:\\x -Stream s"),
    w("C:\\x -Wait"),
    w("C:\\x -Credential u"),
  );
  grammarRefuses(
    "get-content",
    "secret",
    w("HKLM:\\SAM"),
    w("Env:PATH"),
    w("Cert:\\"),
    w("FileSystem::C:\\x"),
  );
  grammarRefuses(
    "get-content",
    "secret",
    w("C:\\Windows\\System32\\config\\SAM"),
    w("\\\\host\\share\\x"),
  );
  grammarRefuses("get-childitem", "arguments", w("-Recurse"), w("-Recurse:1"));
  grammarRefuses(
    "get-childitem",
    "secret",
    w("-Recurse C:\\"),
    w("C:\\Users -Recurse"),
    w("-Path C:\\Windows -Recurse"),
  );
  grammarRefuses(
    "get-winevent",
    "arguments",
    w("-ComputerName dc1"),
    w("-Path x.evtx"),
    w("-Credential u"),
  );
  grammarRefuses(
    "get-ciminstance",
    "arguments",
    w("-ComputerName dc1 Win32_OS"),
    w("-CimSession s x"),
  );
});
