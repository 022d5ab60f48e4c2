// `npm run lab:kube` (through kube.sh): builds the release from the pinned wrapper modules, its
// images, and lays it out as a mirror of the upstream download sites under
// /var/cache/drydock-lab/kube/mirror. Cached by recipe: an unchanged recipe builds nothing.
// Writes the release description to mirror/.lab/<kube version>.json and prints the figures.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dropOlderRecipes, goBuild, goVersion, moduleDir } from "./gobuild.mjs";
import { buildImages } from "./images.mjs";
import { writeMirror } from "./mirror.mjs";
import { ARCH, DEFAULT_KUBE_VERSION, KUBE_DIR, builds, imageVersions } from "./recipe.mjs";

const CACHE = process.env.DRYDOCK_LAB_KUBE_CACHE ?? "/var/cache/drydock-lab/kube";
const kubeVersion = process.env.KUBE_VERSION ?? DEFAULT_KUBE_VERSION;
const started = Date.now();
const log = (m) => console.log(`lab:kube: ${m}`);

const all = builds(kubeVersion);
const bins = {};
const figures = {};
for (const b of all) {
  const r = goBuild(b, CACHE, log);
  bins[b.name] = r.dir;
  figures[b.name] = r;
  if (r.cached) log(`${b.name} ${b.version}: cached (${r.dir})`);
}
const versions = Object.fromEntries(all.map((b) => [b.name === "cni-plugins" ? "cni" : b.name, b.version]));

const kubeSrc = moduleDir(`kubernetes-${kubeVersion}`, "k8s.io/kubernetes");
const iv = imageVersions(kubeSrc);
Object.assign(versions, { pause: iv.pause, agnhost: iv.agnhost });
if (iv.corednsForKube && iv.corednsForKube !== versions.coredns) {
  log(`note: kubeadm ${kubeVersion} names CoreDNS ${iv.corednsForKube}; the lab builds ${versions.coredns}`);
}

// Images: rebuilt when a binary in them, the image scripts or the tools they copy change.
// helm, a client beside the cluster, is in no image and stays out of their key.
const { helm: _helm, ...imageVersionKey } = versions;
const imageHash = createHash("sha256")
  .update(JSON.stringify(imageVersionKey)).update(bins.kubernetes).update(bins.coredns)
  .update(readFileSync(join(KUBE_DIR, "images.mjs"))).update(readFileSync(join(KUBE_DIR, "oci.mjs")))
  .update(readFileSync("/bin/busybox")).digest("hex").slice(0, 16);
const imageDir = join(CACHE, "images", `${kubeVersion}-${imageHash}`);
let images;
if (existsSync(join(imageDir, "images.json"))) {
  images = JSON.parse(readFileSync(join(imageDir, "images.json"), "utf8"));
  log(`images: cached (${imageDir})`);
} else {
  const tmp = `${imageDir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const t0 = Date.now();
  const built = buildImages({ kubeSrc, kubeBin: bins.kubernetes, corednsBin: bins.coredns, versions, work: join(CACHE, "work"), outDir: tmp, log });
  images = Object.fromEntries(Object.entries(built).map(([k, v]) => [k, { ...v, file: join(imageDir, `${k}.tar`) }]));
  writeFileSync(join(tmp, "images.json"), JSON.stringify(images, null, 2));
  rmSync(imageDir, { recursive: true, force: true });
  renameSync(tmp, imageDir);
  dropOlderRecipes(imageDir);
  figures.images = { seconds: (Date.now() - t0) / 1000 };
}

const mirror = join(CACHE, "mirror");
const releaseFile = join(mirror, ".lab", `${kubeVersion}.json`);
// The mirror is laid out again only when what goes into it changed (archives are gzipped each time).
const mirrorKey = createHash("sha256").update(JSON.stringify({ bins, imageDir, versions }))
  .update(readFileSync(join(KUBE_DIR, "mirror.mjs"))).update(readFileSync(join(KUBE_DIR, "oci.mjs"))).digest("hex").slice(0, 16);
const previous = existsSync(releaseFile) ? JSON.parse(readFileSync(releaseFile, "utf8")) : undefined;
let files;
if (previous?.mirrorKey === mirrorKey && previous.files.every((f) => existsSync(join(mirror, f.path)))) {
  files = previous.files;
  log(`mirror: up to date (${mirror})`);
} else {
  files = writeMirror({ root: mirror, arch: ARCH, versions, bins, images, work: join(CACHE, "work") });
  rmSync(join(CACHE, "work"), { recursive: true, force: true });
}
const release = {
  kubernetes: kubeVersion, arch: ARCH, go: goVersion(), versions, mirrorKey,
  images: Object.fromEntries(Object.entries(images).map(([k, v]) => [k, { name: v.name, digest: v.digest }])),
  files,
};
mkdirSync(join(mirror, ".lab"), { recursive: true });
writeFileSync(releaseFile, `${JSON.stringify(release, null, 2)}\n`);

// Figures: per binary build time and peak RSS (from the run that built it), and disk use.
const du = (p) => Number(execFileSync("du", ["-sb", p], { encoding: "utf8" }).split("\t")[0]);
const mib = (n) => `${(n / 2 ** 20).toFixed(0)} MiB`;
let peak = 0;
let buildSeconds = 0;
for (const [name, r] of Object.entries(figures)) {
  if (!r.stats) continue;
  for (const [bin, s] of Object.entries(r.stats)) {
    peak = Math.max(peak, s.peakRssMiB);
    buildSeconds += s.seconds;
    log(`  ${name}/${bin}: ${s.seconds}s, peak RSS ${s.peakRssMiB} MiB${r.cached ? " (when built)" : ""}`);
  }
}
const mirrorBytes = files.reduce((n, f) => n + statSync(join(mirror, f.path)).size, 0);
log(`release ${kubeVersion}: ${files.length} files, ${mib(mirrorBytes)} on the mirror; cache ${mib(du(CACHE))}`);
// The Go caches' size is worth its `du` (seconds over 9 GiB) only when something was built into them.
if (Object.values(figures).some((r) => r.cached === false)) {
  const goDir = (v) => execFileSync("go", ["env", v], { encoding: "utf8" }).trim();
  log(`Go caches: modules ${mib(du(goDir("GOMODCACHE")))}, builds ${mib(du(goDir("GOCACHE")))}`);
}
log(`go builds ${buildSeconds.toFixed(0)}s in all (when built), peak RSS of one build ${peak} MiB; this run ${((Date.now() - started) / 1000).toFixed(1)}s`);
