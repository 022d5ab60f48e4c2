/**
 * A host for unit tests of the building blocks: commands run by the local
 * /bin/sh (sudo ignored), uploads written to the local file system with the
 * SSH upload's refusals, systemctl and journalctl faked on PATH. Tests keep
 * every path under the host's own temp folder.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { checkedUpload } from "../../../installer/transport/ssh/install.js";
import type { ExecOptions, ExecResult, Transport, UploadOptions, UploadResult } from "../../../installer/transport/types.js";

export const OWNER = `${userInfo().username}:${execFileSync("id", ["-gn"], { encoding: "utf8" }).trim()}`;

export class ShellHost implements Transport {
  readonly root = mkdtempSync(join(tmpdir(), "dd-host-"));
  readonly name: string;
  readonly commands: string[] = [];
  readonly uploads: string[] = [];
  down?: Error;
  private readonly bin = join(this.root, ".bin");

  constructor(name = "shell@host") {
    this.name = name;
    mkdirSync(this.bin, { recursive: true });
    mkdirSync(join(this.root, ".systemd"));
    mkdirSync(this.unitDir, { recursive: true });
    symlinkSync(join(import.meta.dirname, "fake-systemctl.mjs"), join(this.bin, "systemctl"));
    writeFileSync(join(this.bin, "journalctl"), "#!/bin/sh\necho 'fake journal line'\n", { mode: 0o755 });
  }

  get unitDir(): string { return join(this.root, "etc/systemd/system"); }
  get stateDir(): string { return join(this.root, "var/lib/drydock"); }
  /** What the fake systemctl was asked, in order. */
  systemctlLog(): string[] {
    const f = join(this.root, ".systemd/log");
    return existsSync(f) ? readFileSync(f, "utf8").trim().split("\n") : [];
  }

  async hostKey(): Promise<string> { return "SHA256:fake"; }

  exec(command: string, o: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    if (this.down) return Promise.reject(this.down);
    return new Promise((resolve, reject) => {
      const env = { ...process.env, ...o.env, PATH: `${this.bin}:${process.env.PATH}`, FAKE_SYSTEMD: join(this.root, ".systemd"), FAKE_UNIT_DIR: this.unitDir };
      const c = spawn("/bin/sh", ["-c", command], { env });
      let stdout = "";
      let stderr = "";
      c.stdout.on("data", (b) => (stdout += b));
      c.stderr.on("data", (b) => (stderr += b));
      c.on("error", reject);
      c.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  async upload(content: Buffer | string, path: string, o: UploadOptions = {}): Promise<UploadResult> {
    this.uploads.push(path);
    if (this.down) throw this.down;
    if (!path.startsWith(this.root)) throw new Error(`test bug: upload outside the host's folder: ${path}`);
    const mode = checkedUpload(this.name, path, o.mode);
    const bytes = typeof content === "string" ? Buffer.from(content) : content;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const old = existsSync(path) ? readFileSync(path) : undefined;
    const oldMode = old ? (statSync(path).mode & 0o7777).toString(8).padStart(4, "0") : "";
    if (old?.equals(bytes) && oldMode === mode) return { changed: false, sha256 };
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.part`, bytes);
    chmodSync(`${path}.part`, parseInt(mode, 8));
    renameSync(`${path}.part`, path);
    return { changed: true, sha256 };
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
