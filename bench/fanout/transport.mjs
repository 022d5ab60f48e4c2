// The transport-only figure: `uname -a` on every endpoint at once, then a 1 MiB
// upload to every endpoint at once, through drydock's SSH library called in the
// benchmark's own process (no CLI, engine, program, plan or state); fresh connections each round.
import { closeTransports, sshTransport } from "../../dist/installer/transport/index.js";

/** Connections to the endpoints, host key pinned. */
export function connections({ hosts, user, key, fingerprint }) {
  return hosts.map((host) => ({ host, port: 22, user, privateKeyPath: key, hostKeys: [fingerprint] }));
}

/** Returns { uname: [before, after], upload: [before, after] } of probe() samples; throws naming the host when one fails. */
export async function transportRound(conns, bytes, pathFor, probe) {
  try {
    const ts = conns.map((c) => sshTransport(c));
    const s0 = probe();
    const runs = await Promise.all(ts.map((t) => t.exec("uname -a")));
    const s1 = probe();
    runs.forEach((r, i) => {
      if (r.code !== 0 || !r.stdout.trim()) throw new Error(`${ts[i].name}: uname -a exited ${r.code}: ${r.stderr.trim()}`);
    });
    const s2 = probe();
    const ups = await Promise.all(ts.map((t, i) => t.upload(bytes, pathFor(conns[i].host))));
    const s3 = probe();
    ups.forEach((u, i) => {
      if (!u.changed) throw new Error(`${ts[i].name}: upload was skipped (the file was already there): not a real transfer`);
    });
    return { uname: [s0, s1], upload: [s2, s3] };
  } finally {
    closeTransports(); // the next round connects anew, like ansible does
  }
}
