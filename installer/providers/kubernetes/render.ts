/**
 * The engine functions behind kubernetes.Yaml and kubernetes.Chart: reading YAML files and
 * folders, and rendering a chart with a pinned `helm template` (the artifact fetched and checked
 * by sha256, run from drydock's cache, with no cluster and no network: `helm template` without
 * `--validate`). Both return plain objects; a document that is not a Kubernetes object is an
 * error naming its file and position.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile, chmod, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import { ArtifactSchema, kubernetes, type Artifact } from "../../../sdk/index.js";
import { cacheDir, fetchArtifact } from "../../artifacts/fetch.js";
import { sha256Hex } from "../../util/hash.js";
import { writeFileAtomic } from "../../util/atomic.js";

type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } & Record<string, unknown> };

/** The objects of a YAML stream: Lists unpacked, empty documents skipped. */
export function objectsOfYaml(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  parseAllDocuments(text).forEach((doc, k) => {
    const where = `${source}, document ${k + 1}`;
    if (doc.errors.length) throw new Error(`${where}: ${doc.errors[0]!.message.split("\n")[0]}`);
    const o = doc.toJSON() as Record<string, unknown> | null;
    if (o === null || o === undefined) return;
    const push = (x: Record<string, unknown>, at: string): void => {
      const meta = x.metadata as { name?: unknown } | undefined;
      if (typeof x.apiVersion !== "string" || typeof x.kind !== "string" || typeof meta?.name !== "string") {
        throw new Error(`${at}: not a Kubernetes object (needs apiVersion, kind and metadata.name)`);
      }
      out.push(x as Manifest);
    };
    if (typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) (o.items as Record<string, unknown>[]).forEach((x, i) => push(x, `${where}, items[${i}]`));
    else push(o, where);
  });
  return out;
}

async function filesOf(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new Error(`${path}: no such file or folder`);
  if (!s.isDirectory()) return [path];
  return (await readdir(path)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f));
}

export async function readYaml(projectDir: string, args: { files?: string[]; yaml?: string }): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const f of args.files ?? []) {
    for (const file of await filesOf(resolve(projectDir, f))) out.push(...objectsOfYaml(await readFile(file, "utf8"), file));
  }
  if (args.yaml !== undefined) out.push(...objectsOfYaml(args.yaml, "yaml"));
  return out;
}

/** The helm binary, checked, in drydock's cache (0755), written atomically once per content. */
async function helmBinary(a: Artifact): Promise<string> {
  const bytes = await fetchArtifact(a);
  const dir = join(cacheDir(), "..", "bin");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `helm-${a.version}-${sha256Hex(bytes).slice(0, 16)}`);
  const have = await readFile(file).catch(() => undefined);
  if (!have || sha256Hex(have) !== sha256Hex(bytes)) {
    await writeFileAtomic(file, bytes, 0o755);
    await chmod(file, 0o755);
  }
  return file;
}

export interface HelmArgs {
  chart: string;
  helm: unknown;
  releaseName: string;
  namespace: string;
  values: Record<string, unknown>;
  kubeVersion?: string;
  apiVersions?: string[];
}

export async function helmTemplate(projectDir: string, args: HelmArgs): Promise<Manifest[]> {
  const a = ArtifactSchema.safeParse(args.helm);
  if (!a.success) throw new Error(`chart ${args.releaseName}: helm: ${a.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const helm = await helmBinary(a.data);
  const chart = resolve(projectDir, args.chart);
  const work = await mkdtemp(join(tmpdir(), "drydock-helm-"));
  try {
    const values = join(work, "values.yaml");
    await writeFile(values, stringify(args.values), { mode: 0o600 });
    const argv = ["template", args.releaseName, chart, "--namespace", args.namespace, "--values", values, "--include-crds", "--skip-tests"];
    if (args.kubeVersion) argv.push("--kube-version", args.kubeVersion);
    for (const v of args.apiVersions ?? []) argv.push("--api-versions", v);
    // helm keeps its own caches and config under HOME: a private one, so nothing of the user's leaks in or out.
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, HELM_CACHE_HOME: join(work, "cache"), HELM_CONFIG_HOME: join(work, "config"), HELM_DATA_HOME: join(work, "data") };
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(helm, argv, { env, maxBuffer: 64 << 20, timeout: 120_000 }));
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`helm template ${args.releaseName} (${args.chart}) failed: ${(err.stderr || err.message).trim().split("\n").slice(-5).join("\n")}`);
    }
    return objectsOfYaml(stdout, `chart ${args.chart}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function renderInvokes(projectDir: string): Record<string, (args: Record<string, unknown>) => Promise<unknown>> {
  return {
    [kubernetes.READ_YAML]: (args) => readYaml(projectDir, args as { files?: string[]; yaml?: string }),
    [kubernetes.HELM_TEMPLATE]: (args) => helmTemplate(projectDir, args as unknown as HelmArgs),
  };
}
