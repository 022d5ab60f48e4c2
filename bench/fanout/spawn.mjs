// Runs a tool under test as a child process, inside a CPU-accounting cgroup
// when there is one, so every process it starts is counted too.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/**
 * Runs `cmd args`; resolves { code, out, lines } once it has exited: `out` is
 * stdout and stderr together, `lines` each stdout line with the
 * performance.now() at which it arrived (a phase marker for the caller).
 */
export function runCounted(cmd, args, { env, cwd, cgroupProcs } = {}) {
  return new Promise((resolve, reject) => {
    // Joining the cgroup before exec, so every worker and ssh the tool starts is counted.
    const [file, ...argv] = cgroupProcs ? ["sh", "-c", 'echo $$ > "$0" && exec "$@"', cgroupProcs, cmd, ...args] : [cmd, ...args];
    const child = spawn(file, argv, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let partial = "";
    const lines = [];
    child.stdout.on("data", (d) => {
      const t = performance.now();
      out += d;
      const parts = (partial + d).split("\n");
      partial = parts.pop();
      for (const line of parts) lines.push({ t, line });
    });
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (partial) lines.push({ t: performance.now(), line: partial });
      resolve({ code: code ?? signal, out, lines });
    });
  });
}
