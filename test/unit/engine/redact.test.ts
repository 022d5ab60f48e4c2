import { describe, expect, it } from "vitest";
import { Redactor } from "../../../installer/engine/redact.js";
import { redactConfigSecrets } from "../../../installer/engine/config-values.js";
import { Secret } from "../../../sdk/internal.js";

const KEY = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSUPERSECRETKEYMATERIAL0123456789abcdef";

describe("Redactor", () => {
  it("never masks numbers or strings shorter than 8 characters", () => {
    const r = new Redactor();
    r.addTree(new Secret({ user: "root", port: 2222, host: "10.0.5", key: "long-enough-secret" }));
    expect(r.redact("chown root:root /root/.ssh; port 2222 on 10.0.5; long-enough-secret"))
      .toBe("chown root:root /root/.ssh; port 2222 on 10.0.5; [secret]");
  });

  it("masks a secret's JSON-escaped form (a multi-line key inside a JSON message)", () => {
    const pem = "-----BEGIN KEY-----\nAAAAsecretline1\nBBBBsecretline2\n-----END KEY-----";
    const r = new Redactor();
    r.addTree(new Secret(pem));
    const text = `got ${JSON.stringify({ privateKey: pem })}`;
    expect(r.redact(text)).toBe('got {"privateKey":"[secret]"}');
  });

  it("masks any prefix of 16 characters or more of a secret (a cut-off value)", () => {
    const r = new Redactor();
    r.add(KEY);
    expect(r.redact(`(got "${KEY.slice(0, 57)}...")`)).toBe('(got "[secret]...")');
    expect(r.redact(`x ${KEY.slice(0, 16)} y`)).toBe("x [secret] y");
    // 15 characters are not enough to be sure: ordinary text may share them.
    expect(r.redact(`x ${KEY.slice(0, 15)} y`)).toBe(`x ${KEY.slice(0, 15)} y`);
  });

  it("joins overlapping matches of several secrets into one mask", () => {
    const r = new Redactor();
    r.add("abcdefgh-secret-one");
    r.add("secret-one-and-more");
    expect(r.redact("[abcdefgh-secret-one-and-more]")).toBe("[[secret]]");
  });
});

describe("redactConfigSecrets", () => {
  it("adds a structured secret's strings, never the text [object Object]", () => {
    const r = new Redactor();
    redactConfigSecrets(r, {
      "p:db": { value: { user: "dbadmin-user", password: "structured-pw-123", port: 5432 }, secret: true },
      "p:plain": { value: "not-a-secret-value", secret: false },
    });
    expect(r.redact("[object Object] dbadmin-user structured-pw-123 5432 not-a-secret-value"))
      .toBe("[object Object] [secret] [secret] 5432 not-a-secret-value");
  });
});
