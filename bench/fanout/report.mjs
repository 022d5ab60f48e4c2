// Figures from probe samples: wall time and CPU per operation, per round, and
// the medians with the ratio ansible/drydock against the target.

/** What happened between two probe() samples: wall seconds and CPU seconds by group. */
export function span(a, b) {
  const ctl = b.ctl - a.ctl;
  const ep = b.ep - a.ep;
  // other: the rest of the machine (clamped: ticks of 10 ms make it dip below 0)
  return { wall: (b.t - a.t) / 1000, ctl, ep, other: Math.max(0, b.busy - a.busy - ctl - ep) };
}

/** A tool's round: { uname, upload, total } spans. */
export function roundFigures(samples) {
  const uname = span(...samples.uname);
  const upload = span(...samples.upload);
  const total = Object.fromEntries(Object.keys(uname).map((k) => [k, uname[k] + upload[k]]));
  return { uname, upload, total };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f2 = (x) => (Number.isNaN(x) ? "n/a" : x.toFixed(2));
const OPS = [["uname -a", "uname"], ["upload 1 MiB", "upload"], ["total", "total"]];

export function roundLine(label, d, a) {
  const w = (x) => `uname ${f2(x.uname.wall)} s  upload ${f2(x.upload.wall)} s`;
  const cpu = (x) => `${f2(x.total.ctl)} + ${f2(x.total.ep)}`;
  return `${label.padEnd(8)}  drydock  ${w(d)}   |   ansible  ${w(a)}   ` +
    `(CPU s controller + endpoints: drydock ${cpu(d)}, ansible ${cpu(a)})`;
}

/** The summary lines and whether every ratio meets `target`. */
export function summary(rounds, target, cores) {
  const med = (tool, op, k) => median(rounds.map((r) => r[tool][op][k]));
  const rows = OPS.map(([name, op]) => {
    const dd = med("drydock", op, "wall");
    const an = med("ansible", op, "wall");
    return { name, op, dd, an, ratio: an / dd };
  });
  const lines = [`median of ${rounds.length} rounds, wall s   drydock   ansible   ansible/drydock`];
  for (const { name, dd, an, ratio } of rows) {
    lines.push(`  ${name.padEnd(27)} ${f2(dd).padStart(7)} ${f2(an).padStart(9)} ${`${ratio.toFixed(1)}×`.padStart(12)}   ${ratio >= target ? "≥" : "<"} ${target}×`);
  }
  lines.push("", `median CPU s (controller / endpoints / rest of the machine), all on the same ${cores} cores:`);
  for (const [name, op] of OPS) {
    const cpu = (tool) => ["ctl", "ep", "other"].map((k) => f2(med(tool, op, k))).join(" / ");
    lines.push(`  ${name.padEnd(14)} drydock ${cpu("drydock").padEnd(20)} ansible ${cpu("ansible")}`);
  }
  const pass = rows.every((x) => x.ratio >= target);
  lines.push("", `target: drydock ≥ ${target}× faster than ansible on each operation and in total → ${pass ? "PASS" : "FAIL"}`);
  return { lines, pass };
}
