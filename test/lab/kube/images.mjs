// The release's images, built here from module sources and Debian packages (nothing is pulled
// from a registry): pause (upstream's pause.c, static), CoreDNS, and agnhost with a shell and
// the small tools the e2e suite execs into it (BusyBox: sh, nc, wget, nslookup, ip, …).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeImage } from "./oci.mjs";

function stage(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function etcFiles(root, users) {
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc/passwd"), users.map(([n, id, home]) => `${n}:x:${id}:${id}:${n}:${home}:/sbin/nologin\n`).join(""));
  writeFileSync(join(root, "etc/group"), users.map(([n, id]) => `${n}:x:${id}:\n`).join(""));
}

export const imageNames = (v) => ({
  pause: `registry.k8s.io/pause:${v.pause}`,
  coredns: `registry.k8s.io/coredns/coredns:${v.coredns}`,
  agnhost: `registry.k8s.io/e2e-test-images/agnhost:${v.agnhost}`,
});

/** Builds the three image archives into `outDir`; returns { key: { name, file, digest } }. */
export function buildImages({ kubeSrc, kubeBin, corednsBin, versions, work, outDir, log }) {
  const names = imageNames(versions);
  const out = {};
  mkdirSync(outDir, { recursive: true });

  log(`image ${names.pause}: pause.c from k8s.io/kubernetes, static`);
  const pause = stage(join(work, "pause"));
  execFileSync("gcc", ["-Os", "-Wall", "-Werror", "-static", `-DVERSION=v${versions.pause}-drydock-lab`,
    "-o", join(pause, "pause"), join(kubeSrc, "build/pause/linux/pause.c")]);
  execFileSync("strip", [join(pause, "pause")]);
  out.pause = { name: names.pause, file: join(outDir, "pause.tar") };
  out.pause.digest = writeImage({ name: names.pause, root: pause, out: out.pause.file, config: { Entrypoint: ["/pause"], User: "65535:65535" } });

  log(`image ${names.coredns}`);
  const coredns = stage(join(work, "coredns"));
  copyFileSync(join(corednsBin, "coredns"), join(coredns, "coredns"));
  chmodSync(join(coredns, "coredns"), 0o755);
  // Upstream's image runs as nonroot with the bind capability on the file, so port 53 works.
  execFileSync("setcap", ["cap_net_bind_service=+ep", join(coredns, "coredns")]);
  etcFiles(coredns, [["root", 0, "/root"], ["nonroot", 65532, "/home/nonroot"]]);
  mkdirSync(join(coredns, "etc/ssl/certs"), { recursive: true });
  copyFileSync("/etc/ssl/certs/ca-certificates.crt", join(coredns, "etc/ssl/certs/ca-certificates.crt"));
  out.coredns = { name: names.coredns, file: join(outDir, "coredns.tar") };
  out.coredns.digest = writeImage({ name: names.coredns, root: coredns, out: out.coredns.file, config: { Entrypoint: ["/coredns"], User: "65532:65532", ExposedPorts: { "53/tcp": {}, "53/udp": {} } } });

  log(`image ${names.agnhost}: agnhost + BusyBox`);
  const agn = stage(join(work, "agnhost"));
  for (const d of ["bin", "tmp", "uploads", "root"]) mkdirSync(join(agn, d), { recursive: true });
  chmodSync(join(agn, "tmp"), 0o1777);
  copyFileSync("/bin/busybox", join(agn, "bin/busybox"));
  chmodSync(join(agn, "bin/busybox"), 0o755);
  const applets = execFileSync("/bin/busybox", ["--list"], { encoding: "utf8" }).split("\n").filter((a) => /^[\w.[-]+$/.test(a) && a !== "busybox");
  for (const a of applets) if (!existsSync(join(agn, "bin", a))) symlinkSync("busybox", join(agn, "bin", a));
  copyFileSync(join(kubeBin, "agnhost"), join(agn, "agnhost"));
  chmodSync(join(agn, "agnhost"), 0o755);
  symlinkSync("agnhost", join(agn, "agnhost-2"));
  for (const f of ["localhost.crt", "localhost.key"]) copyFileSync(join(kubeSrc, "test/images/agnhost/porter", f), join(agn, f));
  mkdirSync(join(agn, "etc"));
  // The users and group upstream's agnhost image adds, which e2e tests look for.
  writeFileSync(join(agn, "etc/group"), "root:x:0:\nuser-defined-in-image:x:1000:\ngroup-defined-in-image:x:50000:user-defined-in-image\nnobody:x:65534:\n");
  writeFileSync(join(agn, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser-defined-in-image:x:1000:1000::/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n");
  out.agnhost = { name: names.agnhost, file: join(outDir, "agnhost.tar") };
  out.agnhost.digest = writeImage({ name: names.agnhost, root: agn, out: out.agnhost.file, config: { Entrypoint: ["/agnhost"], Cmd: ["pause"], ExposedPorts: { "80/tcp": {}, "8080/tcp": {}, "8081/tcp": {}, "9376/tcp": {}, "5000/tcp": {} } } });
  return out;
}
