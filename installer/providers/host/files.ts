/**
 * host.Files: a set of files drydock owns on one host (see installer/host/files.ts).
 * Drift is what the host holds differing from what was written, by sha256,
 * mode or owner; the plan names each file to write, repair or remove.
 */
import { fetchArtifact } from "../../artifacts/fetch.js";
import { renderTemplate } from "../../render/template.js";
import { putFiles, readFiles, removeFiles, sameAs, type FileState, type SetTarget } from "../../host/files.js";
import { sha256Hex } from "../../util/hash.js";
import { checkWith, HOST_DIRS, host, isUnknown, machineOf, setNameFor, unknown, type Connector, type HostDirs, type ResourceProvider } from "./deps.js";

type Inputs = host.FilesInputs;
type OwnedFile = host.OwnedFile;

export interface FilesOutputs extends Inputs {
  /** Per path: what is on the host (as last written or read). */
  readonly state: Record<string, FileState>;
  /** Per path: what was written, as `sha256:<hex>` of the content or `artifact:<sha256>:<member>`. */
  readonly sources: Record<string, string>;
  /** Per path: the sha256 of the bytes written. */
  readonly written: Record<string, string>;
  readonly digest: string;
  readonly paths: string[];
}

/** What a file's bytes come from, comparable without fetching anything. */
export function sourceOf(f: OwnedFile): string {
  if (f.artifact) return `artifact:${f.artifact.sha256}:${f.artifact.path ?? ""}`;
  return isUnknown(f.content) ? "unknown" : `sha256:${sha256Hex(f.content ?? "")}`;
}

const modeFor = (f: host.FilesArgsInputs["files"][number], secret: boolean): string =>
  f.mode ?? (f.artifact ? "0755" : secret ? "0600" : "0644");

/** One entry with its defaults; in a preview an entry with unknown values arrives unparsed, so defaults are applied here too. */
function normalise(f: host.FilesArgsInputs["files"][number], secret: boolean): OwnedFile {
  const base = { path: f.path, mode: isUnknown(f.mode) ? f.mode : modeFor(f, secret).padStart(4, "0"), owner: f.owner ?? "root:root" };
  if (f.artifact) return { ...base, artifact: f.artifact };
  if (f.template) {
    const t = f.template;
    const values = isUnknown(t) ? undefined : t.values ?? {};
    const known = values !== undefined && !isUnknown(values) && !isUnknown(t.name) && !Object.values(values).some(isUnknown);
    return { ...base, template: isUnknown(t) ? "(unknown)" : t.name, content: known ? renderTemplate(t.name, values as Record<string, string | number>) : unknown as unknown as string };
  }
  return { ...base, content: f.content! };
}

/** One sha256 over the files that are known: path, content, mode and owner. */
function digestOf(files: readonly OwnedFile[], written: Record<string, string>): string {
  return sha256Hex(files.map((f) => `${f.path}\0${written[f.path] ?? sourceOf(f)}\0${f.mode}\0${f.owner}`).sort().join("\n"));
}

