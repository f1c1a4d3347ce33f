import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  encodeBasicCredentials,
  MAX_BASIC_HEADER_LENGTH,
  parseBasicCredentials,
} from "../../src/protocol/basic-auth.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

function ok(header: string | undefined): { clientId: string; clientSecret: string } {
  const r = parseBasicCredentials(header);
  assert.ok(r.ok, r.ok ? "" : r.description);
  return { clientId: r.clientId, clientSecret: r.clientSecret };
}

function bad(header: string | undefined, fragment?: string): void {
  const r = parseBasicCredentials(header);
  assert.ok(!r.ok, `expected ${JSON.stringify(header)} to be refused`);
  assert.ok(r.description.length > 0);
  if (fragment !== undefined) assert.ok(r.description.includes(fragment), r.description);
}

describe("parseBasicCredentials", () => {
  it("reads plain credentials, with the scheme in any case", () => {
    for (const scheme of ["Basic", "basic", "BASIC", "bAsIc"]) {
      assert.deepEqual(ok(`${scheme} ${b64("client:secret")}`), {
        clientId: "client",
        clientSecret: "secret",
      });
    }
    assert.deepEqual(ok(`  Basic   ${b64("client:secret")}  `), {
      clientId: "client",
      clientSecret: "secret",
    });
  });

  it("splits at the first colon", () => {
    assert.deepEqual(ok(`Basic ${b64("id:se:cr:et")}`), { clientId: "id", clientSecret: "se:cr:et" });
    assert.deepEqual(ok(`Basic ${b64("id:")}`), { clientId: "id", clientSecret: "" });
  });

  it("decodes %XX in both parts but keeps a literal +", () => {
    assert.deepEqual(ok(`Basic ${b64("my%20id:a+b%2Bc%3Ad%25e")}`), {
      clientId: "my id",
      clientSecret: "a+b+c:d%e",
    });
    assert.deepEqual(ok(`Basic ${b64("id%3Ax:s")}`), { clientId: "id:x", clientSecret: "s" });
    assert.deepEqual(ok(`Basic ${b64("id:%C3%A9t%c3%a9")}`), { clientId: "id", clientSecret: "été" });
    assert.deepEqual(ok(`Basic ${b64("id:+++")}`), { clientId: "id", clientSecret: "+++" });
    assert.deepEqual(ok(`Basic ${b64("id:été")}`), { clientId: "id", clientSecret: "été" });
  });

  it("accepts unpadded base64", () => {
    const padded = b64("id:s");
    assert.ok(padded.endsWith("="));
    assert.deepEqual(ok(`Basic ${padded.replace(/=+$/, "")}`), { clientId: "id", clientSecret: "s" });
  });

  it("refuses missing or foreign schemes", () => {
    bad(undefined, "missing");
    bad("", "missing");
    bad("   ", "missing");
    bad(`Bearer ${b64("id:s")}`, "Basic");
    bad(`Basic${b64("id:s")}`, "Basic");
    bad("Basic", "empty");
    bad("Basic   ", "empty");
  });

  it("refuses garbage base64", () => {
    for (const token of [
      "not base64!",
      "a",
      "abc=d",
      "YQ=",
      "YR==",
      "YQ===",
      "Y Q==",
      "%%%%",
      "aWQ6cw==aWQ6cw==",
      "-_-_",
    ]) {
      bad(`Basic ${token}`);
    }
  });

  it("refuses credentials without a colon, with an empty id, or with invalid encodings", () => {
    bad(`Basic ${b64("nocolon")}`, "client_id:client_secret");
    bad(`Basic ${b64(":secret")}`, "empty client id");
    bad(`Basic ${b64("id:50%")}`, "percent-encoding");
    bad(`Basic ${b64("id:%4")}`, "percent-encoding");
    bad(`Basic ${b64("id:%zz")}`, "percent-encoding");
    bad(`Basic ${b64("%g0:s")}`, "percent-encoding");
    bad(`Basic ${b64("id:%FF")}`, "percent-encoding");
    bad(`Basic ${Buffer.from([0x69, 0x64, 0x3a, 0xff]).toString("base64")}`, "UTF-8");
  });

  it("bounds the header length", () => {
    const secret = "s".repeat(MAX_BASIC_HEADER_LENGTH);
    bad(`Basic ${b64(`id:${secret}`)}`, "longer than");
  });

  it("round-trips credentials encoded per RFC 6749 (percent-encode, then base64)", () => {
    const special = fc.constantFrom("+", ":", "%", " ", "=", "/", "&", "é", "😀", "%41", "%2B");
    const part = fc
      .array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 4 }), special), { maxLength: 12 })
      .map((xs) => xs.join(""));
    fc.assert(
      fc.property(
        part.filter((s) => s.length > 0),
        part,
        (clientId, clientSecret) => {
          const header = encodeBasicCredentials(clientId, clientSecret);
          if (header.length > MAX_BASIC_HEADER_LENGTH) return;
          assert.deepEqual(ok(header), { clientId, clientSecret });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("matches encodeURIComponent-based clients", () => {
    const clientId = "svc+1@example.com";
    const clientSecret = "p+a:s%s w/o=rd";
    const header = `Basic ${b64(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`;
    assert.deepEqual(ok(header), { clientId, clientSecret });
  });

  it("never throws on arbitrary headers", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.string({ unit: "binary" }).map((s) => `Basic ${s}`),
          fc.uint8Array({ maxLength: 64 }).map((u) => `Basic ${Buffer.from(u).toString("base64")}`),
        ),
        (header) => {
          const r = parseBasicCredentials(header);
          if (!r.ok) assert.equal(typeof r.description, "string");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
