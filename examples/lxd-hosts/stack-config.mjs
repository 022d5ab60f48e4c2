// The stack config `node examples/run.mjs lxd-hosts` sets on first use: the host lab's
// SSH endpoint from test/lab/lab.env (written by `npm run lab:up`).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function labEnv() {
  const file = join(import.meta.dirname, "..", "..", "test", "lab", "lab.env");
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no ${file}: bring the host lab up first (npm run lab:up)`);
  }
  return Object.fromEntries(text.split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

export function stackConfig() {
  const lab = labEnv();
  return [
    { key: "sshHost", value: lab.LAB_SSH_HOST },
    { key: "sshPort", value: lab.LAB_SSH_PORT },
    { key: "sshUser", value: lab.LAB_SSH_USER },
    { key: "sshKeyPath", value: lab.LAB_SSH_KEY },
    { key: "sshHostKey", value: lab.LAB_SSH_HOSTKEY },
    { key: "authorizedKey", value: readFileSync(`${lab.LAB_SSH_KEY}.pub`, "utf8").trim() },
    { key: "image", value: lab.LAB_IMAGE },
  ];
}
