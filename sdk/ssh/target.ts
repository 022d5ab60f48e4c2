/** Anything that leads to a machine: a Connection, or a resource with a `connection` output (ssh.Host, lxd.Instance). */
import { Output, secret, type Input } from "../output.js";
import type { Connection } from "./connection.js";

export type ConnectionLike = Input<Connection> | { readonly connection: Output<Connection> };

export function toConnection(x: ConnectionLike): Input<Connection> {
  if (x && typeof x === "object" && !Output.isInstance(x) && "connection" in x && Output.isInstance((x as { connection: unknown }).connection)) {
    return (x as { connection: Output<Connection> }).connection;
  }
  return x as Input<Connection>;
}

/** Credentials are secrets whether or not the program said so: encrypted in state, masked in logs. */
export function secretCredentials<T extends Record<string, unknown>>(args: T): T {
  const out: Record<string, unknown> = { ...args };
  for (const k of ["privateKey", "passphrase", "password"]) if (out[k] !== undefined) out[k] = secret(out[k] as Input<string>);
  const sudo = out.sudo;
  if (Output.isInstance(sudo)) out.sudo = secret(sudo);
  else if (sudo && typeof sudo === "object") out.sudo = { ...sudo, password: secret((sudo as { password: Input<string> }).password) };
  return out as T;
}
