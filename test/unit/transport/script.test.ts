import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildInvocation } from "../../../installer/transport/ssh/script.js";
import { shellQuote, tail } from "../../../installer/transport/types.js";

/** Runs an invocation's script the way sshd would (sh -s, script on stdin), without sudo. */
function runLocally(script: string, env: Record<string, string> = {}): string {
  const inv = buildInvocation("h", script, env);
  return execFileSync("sh", ["-s"], { input: inv.stdin }).toString();
}

describe("remote scripts", () => {
  it("keeps secrets out of the command line: env and sudo password travel on stdin", () => {
    const inv = buildInvocation("h", "echo hi", { TOKEN: "s3cret-value" }, "password", "pw-hunter2");
    expect(inv.command).toBe("sudo -S -k -p '' -- sh -s");
    expect(inv.command).not.toContain("s3cret");
    expect(inv.command).not.toContain("hunter2");
    expect(inv.stdin.startsWith("pw-hunter2\n")).toBe(true);
    expect(inv.stdin).toContain("export TOKEN=s3cret-value");
  });

  it("passes awkward environment values through intact", () => {
    const v = `it's "quoted" $HOME \`x\` \\ ; rm -rf /`;
    expect(runLocally('printf %s "$V"', { V: v })).toBe(v);
  });

  it("a command that reads stdin cannot swallow the rest of the script", () => {
    expect(runLocally("cat\necho after")).toBe("after\n");
  });

  it("refuses bad variable names and a multi-line sudo password", () => {
    expect(() => buildInvocation("h", "true", { "A-B": "x" })).toThrow(/not a valid variable name/);
    expect(() => buildInvocation("h", "true", {}, "password", "a\nb")).toThrow(/newline/);
    expect(() => buildInvocation("h", "true", {}, "password")).toThrow(/needs a password/);
  });

  it("uses sudo -n when no password is needed", () => {
    expect(buildInvocation("h", "true", {}, "nopasswd").command).toBe("sudo -n -- sh -s");
  });

  it("quotes for the shell and tails stderr", () => {
    expect(shellQuote("/etc/x.conf")).toBe("/etc/x.conf");
    expect(execFileSync("sh", ["-c", `printf %s ${shellQuote("a b'c")}`]).toString()).toBe("a b'c");
    const long = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
    expect(tail(long, 3)).toBe("…\nline 27\nline 28\nline 29");
  });
});
