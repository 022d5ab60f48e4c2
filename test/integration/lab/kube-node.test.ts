/**
 * examples/kube-node on the lab through the real CLI: an LXD instance becomes a Kubernetes node
 * from the lab's release mirror, and its standalone kubelet runs a static agnhost pod that
 * answers HTTP on its pod IP, through kubelet and containerd restarts. A second `up` changes and
 * restarts nothing; removing the node leaves the instance as it was before.
 */
import { cpSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { exampleFile, lxc, sweep } from "./env.js";
import { describeKube } from "./kube-env.js";

const PREFIX = "dd-kn";
const NODE = `${PREFIX}-node-1`;
const sh = (script: string) => lxc("exec", NODE, "--", "bash", "-c", script);

/** What a node install could leave: files in the usual places, units, mounts, links and iptables rules. */
const SNAPSHOT = [
  "find /etc /usr/local /opt /var/lib /var/log /run /srv -xdev \\( -path /var/log/journal -o -path /run/systemd -o -path /run/user -o -path /var/lib/systemd -o -path /run/log -o -path /run/udev -o -path /var/lib/private -o -path /var/log/private -o -path /run/sshd -o -path /run/dbus -o -path /run/dd-lab-exec -o -path /var/cache -o -path /run/lock -o -path /run/agetty.reload \\) -prune -o -print | sort",
  "echo '--- units'; systemctl list-unit-files --no-legend | awk '{print $1}' | sort",
  "echo '--- mounts'; awk '{print $5}' /proc/self/mountinfo | sort",
  "echo '--- links'; ip -o link | awk -F': ' '{print $2}' | sort",
  // Rules and chains of its own (with iptables-nft, a table once used keeps its empty built-in chains).
  "echo '--- iptables'; for ipt in iptables ip6tables; do $ipt-save | grep -E '^(-A|:[A-Z0-9_-]+ - )' | sort; done",
].join("\n");

/** HTTP GET from the node to the static pod's IP (bash: the node has no curl). */
const podIp = () => sh("crictl inspectp -o go-template --template '{{.status.network.ip}}' $(crictl pods -q --name '^agnhost-' --state ready | head -n1)");
const ask = (ip: string, path: string) => sh(`exec 3<>/dev/tcp/${ip}/8080 && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`);
const invocation = (unit: string) => sh(`systemctl show -p InvocationID --value ${unit}`);

describeKube("a Kubernetes node running a static pod (examples/kube-node) on the lab", (lab, kube) => {
  const p = new TempProject("kube-node");
  let before = "";
  const setKube = (on: boolean) => p.ok("config", "set", "kubernetes", String(on));

  beforeAll(async () => {
    await sweep(PREFIX);
    cpSync(exampleFile("kube-node", "index.ts"), `${p.dir}/index.ts`);
    await p.ok("stack", "init", "dev");
    const config: Record<string, string> = {
      prefix: PREFIX, sshHost: lab.host, sshPort: String(lab.port), sshUser: lab.user, sshKeyPath: lab.key,
      sshHostKey: lab.hostKey, authorizedKey: lab.publicKey, image: lab.image, pool: lab.pool, subnet: "10.242.0.1/24",
      kernelModules: "", kubernetesVersion: kube.LAB_KUBE_VERSION!, mirrorUrl: kube.LAB_KUBE_MIRROR!, mirrorCa: kube.caPem, kubernetes: "false",
    };
    // "--": a PEM value starts with dashes.
    for (const [k, v] of Object.entries(config)) await p.ok("config", "set", "--", k, v);
    await p.ok("up", "--yes");
    before = await sh(SNAPSHOT);
  }, 240_000);

  afterAll(async () => {
    await p.run("destroy", "--yes");
    await sweep(PREFIX);
    p.cleanup();
  }, 180_000);

  it("the plan names the release and the files it brings; up makes a node whose static pod answers on its pod IP", async () => {
    await setKube(true);
    const preview = await p.ok("preview", "--diff");
    expect(preview.stdout).toMatch(/drydock:kubernetes:Release\s+release\s+create/);
    expect(preview.stdout).toContain(`${kube.LAB_KUBE_MIRROR}/dl.k8s.io/${kube.LAB_KUBE_VERSION}/bin/linux/amd64/kubelet`);
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toMatch(/HealthGate\s+dd-kn-node-1-static-pods-running\s+created/);
    const ip = (await podIp()).trim();
    expect(ip).toMatch(/^10\.244\.1\.\d+$/);
    expect(await ask(ip, "/hostname")).toMatch(/^HTTP\/1\.[01] 200 OK[\s\S]*\r\n\r\nagnhost-dd-kn-node-1$/);
    expect(await ask(ip, "/echo?msg=ahoy")).toMatch(/\r\n\r\nahoy$/);
  }, 300_000);

  it("runs the release's real binaries, and crictl shows the pod and its container", async () => {
    const v = kube.release.versions;
    expect((await sh("kubelet --version")).trim()).toBe(`Kubernetes ${v.kubernetes}`);
    expect(await sh("containerd --version")).toContain(` ${v.containerd} `);
    expect(await sh("runc --version")).toMatch(new RegExp(`^runc version ${v.runc!.slice(1)}\\n[\\s\\S]*seccomp`));
    expect(await sh("crictl --version")).toContain(`crictl version ${v.crictl}`);
    expect(await sh("/opt/cni/bin/bridge --version 2>&1")).toContain(`CNI bridge plugin ${v.cni}`);
    expect(await sh("crictl pods --state ready")).toMatch(/\n[0-9a-f]+\s+.*\s+Ready\s+agnhost-dd-kn-node-1\s+default\s+0\s/);
    expect(await sh("crictl ps --state running --name '^agnhost$' -q | wc -l")).toBe("1");
  }, 60_000);

  it("imports the release's images into k8s.io with their full names and the release's digests", async () => {
    const listed = await sh("ctr -n k8s.io images ls | awk 'NR > 1 && $1 ~ /^registry/ {print $1, $3}' | sort");
    const want = ["pause", "agnhost"].map((k) => `${kube.release.images[k]!.name} ${kube.release.images[k]!.digest}`).sort();
    expect(listed.trim().split("\n")).toEqual(want);
  }, 60_000);

  it("a second up changes nothing and restarts nothing", async () => {
    const ids = [await invocation("kubelet"), await invocation("containerd")];
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("No changes");
    expect([await invocation("kubelet"), await invocation("containerd")]).toEqual(ids);
  }, 120_000);

  it("the pod survives a kubelet restart and a containerd restart, and keeps answering", async () => {
    const ip = (await podIp()).trim();
    const container = (await sh("crictl ps -q --name '^agnhost$'")).trim();
    await sh("systemctl restart kubelet");
    await sh("systemctl restart containerd");
    for (let i = 0; i < 60 && !(await sh("crictl ps -q --state running --name '^agnhost$' 2>/dev/null || true")).trim(); i++) await new Promise((r) => setTimeout(r, 500));
    expect((await sh("crictl ps -q --state running --name '^agnhost$'")).trim()).toBe(container);
    expect(await ask(ip, "/hostname")).toMatch(/agnhost-dd-kn-node-1$/);
  }, 120_000);

  it("an image removed by hand is seen by refresh and imported again, alone (pause is there at its digest: skipped)", async () => {
    const agnhost = kube.release.images.agnhost!;
    await sh(`ctr -n k8s.io images rm ${agnhost.name}`);
    await p.ok("refresh", "--yes");
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(new RegExp(`dd-kn-node-1-images\\s+update.*\\(imports ${agnhost.name.replace(/[.]/g, "\\.")}\\)`));
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain(`importing ${agnhost.name} into containerd`);
    expect(up.stdout).not.toContain("importing registry.k8s.io/pause");
    expect(await sh(`ctr -n k8s.io images ls -q name==${agnhost.name}`)).toBe(agnhost.name);
  }, 120_000);

  it("removing the node leaves the instance as it was: no files, units, containerd state, mounts, links or rules of drydock's", async () => {
    await setKube(false);
    await p.ok("up", "--yes");
    const after = await sh(SNAPSHOT);
    expect(after).toBe(before);
    expect(after).not.toMatch(/containerd|kubelet|cni|kubepods|\/opt\/cni/);
  }, 180_000);
});
