/**
 * drydock backup [--out FILE]: one archive with what each resource's provider
 * contributes (an etcd cluster: a snapshot over mTLS from a healthy member,
 * checked by sha256), the stack's state and config (secrets stay encrypted with the
 * stack passphrase) and the resolved program spec.
 * drydock backup verify FILE: every member a regular file or folder inside the
 * archive (no links, devices, absolute or `..` names), every checksum, and each
 * snapshot's own hash.
 */
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { revealMap } from "../../../sdk/internal.js";
import { BackupError, readBackup, writeBackup } from "../../backup/archive.js";
import { builtinProviders } from "../../providers/index.js";
import { DrydockError } from "../../engine/errors.js";
import { StackCrypter } from "../../engine/crypter-source.js";
import { loadStackSettings, stackSettingsPath } from "../../engine/project.js";
import { CheckpointCodec } from "../../engine/state/codec.js";
import { programSpec } from "../../engine/state/program-spec.js";
import { closeTransports, sshTransport } from "../../transport/index.js";
import { openProject, passphrase, resolveStack, type GlobalOptions } from "../context.js";
import { out } from "../output.js";

const VERSION = "0.1.0";

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export async function backupTake(o: { out?: string }, g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  const stack = await resolveStack(ctx);
  const settings = await loadStackSettings(ctx.project, stack);
  const crypter = new StackCrypter(ctx.project, stack, settings, passphrase(g));
  const lock = await ctx.backend.lock(stack, "drydock backup");
  try {
    const stateText = await ctx.backend.readText(stack);
    const cp = ctx.backend.decode(stack, stateText, new CheckpointCodec(crypter.get));
    const providers = builtinProviders(sshTransport);
    // Whatever a resource's provider says it contributes: the CLI knows no resource type.
    const contributors = cp.resources.filter((r) => r.custom && !r.pendingDelete && providers[r.type]?.backup);
    const files: Record<string, Buffer> = {
      "state.json": Buffer.from(stateText),
      "program.json": programSpec(stateText),
    };
    const config = await readFile(stackSettingsPath(ctx.project, stack)).catch(() => undefined);
    if (config) files["config.yaml"] = config;
    const sections: Record<string, Record<string, unknown>[]> = {};
    try {
      for (const r of contributors) {
        const ctx = { urn: r.urn, signal: new AbortController().signal, log: (m: string) => out(`  ${m}`) };
        for (const part of await providers[r.type]!.backup!(r.id ?? "", revealMap(r.outputs), ctx)) {
          for (const [p, b] of Object.entries(part.files)) {
            if (files[p]) throw new DrydockError("failed", `${r.urn}: its backup file ${p} is also another resource's`);
            files[p] = b;
          }
          (sections[part.section] ??= []).push(part.entry);
        }
      }
    } finally {
      closeTransports();
    }
    const target = resolve(o.out ?? `drydock-backup-${ctx.project.name}-${stack}-${stamp(new Date())}.tar`);
    const m = await writeBackup(target, {
      project: ctx.project.name, stack, createdAt: new Date().toISOString(), drydockVersion: VERSION, etcd: [], ...sections,
    }, files);
    const size = (await stat(target)).size;
    out(`Backup of stack ${stack} written to ${target} (${size} bytes, mode 0600):`);
    for (const [p, f] of Object.entries(m.files)) out(`  ${p.padEnd(24)} ${String(f.size).padStart(10)} bytes  sha256 ${f.sha256}`);
    if (contributors.length === 0) out("  (nothing in this stack contributes data to a backup: state, config and program spec only)");
    return 0;
  } finally {
    await lock.release();
  }
}

export async function backupVerify(file: string, g: GlobalOptions): Promise<number> {
  try {
    const b = await readBackup(file);
    if (g.json) {
      out(JSON.stringify({ ok: true, manifest: b.manifest }));
      return 0;
    }
    out(`${file}: OK — backup of ${b.manifest.project}/${b.manifest.stack} taken ${b.manifest.createdAt}`);
    for (const [p, f] of Object.entries(b.manifest.files)) out(`  ✔ ${p.padEnd(24)} ${String(f.size).padStart(10)} bytes  sha256 ${f.sha256}`);
    for (const e of b.manifest.etcd) out(`  ✔ etcd snapshot of ${e.clusterName} from ${e.takenFrom}${e.revision ? ` at revision ${e.revision}` : ""}: integrity hash matches`);
    return 0;
  } catch (e) {
    if (e instanceof BackupError) throw new DrydockError("failed", e.message);
    throw e;
  }
}
