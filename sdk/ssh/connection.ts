/**
 * How to reach a machine over SSH: the value `ssh.Host` and `lxd.Instance`
 * output as `connection`, and every remote resource takes as input.
 */
import { z } from "zod";

/** `SHA256:<base64, no padding>` as `ssh-keygen -lf` prints it, or a public key line `ssh-ed25519 AAAA… [comment]`. */
export const HostKeySchema = z.string().refine(
  (s) => /^SHA256:[A-Za-z0-9+/]{43}$/.test(s) || /^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/.test(s),
  { message: "host key must be a SHA256:… fingerprint (as ssh-keygen -lf prints it) or a public key line" },
);

export const SudoSchema = z.union([
  z.boolean(),
  z.object({
    /** sudo asks for this password; it is sent on stdin, never on a command line (kept secret). */
    password: z.string().min(1, "sudo password must not be empty"),
  }).strict(),
]);

/**
 * The keys that hold credentials, at any depth: a Connection's (`sudo.password`,
 * `jump.privateKey`, a member's `host.passphrase`) and private keys in PEM
 * (`keyPem` of a CA or certificate pair, `privateKeyPem`, `clientKeyPem`). The
 * engine keeps every value under such a key secret, whatever form the program
 * or a provider gave it in, so what sits beside it (a host, an address) stays readable.
 */
export const CREDENTIALS: readonly string[] = Object.freeze(["privateKey", "passphrase", "password", "keyPem", "privateKeyPem", "clientKeyPem"]);

export interface Connection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly privateKey?: string;
  readonly privateKeyPath?: string;
  readonly passphrase?: string;
  readonly password?: string;
  /** `true` uses `SSH_AUTH_SOCK`; a string is the agent socket path. */
  readonly agent?: boolean | string;
  /** Accepted host keys (fingerprints or public key lines); at least one (ssh.Host fills it in on first use). */
  readonly hostKeys: readonly string[];
  readonly trustOnFirstUse?: boolean;
  /** The hop before this one (bastion → host); verified the same way. */
  readonly jump?: Connection;
  readonly sudo?: boolean | { readonly password: string };
  /** Seconds to keep retrying to connect before giving up. @default 30 */
  readonly connectTimeout?: number;
}

/** How to log in: the fields ssh.Host and a Connection share. */
export const LoginFields = {
  /** PEM/OpenSSH private key text (kept secret). */
  privateKey: z.string().min(1).optional(),
  /** Path of a private key file on the machine running drydock. */
  privateKeyPath: z.string().min(1).optional(),
  /** Passphrase of an encrypted private key (kept secret). */
  passphrase: z.string().optional(),
  /** Password login (kept secret). */
  password: z.string().optional(),
  /** `true`: the ssh-agent at SSH_AUTH_SOCK; a string: that agent socket. */
  agent: z.union([z.boolean(), z.string().min(1)]).optional(),
};

type Login = { privateKey?: string; privateKeyPath?: string; password?: string; agent?: boolean | string };

/** The problems of a login: none given, or a key given twice. */
export function checkLogin(c: Login, ctx: z.RefinementCtx): void {
  if (!c.privateKey && !c.privateKeyPath && c.password === undefined && !c.agent) {
    ctx.addIssue({ code: "custom", message: "no way to log in: give privateKey, privateKeyPath, password or agent" });
  }
  if (c.privateKey && c.privateKeyPath) {
    ctx.addIssue({ code: "custom", path: ["privateKeyPath"], message: "give privateKey or privateKeyPath, not both" });
  }
}

export const ConnectionSchema: z.ZodType<Connection> = z.lazy(() =>
  z.object({
    host: z.string().min(1, "host must not be empty"),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().min(1, "user must not be empty"),
    ...LoginFields,
    hostKeys: z.array(HostKeySchema).default([]),
    trustOnFirstUse: z.boolean().optional(),
    jump: ConnectionSchema.optional(),
    sudo: SudoSchema.optional(),
    connectTimeout: z.number().positive().optional(),
  }).strict().superRefine((c, ctx) => {
    checkLogin(c, ctx);
    // Trust-on-first-use belongs to ssh.Host, which pins what it saw in state; a bare connection
    // (a jump hop, an ssh.Command's target) would trust every use, so it must carry a pin.
    if (c.hostKeys.length === 0) {
      ctx.addIssue({ code: "custom", path: ["hostKeys"], message: "no host key to verify against: pin one, or use an ssh.Host (with trustOnFirstUse) and pass it instead" });
    }
  }),
) as z.ZodType<Connection>;

/** `user@host:port`, through each jump: what messages call the machine. */
export function describeConnection(c: Pick<Connection, "user" | "host" | "port" | "jump">): string {
  const self = `${c.user}@${c.host}${c.port === 22 ? "" : `:${c.port}`}`;
  return c.jump ? `${self} (via ${describeConnection(c.jump)})` : self;
}

/** Identifies the machine a connection leads to (auth and pins aside), for ids and duplicate checks. */
export function machineOf(c: Connection): string {
  return `${c.user}@${c.host}:${c.port}${c.jump ? ` via ${machineOf(c.jump)}` : ""}`;
}

/** Whether two connections lead to the same machine (auth and pins aside). */
export function sameMachine(a: Connection, b: Connection): boolean {
  return machineOf(a) === machineOf(b);
}
