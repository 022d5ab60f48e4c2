/**
 * drydock backup [--out FILE]: one archive with an etcd snapshot of every
 * etcd.Cluster in the stack (over mTLS, from a healthy member, checked by
 * sha256), the stack's state and config (secrets stay encrypted with the
 * stack passphrase) and the resolved program spec.
 * drydock backup verify FILE: every member a regular file or folder inside the
 * archive (no links, devices, absolute or `..` names), every checksum, and each
 * snapshot's own hash.
 */
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { etcd } from "../../../sdk/index.js";
import { revealMap } from "../../../sdk/internal.js";
import { BackupError, readBackup, writeBackup } from "../../backup/archive.js";
import { takeSnapshot } from "../../backup/take.js";
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
    const clusters = cp.resources.filter((r) => r.type === etcd.CLUSTER_TYPE && !r.pendingDelete);
    const files: Record<string, Buffer> = {
      "state.json": Buffer.from(stateText),
      "program.json": programSpec(stateText),
    };
    const config = await readFile(stackSettingsPath(ctx.project, stack)).catch(() => undefined);
    if (config) files["config.yaml"] = config;
    const entries = [];
    try {
      for (const r of clusters) {
        const c = revealMap(r.outputs) as unknown as etcd.ClusterInputs;
        const taken = await takeSnapshot(c, sshTransport, (m) => out(`  ${m}`));
        const file = `etcd/${c.clusterName}.db`;
        files[file] = taken.snapshot;
        entries.push({ urn: r.urn, clusterName: c.clusterName, file, members: c.members.map((m) => m.name), takenFrom: taken.member, ...(taken.revision ? { revision: taken.revision } : {}) });
      }
    } finally {
      closeTransports();
    }
    const target = resolve(o.out ?? `drydock-backup-${ctx.project.name}-${stack}-${stamp(new Date())}.tar`);
    const m = await writeBackup(target, {
      project: ctx.project.name, stack, createdAt: new Date().toISOString(), drydockVersion: VERSION, etcd: entries,
    }, files);
    const size = (await stat(target)).size;
    out(`Backup of stack ${stack} written to ${target} (${size} bytes, mode 0600):`);
    for (const [p, f] of Object.entries(m.files)) out(`  ${p.padEnd(24)} ${String(f.size).padStart(10)} bytes  sha256 ${f.sha256}`);
    if (entries.length === 0) out("  (no etcd.Cluster in this stack: state, config and program spec only)");
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
