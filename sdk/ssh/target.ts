/** Anything that leads to a machine: a Connection, or a resource with a `connection` output (ssh.Host, lxd.Instance). */
import { Output, type Input } from "../output.js";
import type { Connection } from "./connection.js";

export type ConnectionLike = Input<Connection> | { readonly connection: Output<Connection> };

export function toConnection(x: ConnectionLike): Input<Connection> {
  if (x && typeof x === "object" && !Output.isInstance(x) && "connection" in x && Output.isInstance((x as { connection: unknown }).connection)) {
    return (x as { connection: Output<Connection> }).connection;
  }
  return x as Input<Connection>;
}
