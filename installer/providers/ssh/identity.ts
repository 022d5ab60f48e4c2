/** Whether two connections lead to the same machine (auth and pins aside). */
import type { Connection } from "./deps.js";

export function machineOf(c: Connection): string {
  return `${c.user}@${c.host}:${c.port}${c.jump ? ` via ${machineOf(c.jump)}` : ""}`;
}

export function sameMachine(a: Connection, b: Connection): boolean {
  return machineOf(a) === machineOf(b);
}
