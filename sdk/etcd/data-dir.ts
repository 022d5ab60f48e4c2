/**
 * etcd's data directory: a dedicated directory drydock may own, never a
 * system one (drydock wipes what it made there when a member leaves).
 */
import { z } from "zod";

/** Trees that never hold etcd data: the OS, its config, memory-backed and kernel file systems. */
const FORBIDDEN_TREES = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/run", "/sbin", "/sys", "/tmp", "/usr", "/var/tmp", "/var/run", "/var/lock"];
/** Shared system directories: a dataDir must be at least two levels under these (`/var/lib/<name>`). */
const SHARED = ["/var", "/srv", "/opt", "/home", "/root", "/mnt", "/media"];
/** Directories at that depth that belong to the OS or to drydock itself. */
const RESERVED = ["/var/lib/apt", "/var/lib/dpkg", "/var/lib/systemd", "/var/lib/dbus", "/var/lib/drydock-etcd", "/var/log/journal", "/var/cache/apt"];

const under = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}/`);
const depth = (p: string): number => p.split("/").filter(Boolean).length;

/** Why `p` is not a dedicated data directory, or undefined when it is one. */
export function dataDirProblem(p: string): string | undefined {
  if (!p.startsWith("/")) return "dataDir must be an absolute path";
  if (/[\s\p{Cc}]/u.test(p)) return "dataDir must not contain whitespace or control characters";
  if (p.includes("%")) return "dataDir must not contain % (systemd expands it)";
  if (/["'\\$`]/.test(p)) return "dataDir must not contain quotes, backslashes, $ or `";
  if (p === "/") return "dataDir must be a dedicated directory, not the system's /";
  if (p.endsWith("/")) return "dataDir must not end with /";
  if (p.split("/").slice(1).some((s) => s === "" || s === "." || s === "..")) return "dataDir must be a normalised path (no //, . or ..)";
  const tree = FORBIDDEN_TREES.find((d) => under(p, d));
  if (tree) return `dataDir must be a dedicated directory, not the system's ${tree}${p !== tree ? " tree" : ""}`;
  const shared = SHARED.find((d) => under(p, d));
  if (shared && depth(p) < depth(shared) + 2) return `dataDir must be a dedicated directory at least two levels under ${shared} (e.g. ${shared === "/var" ? "/var/lib" : shared}/etcd${shared === "/var" ? "" : "/data"})`;
  if (depth(p) < 2) return "dataDir must be a dedicated directory, not a top-level one";
  if (RESERVED.some((d) => under(p, d))) return `dataDir must be a dedicated directory, not ${RESERVED.find((d) => under(p, d))}, which the system or drydock uses`;
  return undefined;
}

/** @default "/var/lib/etcd" */
export const DataDirSchema = z.string().superRefine((p, ctx) => {
  const why = dataDirProblem(p);
  if (why) ctx.addIssue({ code: "custom", message: why });
}).default("/var/lib/etcd");
