/**
 * A site's configuration rendered to files, with a secret credentials file and
 * a checksum command that re-runs whenever a rendered file changes.
 */
import { Config, interpolate, local } from "drydock";

const config = new Config();
const site = config.get("siteName") ?? "drydock-demo";
const replicas = config.getNumber("replicas") ?? 2;
const token = config.requireSecret("apiToken");

const settings = new local.File("settings", {
  path: "out/settings.json",
  content: `${JSON.stringify({ site, replicas }, null, 2)}\n`,
});

// Secret: the file gets the real token; state, logs and outputs only ever see [secret].
const credentials = new local.File("credentials", {
  path: "out/credentials.env",
  content: interpolate`API_TOKEN=${token}\n`,
  mode: "0600",
});

const replicaFiles = Array.from({ length: replicas }, (_, i) =>
  new local.File(`replica-${i}`, {
    path: `out/replica-${i}.conf`,
    content: interpolate`site=${site}\nindex=${i}\nsettings-sha256=${settings.sha256}\n`,
  }),
);

const checksums = new local.Command("checksums", {
  // Name the files: removed replicas are deleted only after this runs, so a glob would still see them.
  create: `cd out && sha256sum settings.json ${replicaFiles.map((_, i) => `replica-${i}.conf`).join(" ")} > SHA256SUMS && cat SHA256SUMS`,
  delete: "rm -f out/SHA256SUMS",
  triggers: replicaFiles.map((f) => f.sha256),
  // The old command's delete would remove the new SHA256SUMS: delete first, then create.
}, { dependsOn: replicaFiles, deleteBeforeReplace: true });

export const settingsPath = settings.path;
export const credentialsSha256 = credentials.sha256;
export const sums = checksums.stdout;
