// Figures from probe samples: wall time and CPU per round and tool, the
// medians, the ratios against ansible and the judged target, and where the
// time of `drydock up` went.

/** What happened between two probe() samples: wall seconds and CPU seconds by group. */
export function span(a, b) {
  const ctl = b.ctl - a.ctl;
  const ep = b.ep - a.ep;
  // other: the rest of the machine (clamped: ticks of 10 ms make it dip below 0)
  return { wall: (b.t - a.t) / 1000, ctl, ep, other: Math.max(0, b.busy - a.busy - ctl - ep) };
}

/** A two-step round (transport, ansible): { uname, upload, total } spans. */
export function roundFigures(samples) {
  const uname = span(...samples.uname);
  const upload = span(...samples.upload);
  const total = Object.fromEntries(Object.keys(uname).map((k) => [k, uname[k] + upload[k]]));
  return { uname, upload, total };
}

/** A `drydock up` round: one span, the phases, the untimed stack init and the state's size. */
export function upFigures(r) {
  return { total: span(...r.total), phases: r.phases, init: r.init, stateBytes: r.stateBytes, checkpoints: r.checkpoints };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f2 = (x) => (Number.isNaN(x) ? "n/a" : x.toFixed(2));

/** One round on one line: each tool's wall seconds, CPU (controller + endpoints) and the judged ratio. */
export function roundLine(label, { up, transport, ansible }) {
  const cpu = (x) => `${f2(x.total.ctl)}+${f2(x.total.ep)}`;
  return `${label.padEnd(8)}  drydock up ${f2(up.total.wall)} s (cpu ${cpu(up)})  |  ` +
    `transport ${f2(transport.total.wall)} s (uname ${f2(transport.uname.wall)} + upload ${f2(transport.upload.wall)}, cpu ${cpu(transport)})  |  ` +
    `ansible ${f2(ansible.total.wall)} s (uname ${f2(ansible.uname.wall)} + copy ${f2(ansible.upload.wall)}, cpu ${cpu(ansible)})  |  ` +
    `ansible/up ${(ansible.total.wall / up.total.wall).toFixed(1)}×`;
}

export const LINES = [
  ["up", "drydock up (CLI, judged)", "node bin/drydock.js up --yes, spawn to exit: CLI start, plan pass, apply pass (program loaded twice), providers, SSH, state checkpoints"],
  ["transport", "SSH transport only", "drydock's SSH library called in the benchmark's own process: no CLI, engine, program, plan or state (not judged)"],
  ["ansible", "ansible (2 ad-hoc runs)", "`ansible -m shell` then `ansible -m copy`, each spawn to exit: Python start-up, module shipping, ssh"],
];

/** The summary lines and whether `drydock up` meets `target`. */
export function summary(rounds, target, cores) {
  const med = (tool, k, op = "total") => median(rounds.map((r) => r[tool][op][k]));
  const an = med("ansible", "wall");
  const lines = [`median of ${rounds.length} rounds, wall s                 drydock-side   ansible   ansible/drydock-side`];
  for (const [tool, name] of LINES.slice(0, 2)) {
    const x = med(tool, "wall");
    lines.push(`  ${name.padEnd(36)} ${f2(x).padStart(8)} ${f2(an).padStart(9)} ${`${(an / x).toFixed(1)}×`.padStart(12)}` +
      (tool === "up" ? `   ${an / x >= target ? "≥" : "<"} ${target}×` : "   (not judged)"));
  }
  lines.push("", "what each line includes:", ...LINES.map(([, name, what]) => `  ${name}: ${what}`));
  lines.push("", `median CPU s (controller / endpoints / rest of the machine), all on the same ${cores} cores:`);
  for (const [tool, name] of LINES) lines.push(`  ${name.padEnd(36)} ${["ctl", "ep", "other"].map((k) => f2(med(tool, k))).join(" / ")}`);
  lines.push("", "drydock up, where the time went (median s per phase, from the arrival times of its output lines):");
  for (const [i, [name]] of rounds[0].up.phases.entries()) {
    lines.push(`  ${name.padEnd(40)} ${f2(median(rounds.map((r) => r.up.phases[i][1]))).padStart(6)}`);
  }
  const cp = (k) => median(rounds.map((r) => r.up.checkpoints[k]));
  lines.push(`  state checkpoints (in the apply phases): ${cp("writes")} writes, ${f2(cp("seconds"))} s writing files (temp file created → renamed, ` +
    `by inotify; encoding not included), the last one ${f2(cp("last"))} s; state file after the round ` +
    `${(median(rounds.map((r) => r.up.stateBytes)) / 2 ** 20).toFixed(1)} MiB`);
  lines.push(`  (not timed: \`drydock stack init\` of the fresh stack, median ${f2(median(rounds.map((r) => r.up.init)))} s)`);
  const pass = an / med("up", "wall") >= target;
  lines.push("", `target: \`drydock up\` ≥ ${target}× faster than ansible doing the same work → ${pass ? "PASS" : "FAIL"}`);
  return { lines, pass };
}
