/** The JSON span editor: paths, exact preservation, and strictness like JSON.parse. */

import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import {
  applyEdits,
  JsonSyntaxError,
  replaceValueAt,
  scanStrings,
} from "../../src/crypto/json_edit.ts";
import { collectSecrets } from "../../src/config/secrets.ts";

Deno.test("scanStrings: paths match collectSecrets, values decoded", () => {
  const text = `{"auth": {"token_value": "a\\"b\\u00e9"}, "clusters": {"lab": {"auth": ` +
    `{"token_value": "x"}}}, "http": {"tokens": [{"token": "t0"}, {"token": "t1"}]}, "n": [1, true, null]}`;
  const spans = scanStrings(text);
  const doc = JSON.parse(text);
  const secrets = collectSecrets(doc);
  for (const [path, value] of secrets) {
    const span = spans.find((s) => s.path === path);
    assertEquals(span?.value, value, path);
  }
  assertEquals(spans[0].value, 'a"bé');
  assertEquals(text.slice(spans[0].start, spans[0].end), '"a\\"b\\u00e9"');
});

Deno.test("edits change only the spans: CRLF, tabs, BOM, comments-free oddities kept", () => {
  const text =
    '\uFEFF{\r\n\t"auth"  :{ "token_value":"old" ,"user":"u@pve"},\r\n  "x":[ 1e3 , -0.5 ]\r\n}\r\n';
  const out = replaceValueAt(text, "auth.token_value", "enc:v1:k:AAAA");
  assertEquals(
    out,
    '\uFEFF{\r\n\t"auth"  :{ "token_value":"enc:v1:k:AAAA" ,"user":"u@pve"},\r\n  "x":[ 1e3 , -0.5 ]\r\n}\r\n',
  );
});

Deno.test("a repeated key is replaced everywhere (JSON.parse keeps the last)", () => {
  const text = '{"a": "1", "a": "2"}';
  assertEquals(replaceValueAt(text, "a", "z"), '{"a": "z", "a": "z"}');
});

Deno.test("applyEdits: order-independent, refuses overlaps", () => {
  const text = '["a","b","c"]';
  const [a, , c] = scanStrings(text);
  assertEquals(
    applyEdits(text, [{ span: c, value: "C" }, { span: a, value: "A" }]),
    '["A","b","C"]',
  );
  assertThrows(
    () => applyEdits(text, [{ span: a, value: "1" }, { span: a, value: "2" }]),
    RangeError,
  );
});

Deno.test("rejects what JSON.parse rejects", () => {
  const bad = [
    "",
    "{",
    '{"a":1,}',
    "[1,]",
    "{'a':1}",
    '{"a":01}',
    '{"a":"\t"}',
    '{"a":"\\x"}',
    '{"a":1} 2',
    "{a:1}",
    '{"a" 1}',
    "// c\n{}",
  ];
  for (const text of bad) {
    let parsed = true;
    try {
      JSON.parse(text);
    } catch {
      parsed = false;
    }
    assert(!parsed, `JSON.parse accepted ${text}`);
    assertThrows(() => scanStrings(text), JsonSyntaxError);
  }
  for (const text of ['"s"', "1", "[]", "{}", ' { "a" : [ { } , [ ] , "x" ] } ', '{"":"e"}']) {
    JSON.parse(text);
    scanStrings(text);
  }
});
