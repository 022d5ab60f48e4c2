/**
 * The benchmarks measure what their names say: the engine bench times an
 * apply, the PKI bench times `drydock up`, and the fan-out bench's drydock
 * side is a real project run through the CLI (review M13, m24, m25).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { phases } from "../../bench/fanout/drydock-up.mjs";
import { writeProject } from "../../bench/fanout/project.mjs";
import { TempProject, freshProjects } from "./cli.js";
import { onPath } from "../unit/pki/tools.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** Runs a bench script with small sizes; returns its exit code and output. */
async function bench(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  const r = await execa(process.execPath, [join(ROOT, "bench", script)], { env, reject: false, all: true, stdin: "ignore" });
  return { code: r.exitCode ?? -1, out: String(r.all) };
}

const noTime = !existsSync("/usr/bin/time");
if (noTime) console.warn("SKIP engine bench: GNU time (/usr/bin/time) is missing (apt-get install time)");

describe.skipIf(noTime)("bench/engine.mjs", () => {
  it("times an up that updates every resource, and names the no-op up for what it is", async () => {
    const r = await bench("engine.mjs", { BENCH_N: "20", BENCH_RUNS: "1" });
    expect(r.out).toMatch(/^up updating all 20 \(s\) +\d+\.\d\d {3}no limit set$/m);
    expect(r.out).toMatch(/^no-op up \(s\), plan pass only +\d+\.\d\d {3}limit 2/m);
    expect(r.out).toContain("first up (creates 20)");
  }, 180_000);
});

const noOpenssl = !onPath("openssl");
if (noOpenssl) console.warn("SKIP pki bench: openssl is not on PATH (apt-get install openssl)");

describe.skipIf(noOpenssl)("bench/pki.mjs", () => {
  it("judges `drydock up` of the PKI, with the library alone as a second figure", async () => {
    const r = await bench("pki.mjs", { BENCH_RUNS: "1", BENCH_ALGS: "ecdsa-p256" });
    expect(r.out).toContain("check drydock up ecdsa-p256: 22 certificates verify with their purposes, keys match");
    expect(r.out).toMatch(/^run 1 ecdsa-p256 drydock up \d+\.\d{3} s {3}library \d+\.\d{3} s/m);
    // drydock up, openssl, their ratio and the verdict come first; the library's figures after.
    expect(r.out).toMatch(/^ecdsa-p256 +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d× +(PASS|FAIL) +\d+\.\d{3}/m);
    expect(r.out).toContain("target (ECDSA, on drydock up)");
  }, 300_000);
});

describe("bench/fanout: the drydock side", () => {
  const { track } = freshProjects();

  it("is a real drydock project: one ssh.Command and one ssh.File per endpoint", async () => {
    const p = track(new TempProject());
    p.file("payload.txt", "x".repeat(1024));
    writeProject(p.dir, {
      hosts: ["10.230.0.11", "10.230.0.12"], user: "bench", key: "/nonexistent/key",
      fingerprint: "SHA256:D3JHbrkMsIFJAxdghA7V6KKAgjhLlhdJZ24jfxKHFFc", payload: join(p.dir, "payload.txt"), destFor: (h) => `/tmp/bench-${h}.bin`,
    });
    await p.ok("stack", "init", "dev");
    const r = await p.ok("preview");
    expect(r.stdout).toContain("Resources: + 4 to create");
    expect(r.stdout.match(/drydock:ssh:Command {2}uname-\d {2}create/g)).toHaveLength(2);
    expect(r.stdout.match(/drydock:ssh:File {2}payload-\d {2}create/g)).toHaveLength(2);
  });

  it("splits the spawn-to-exit time into phases that add up, and names a missing marker", () => {
    const at = (t: number, line: string) => ({ t, line });
    const lines = [
      at(300, "Previewing update of stack round1 (project fanout):"),
      at(400, " +  drydock:ssh:File  payload-1  create  [connection, path, content]"),
      at(450, "Resources: + 2 to create, 0 unchanged"),
      at(700, "Running update of stack round1 (project fanout):"),
      at(750, " +  drydock:ssh:File  payload-1  creating..."),
      at(900, " +  drydock:ssh:File  payload-1  created (150ms)"),
      at(1000, " +  drydock:ssh:Command  uname-1  created (250ms)"),
      at(1200, "Resources: + 2 created, 0 unchanged"),
    ];
    const p = phases(lines, 100, 1300);
    expect(p.map(([, s]) => s)).toEqual([0.2, 0.1, 0.05, 0.25, 0.05, 0.25, 0.2, 0.1]);
    expect(p.reduce((a, [, s]) => a + s, 0)).toBeCloseTo(1.2);
    expect(() => phases(lines.filter((l) => !l.line.startsWith("Running")), 100, 1300)).toThrow("lacks a phase marker (apply worker start)");
  });
});

// The whole fan-out bench: root for its network namespaces, ansible, sshd, and the lab's login key.
const fanoutMissing = [
  ...(process.getuid?.() === 0 ? [] : ["root"]),
  ...(onPath("ansible") ? [] : ["ansible"]),
  ...(existsSync("/usr/sbin/sshd") ? [] : ["/usr/sbin/sshd"]),
  ...(existsSync(join(ROOT, "test/lab/lab.env")) ? [] : ["test/lab/lab.env (npm run lab:up)"]),
  ...(existsSync(join(ROOT, "dist/installer/transport/index.js")) ? [] : ["dist/ (npm run build)"]),
];
if (fanoutMissing.length) console.warn(`SKIP fan-out bench run: needs ${fanoutMissing.join(", ")}`);

describe.skipIf(fanoutMissing.length > 0)("bench/fanout.mjs", () => {
  it("judges `drydock up` through the CLI against ansible; the transport alone is a labelled second line", async () => {
    const r = await bench("fanout.mjs", { FANOUT_HOSTS: "2", FANOUT_ROUNDS: "1" });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^round 1 +drydock up \d+\.\d\d s .*\| +transport \d+\.\d\d s .*\| +ansible \d+\.\d\d s .*ansible\/up \d+\.\d×$/m);
    expect(r.out).toMatch(/^ {2}drydock up \(CLI, judged\) +\d+\.\d\d +\d+\.\d\d +\d+\.\d× +[≥<] 10×$/m);
    expect(r.out).toMatch(/^ {2}SSH transport only +\d+\.\d\d +\d+\.\d\d +\d+\.\d× +\(not judged\)$/m);
    expect(r.out).toMatch(/^ {2}apply: steps \(SSH work \+ checkpoints\) +\d+\.\d\d$/m);
    // Writes coalesce, but the pending records before the first step and the final state are two at least.
    const writes = Number(/^ {2}state checkpoints \(in the apply phases\): (\d+) writes, \d+\.\d\d s writing files/m.exec(r.out)?.[1]);
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(r.out).toMatch(/^target: `drydock up` ≥ 10× faster than ansible doing the same work → (PASS|FAIL)$/m);
    expect(r.out).toMatch(/^teardown: 2 sshd stopped, 2 netns and bridge ddfan0 removed$/m);
  }, 300_000);
});
