// Go builds of the release, one wrapper module at a time, cached by recipe: a recipe whose module
// files, flags and Go version are unchanged is never built twice. Each binary's wall time and
// peak RSS are measured (GNU time) and kept beside it.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MODULES } from "./recipe.mjs";

const RECIPE_REV = "1"; // bump when the way binaries are built changes

let version;
/** The Go that builds everything (asked once per run). */
export const goVersion = () => (version ??= execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim());

export function recipeHash(b) {
  const h = createHash("sha256").update(RECIPE_REV).update(goVersion()).update(JSON.stringify(b));
  for (const f of ["go.mod", "go.sum"]) h.update(readFileSync(join(MODULES, b.module, f)));
  return h.digest("hex").slice(0, 16);
}

/** Build (or find cached) every binary of `b`; returns { dir, cached, stats }. */
export function goBuild(b, cacheRoot, log) {
  const dir = join(cacheRoot, "build", `${b.name}-${b.version}-${recipeHash(b)}`);
  const statsFile = join(dir, "build-stats.json");
  if (existsSync(statsFile)) return { dir, cached: true, stats: JSON.parse(readFileSync(statsFile, "utf8")) };
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const stats = {};
  for (const [bin, pkg] of Object.entries(b.packages)) {
    log(`building ${bin} ${b.version} (${pkg})`);
    const args = ["-f", "%e %M", "-o", join(tmp, `${bin}.time`), "go", "build", "-trimpath",
      ...(b.tags ? [`-tags=${b.tags}`] : []), "-ldflags", `all=${b.ldflags} -s -w`, "-o", join(tmp, bin), pkg];
    const r = spawnSync("/usr/bin/time", args, {
      cwd: join(MODULES, b.module), stdio: ["ignore", "inherit", "pipe"], encoding: "utf8",
      env: { ...process.env, CGO_ENABLED: b.cgo ? "1" : "0", GOFLAGS: "-buildvcs=false -mod=readonly", GOTOOLCHAIN: "local" },
    });
    if (r.status !== 0) {
      throw new Error(`go build ${pkg} (module ${b.module}) failed (exit ${r.status}):\n${(r.stderr ?? "").split("\n").slice(-30).join("\n")}`);
    }
    const [wall, rssKb] = readFileSync(join(tmp, `${bin}.time`), "utf8").trim().split(/\s+/).slice(-2).map(Number);
    rmSync(join(tmp, `${bin}.time`));
    stats[bin] = { seconds: wall, peakRssMiB: Math.round(rssKb / 1024) };
    log(`built ${bin} in ${wall}s, peak RSS ${stats[bin].peakRssMiB} MiB`);
  }
  writeFileSync(join(tmp, "build-stats.json"), JSON.stringify(stats, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  dropOlderRecipes(dir);
  return { dir, cached: false, stats };
}

/** Removes the builds of the same name and version from other recipes (other versions stay, for upgrade tests). */
export function dropOlderRecipes(dir) {
  const prefix = basename(dir).replace(/-[0-9a-f]{16}$/, "-");
  for (const d of readdirSync(dirname(dir))) {
    if (d.startsWith(prefix) && /^[0-9a-f]{16}$/.test(d.slice(prefix.length)) && join(dirname(dir), d) !== dir) rmSync(join(dirname(dir), d), { recursive: true, force: true });
  }
}

/** Where the module cache holds k8s.io/kubernetes's sources (pause.c, agnhost's files, kubeadm's constants). */
export function moduleDir(module, path) {
  const out = execFileSync("go", ["mod", "download", "-json", path], { cwd: join(MODULES, module), encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=readonly" } });
  const dir = JSON.parse(out).Dir;
  if (!dir) throw new Error(`go list gave no directory for ${path} in modules/${module}`);
  return dir;
}
