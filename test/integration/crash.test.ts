/**
 * Crash safety: kill -9 the CLI at random moments during `up` of a 50-resource
 * program. After each kill the state parses, the next `up` converges and a
 * preview then has nothing to do, and the files on disk are what the program says.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

const KILLS = Number(process.env.CRASH_KILLS ?? 20);

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
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    p.program(PROGRAM);
    await p.ok("config", "set", "round", "0");
    await p.ok("up", "--yes");
  });
  afterAll(() => p.cleanup());

  it(`converges after kill -9 at ${KILLS} random moments`, async () => {
    const moments: { delay: number; pending: number; parsed: boolean }[] = [];
    for (let round = 1; round <= KILLS; round++) {
      await p.ok("config", "set", "round", String(round));
      const run = p.spawn(["up", "--yes"]);
      const delay = Math.floor(Math.random() * 2500);
      await new Promise((r) => setTimeout(r, delay));
      run.kill("SIGKILL");
      await run;
      // The checkpoint always parses, whatever moment the kill hit.
      const text = readFileSync(p.statePath(), "utf8");
      const state = JSON.parse(text) as { pending: unknown[]; resources: unknown[] };
      expect(Array.isArray(state.resources)).toBe(true);
      moments.push({ delay, pending: state.pending.length, parsed: true });
      // The dead run's lock is broken explicitly, then the next run converges.
      if (existsSync(`${p.dir}/.drydock/locks/proj/dev.json`)) await p.ok("stack", "unlock");
      await p.ok("up", "--yes");
      await p.ok("preview", "--expect-no-changes");
      for (let n = 0; n < 40; n++) {
        const present = p.exists(`out/f${n}.txt`);
        expect(present, `round ${round} f${n}`).toBe(!(round % 2 === 1 && n >= 35));
        if (present) expect(p.read(`out/f${n}.txt`)).toMatch(new RegExp(`^round ${round} file ${n}( after [0-9a-f]{64})?\\n$`));
      }
      for (let c = 0; c < 10; c++) expect(p.read(`out/c${c}.txt`)).toBe(`${round}\n`);
      const s = p.state();
      expect(s.pending).toEqual([]);
      expect(s.resources.filter((r) => r.pendingDelete)).toEqual([]);
      expect(s.resources.length).toBe(round % 2 === 1 ? 45 : 50);
    }
    const withPending = moments.filter((m) => m.pending > 0).length;
    console.log(`crash: ${moments.length} kills at ${moments.map((m) => m.delay).join(", ")} ms; ${withPending} left pending operations`);
    expect(moments.length).toBeGreaterThanOrEqual(20);
  }, 600_000);
});
