/**
 * How to reach a cluster's API through the same SSH path drydock uses, for an endpoint that is not
 * routable from where you are: an `ssh -L` command to a control-plane host (through its jump hosts),
 * after which `https://127.0.0.1:6443` is the API (every serving certificate names 127.0.0.1).
 */
import type { Connection } from "../ssh/connection.js";

const q = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `ssh` options reaching `c` (its port, key file and jump hosts), without the destination. */
function hopArgs(c: Connection): string[] {
  const out: string[] = [];
  if (c.port !== 22) out.push("-p", String(c.port));
  if (c.privateKeyPath) out.push("-i", q(c.privateKeyPath));
  if (c.jump) out.push("-o", q(`ProxyCommand=ssh ${[...hopArgs(c.jump), "-W", "%h:%p", `${c.jump.user}@${c.jump.host}`].join(" ")}`));
  return out;
}

/** The command that forwards local port `localPort` to the API endpoint through `c`. */
export function tunnelCommand(c: Connection, endpoint: { readonly address: string; readonly port: number }, localPort = 6443): string {
  return ["ssh", "-N", "-L", `${localPort}:${endpoint.address}:${endpoint.port}`, ...hopArgs(c), `${c.user}@${c.host}`].join(" ");
}