export function filesProvider(connect: Connector, dirs: HostDirs = HOST_DIRS): ResourceProvider<Inputs, FilesOutputs> {
  const target = (i: Inputs, log?: (m: string) => void, signal?: AbortSignal): SetTarget =>
    ({ t: connect(i.connection, log), set: i.set, stateDir: dirs.stateDir, signal, adopt: i.adopt });

  async function write(i: Inputs, log: (m: string) => void, signal: AbortSignal): Promise<FilesOutputs> {
    const bytes = await Promise.all(i.files.map((f) => (f.artifact ? fetchArtifact(f.artifact, log) : Promise.resolve(f.content ?? ""))));
    const s = target(i, log, signal);
    log(`writing ${i.files.length} file${i.files.length === 1 ? "" : "s"} of set ${i.set} on ${s.t.name}`);
    const state = await putFiles(s, i.files.map((f, k) => ({ path: f.path, bytes: bytes[k]!, mode: f.mode, owner: f.owner })));
    const written = Object.fromEntries(Object.entries(state).map(([p, st]) => [p, st.sha256]));
    const sources = Object.fromEntries(i.files.map((f) => [f.path, sourceOf(f)]));
    const paths = i.files.map((f) => f.path);
    return { ...i, state, sources, written, digest: digestOf(i.files, written), paths };
  }

  /** In words, what an update would do: write, repair or remove which files. */
  function changes(olds: FilesOutputs, news: Inputs): { write: string[]; repair: string[]; remove: string[] } {
    const write: string[] = [];
    const repair: string[] = [];
    for (const f of news.files) {
      if (isUnknown(f) || isUnknown(f.path)) { write.push("(unknown)"); continue; }
      const src = olds.sources?.[f.path];
      if (src === undefined || src !== sourceOf(f) || isUnknown(f.mode) || isUnknown(f.owner)) write.push(f.path);
      else if (!sameAs(olds.state?.[f.path], { sha256: olds.written[f.path]!, mode: f.mode, owner: f.owner })) {
        (olds.state?.[f.path] && olds.state[f.path]!.sha256 === olds.written[f.path] ? write : repair).push(f.path);
      }
    }
    const wanted = new Set(news.files.map((f) => f.path));
    return { write, repair, remove: (olds.paths ?? []).filter((p) => !wanted.has(p)) };
  }

  return {
    // A checksum says something about a secret file's content: only those follow its secrecy.
    secretOutputs: (secretInputs) => (secretInputs.includes("files") ? ["state", "written", "sources", "digest"] : []),

    async check(olds, news, ctx) {
      const r = checkWith(host.FilesArgsSchema, news);
      if (!r.inputs) return r as { failures: [] };
      const secret = new Set(ctx?.secretPaths ?? []);
      const files = isUnknown(r.inputs.files) ? r.inputs.files : r.inputs.files.map((f, k) => (isUnknown(f) ? f
        : normalise(f, secret.has("files") || secret.has(`files[${k}]`) || secret.has(`files[${k}].content`))));
      const set = (olds?.set as string | undefined) ?? setNameFor(ctx?.urn ?? "files");
      return { inputs: { connection: r.inputs.connection, adopt: r.inputs.adopt ?? false, files: files as OwnedFile[], set } };
    },

    idFor: (i) => (isUnknown(i.connection) ? undefined : `${machineOf(i.connection)}#${i.set}`),

    async diff(_id, olds, news, oldInputs) {
      if (!isUnknown(news.connection) && machineOf(news.connection) !== machineOf(oldInputs.connection)) {
        return { changes: true, replaces: ["connection"], note: `moves set ${news.set} to ${machineOf(news.connection)}` };
      }
      const c = changes(olds, news);
      const notes = [
        c.write.length ? `write ${c.write.join(", ")}` : "",
        c.repair.length ? `repair ${c.repair.join(", ")} (changed on the host)` : "",
        c.remove.length ? `remove ${c.remove.join(", ")}` : "",
      ].filter(Boolean);
      return { changes: notes.length > 0 || news.adopt !== oldInputs.adopt, note: notes.join("; ") || undefined };
    },

    async create(i, ctx) {
      const outs = await write(i, (m) => ctx.log(m), ctx.signal);
      return { id: `${machineOf(i.connection)}#${i.set}`, outs };
    },

    async update(_id, _olds, news, ctx) {
      return { outs: await write(news, (m) => ctx.log(m), ctx.signal) };
    },

    async read(id, props, inputs, ctx) {
      const paths = props.paths ?? inputs.files.map((f) => f.path);
      const now = await readFiles(target(inputs, (m) => ctx.log(m), ctx.signal), paths);
      const present = Object.entries(now.files).filter((e): e is [string, FileState] => e[1] !== undefined);
      // Gone only when the host answered that neither the manifest nor any file is there.
      if (!now.manifest && present.length === 0) return undefined;
      return { id, props: { ...props, state: Object.fromEntries(present) }, inputs: { ...inputs } };
    },

    async delete(_id, props, ctx) {
      const kept = await removeFiles(target(props, (m) => ctx.log(m), ctx.signal));
      kept.forEach((k) => ctx.log(k));
    },
  };
}
