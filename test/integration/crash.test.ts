/**
 * Crash safety: kill -9 the CLI during `up` of a 50-resource program: in odd
 * rounds at a random moment within the last full run's duration, in even
 * rounds as soon as the checkpoint shows an operation in flight. After each kill the state file decodes with
 * the real codec, the next `up` reconciles what was left pending and
 * converges, a preview then has nothing to do, and the files on disk are what
 * the program says.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckpointCodec } from "../../installer/engine/state/codec.js";
import { TempProject } from "./cli.js";

const KILLS = Number(process.env.CRASH_KILLS ?? 10);

// 40 files in 8 chains of 5 (each file's content includes its predecessor's hash),
// 10 commands that are replaced every round; in odd rounds the last 5 files are absent.
const PROGRAM = `import { Config, local, interpolate } from "drydock";
const round = new Config().requireNumber("round");
const files: local.File[] = [];
for (let chain = 0; chain < 8; chain++) {
  let prev: local.File | undefined;
  for (let i = 0; i < 5; i++) {
    const n = chain * 5 + i;
    if (round % 2 === 1 && n >= 35) continue;
    const content = prev ? interpolate\`round \${round} file \${n} after \${prev.sha256}\\n\` : \`round \${round} file \${n}\\n\`;
    prev = new local.File(\`f\${n}\`, { path: \`out/f\${n}.txt\`, content });
    files.push(prev);
  }
}
for (let c = 0; c < 10; c++) {
  new local.Command(\`c\${c}\`, {
    create: "sleep 0.05; echo $R > out/c$C.txt",
    delete: "rm -f out/c$C.txt.gone",
    environment: { R: String(round), C: String(c) },
    triggers: [round],
  });
}
export const count = files.length;
`;

describe("crash safety", () => {
  const p = new TempProject();
  let lastUpMs = 0;
  // The duration of a full `up`, so that random kills fall inside one however loaded the machine is.
  const timedUp = async () => {
    const t = Date.now();
    const r = await p.ok("up", "--yes");
    lastUpMs = Date.now() - t;
    return r;
  };
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    p.program(PROGRAM);
    await p.ok("config", "set", "round", "0");
    await timedUp();
  }, 120_000);
  afterAll(() => p.cleanup());

  it(`converges after kill -9 at ${KILLS} moments, some of them with an operation pending`, async () => {
    const codec = new CheckpointCodec(CheckpointCodec.masked);
    // The checkpoint as the engine reads it: schema-checked, secrets and all; a torn or damaged file throws.
    const decode = () => codec.decode(readFileSync(p.statePath(), "utf8"), p.statePath());
    const moments: { round: number; delay: number; pending: string[]; reconciled: string[] }[] = [];
    for (let round = 1; round <= KILLS; round++) {
      await p.ok("config", "set", "round", String(round));
      const started = Date.now();
      const run = p.spawn(["up", "--yes"]);
      if (round % 2 === 1) {
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * lastUpMs)));
      } else {
        // Poll the checkpoint and kill the moment it records an operation in flight (or give up after 30 s).
        while (Date.now() - started < 30_000 && run.exitCode === null) {
          let pending = 0;
          try { pending = decode().pending.length; } catch { /* not written yet */ }
          if (pending > 0) break;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      const delay = Date.now() - started;
      run.kill("SIGKILL");
      await run;
      const killed = decode();
      const pending = killed.pending.map((o) => o.urn);
      // The dead run's lock is broken explicitly, then the next run reconciles and converges.
      if (existsSync(`${p.dir}/.drydock/locks/proj/dev.json`)) await p.ok("stack", "unlock");
      const next = await timedUp();
      const reconciled = [...new Set([...`${next.stdout}\n${next.stderr}`.matchAll(/warning: (urn:\S+): an interrupted /g)].map((m) => m[1]!))];
      expect(reconciled.filter((u) => !pending.includes(u)), `round ${round}: reconciled only what was pending`).toEqual([]);
      moments.push({ round, delay, pending, reconciled });
      await p.ok("preview", "--expect-no-changes");
      for (let n = 0; n < 40; n++) {
        const present = p.exists(`out/f${n}.txt`);
        expect(present, `round ${round} f${n}`).toBe(!(round % 2 === 1 && n >= 35));
        if (present) expect(p.read(`out/f${n}.txt`)).toMatch(new RegExp(`^round ${round} file ${n}( after [0-9a-f]{64})?\\n$`));
      }
      for (let c = 0; c < 10; c++) expect(p.read(`out/c${c}.txt`)).toBe(`${round}\n`);
      const s = decode();
      expect(s.pending).toEqual([]);
      expect(s.resources.filter((r) => r.pendingDelete)).toEqual([]);
      expect(s.resources.length).toBe(round % 2 === 1 ? 45 : 50);
    }
    const withPending = moments.filter((m) => m.pending.length > 0);
    console.log(`crash: kills at ${moments.map((m) => `${m.delay} ms${m.pending.length ? ` (${m.pending.length} pending, ${m.reconciled.length} reconciled)` : ""}`).join(", ")}`);
    // The point of the test: kills landed mid-operation, and the next run reconciled what they left.
    expect(withPending.length, "kills that left an operation pending").toBeGreaterThan(0);
    expect(withPending.filter((m) => m.reconciled.length > 0).length, "next runs that reconciled a pending operation").toBeGreaterThan(0);
  }, 600_000);
});
