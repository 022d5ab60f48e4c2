// test/lab/lab.env (written by `npm run lab:up`) as an object: the one reader that the tests,
// the benchmarks and the examples runner (examples/run.mjs) share.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";

export const LAB_ENV = join(import.meta.dirname, "lab.env");

/** A file's KEY=value lines as an object, or undefined when there is no such file. */
function readEnvFile(path) {
  if (!existsSync(path)) return undefined;
  return Object.fromEntries(readFileSync(path, "utf8").split("\n").filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

/** The lab's KEY=value lines, or undefined when the lab has not been brought up. */
export function readLabEnv() {
  return readEnvFile(LAB_ENV);
}

/**
 * The stack config every lab example starts from: the lab's SSH endpoint, its key
 * (path and public line) and its image. Throws, saying what to run, without a lab.
 */
export function labStackConfig() {
  const lab = readLabEnv();
  if (!lab) throw new Error(`no ${LAB_ENV}: bring the host lab up first (npm run lab:up)`);
  return {
    lab,
    entries: [
      { key: "sshHost", value: lab.LAB_SSH_HOST },
      { key: "sshPort", value: lab.LAB_SSH_PORT },
      { key: "sshUser", value: lab.LAB_SSH_USER },
      { key: "sshKeyPath", value: lab.LAB_SSH_KEY },
      { key: "sshHostKey", value: lab.LAB_SSH_HOSTKEY },
      { key: "authorizedKey", value: readFileSync(`${lab.LAB_SSH_KEY}.pub`, "utf8").trim() },
      { key: "image", value: lab.LAB_IMAGE },
    ],
  };
}

export const KUBE_ENV = join(import.meta.dirname, "kube.env");

/** test/lab/kube.env (written by `npm run lab:kube`) with the release's description, or undefined without one. */
export function readKubeEnv() {
  const env = readEnvFile(KUBE_ENV);
  if (!env) return undefined;
  return { ...env, release: JSON.parse(readFileSync(env.LAB_KUBE_RELEASE, "utf8")), caPem: readFileSync(env.LAB_KUBE_MIRROR_CA, "utf8") };
}

/** The lab's release mirror as stack config: its URL, its CA and the Kubernetes version built. */
export function kubeStackConfig() {
  const kube = readKubeEnv();
  if (!kube) throw new Error(`no ${KUBE_ENV}: build the lab's Kubernetes release first (npm run lab:kube)`);
  return {
    kube,
    entries: [
      { key: "kubernetesVersion", value: kube.LAB_KUBE_VERSION },
      { key: "mirrorUrl", value: kube.LAB_KUBE_MIRROR },
      { key: "mirrorCa", value: kube.caPem },
    ],
  };
}

/**
 * The lab's helm as an artifact (sdk/artifact.ts's shape): the get.helm.sh-style archive on the
 * mirror, its sha256, the binary's member path and the mirror's CA. Throws, saying what to run,
 * without a kube.env that names it.
 */
export function labHelm(kube = readKubeEnv()) {
  if (!kube?.LAB_HELM_URL) throw new Error(`no helm in ${KUBE_ENV}: build the lab's release first (npm run lab:kube)`);
  return { name: "helm", version: kube.LAB_HELM_VERSION, url: kube.LAB_HELM_URL, sha256: kube.LAB_HELM_SHA256, path: kube.LAB_HELM_PATH, caPem: kube.caPem };
}

/**
 * The release's own kubectl, executable (the mirror keeps its files non-executable): copied once to
 * test/lab/run/kubectl-<version>, its path returned.
 */
export function labKubectl(kube) {
  const bin = join(import.meta.dirname, "run", `kubectl-${kube.LAB_KUBE_VERSION}`);
  if (!existsSync(bin)) {
    mkdirSync(dirname(bin), { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    copyFileSync(join(kube.LAB_KUBE_MIRROR_DIR, "dl.k8s.io", kube.LAB_KUBE_VERSION, "bin", "linux", "amd64", "kubectl"), tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin);
  }
  return bin;
}
