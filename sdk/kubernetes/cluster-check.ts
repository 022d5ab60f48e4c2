/**
 * What is wrong with a cluster's declaration as a whole, each problem with its path, and each
 * node's pod subnet. Pure: the ClusterSpec provider calls these in `check`, so a bad declaration
 * stops the plan before any host is touched. Unknown values (an instance not made yet) are skipped.
 */
import { cidrString, contains, nthSubnet, overlaps, parseCidr, parseNetwork, subnetCount, type Cidr } from "./cidr.js";
import { checkConfig } from "./config-check.js";
import { checkFlags } from "./flag-check.js";
import { FLAG_COMPONENTS, type ClusterSpecInputs } from "./cluster-spec.js";
import { parseIpv4 } from "../net.js";

export interface SpecProblem {
  readonly path: string;
  readonly message: string;
}

type Known = (v: unknown) => boolean;

function subnetProblems(s: ClusterSpecInputs, known: Known, out: SpecProblem[]): void {
  const nets: [string, Cidr][] = [];
  for (const k of ["podSubnet", "serviceSubnet"] as const) {
    if (!known(s[k])) continue;
    const c = parseCidr(s[k]);
    if (typeof c === "string") out.push({ path: k, message: c });
    else nets.push([k, c]);
  }
  const [a, b] = nets;
  if (a && b && overlaps(a[1], b[1])) out.push({ path: "serviceSubnet", message: `${cidrString(b[1])} overlaps podSubnet ${cidrString(a[1])}` });
  const pod = nets.find(([k]) => k === "podSubnet")?.[1];
  if (pod && known(s.nodeMaskSize) && s.nodeMaskSize < pod.bits) out.push({ path: "nodeMaskSize", message: `/${s.nodeMaskSize} is larger than podSubnet ${cidrString(pod)}` });
  const svc = nets.find(([k]) => k === "serviceSubnet")?.[1];
  if (svc && svc.bits > 28) out.push({ path: "serviceSubnet", message: `${cidrString(svc)} is too small (at most /28: the API and DNS services take its first and tenth addresses)` });
  if (known(s.hostNetworks)) {
    s.hostNetworks.forEach((n, k) => {
      if (!known(n)) return;
      const h = parseNetwork(n);
      if (typeof h === "string") { out.push({ path: `hostNetworks[${k}]`, message: h }); return; }
      for (const [name, c] of nets) if (overlaps(h, c)) out.push({ path: `hostNetworks[${k}]`, message: `the hosts' network ${cidrString(h)} overlaps ${name} ${cidrString(c)}: hosts, pods and services need subnets apart` });
    });
  }
  // Hosts' addresses and the endpoint lie outside both subnets.
  const addresses: [string, string][] = [
    ...s.controlPlane.map((h, k): [string, string] => [`controlPlane[${k}].address`, h.address]),
    ...s.workers.map((h, k): [string, string] => [`workers[${k}].address`, h.address]),
    ...(known(s.endpoint) && s.endpoint.kind !== "host" ? [["endpoint.address", s.endpoint.address] as [string, string]] : []),
  ];
  for (const [path, addr] of addresses) {
    if (!known(addr)) continue;
    const ip = parseIpv4(addr);
    if (ip === undefined) continue;
    for (const [k, c] of nets) if (contains(c, ip)) out.push({ path, message: `${addr} lies inside ${k} ${cidrString(c)}: hosts, pods and services need subnets apart` });
  }
}

function hostProblems(s: ClusterSpecInputs, known: Known, out: SpecProblem[]): void {
  for (const list of ["controlPlane", "workers"] as const) {
    const names = new Map<string, number>();
    const addrs = new Map<string, number>();
    s[list].forEach((h, k) => {
      if (known(h.name)) {
        const j = names.get(h.name);
        if (j !== undefined) out.push({ path: `${list}[${k}].name`, message: `"${h.name}" is listed twice (also ${list}[${j}]); a host that is both a control-plane host and a worker is listed once in each` });
        else names.set(h.name, k);
      }
      if (known(h.address)) {
        const j = addrs.get(h.address);
        if (j !== undefined) out.push({ path: `${list}[${k}].address`, message: `${h.address} is also ${list}[${j}]'s address: a host is listed once` });
        else addrs.set(h.address, k);
      }
    });
  }
  // A host in both lists is one host: the same name at the same address.
  s.workers.forEach((w, k) => {
    if (!known(w.name) || !known(w.address)) return;
    s.controlPlane.forEach((c, j) => {
      if (!known(c.name) || !known(c.address)) return;
      if (c.name === w.name && c.address !== w.address) out.push({ path: `workers[${k}].address`, message: `"${w.name}" is controlPlane[${j}] at ${c.address}, not ${w.address}` });
      if (c.address === w.address && c.name !== w.name) out.push({ path: `workers[${k}].name`, message: `${w.address} is controlPlane[${j}] "${c.name}": one host has one node name` });
    });
  });
  const n = s.controlPlane.length;
  if (s.etcd === "stacked" && n % 2 === 0 && !s.allowEvenMembers) {
    out.push({ path: "controlPlane", message: `${n} control-plane hosts make ${n} stacked etcd members, an even count: it tolerates no more failures than ${n - 1} (quorum ${Math.floor(n / 2) + 1}); use an odd count, or set allowEvenMembers` });
  }
  if (known(s.endpoint) && s.endpoint.kind === "host" && n > 1) {
    out.push({ path: "endpoint", message: `${n} control-plane hosts need an endpoint that survives losing one: give endpoint.vip (a free address on their subnet) or endpoint.address (a load balancer)` });
  }
  if (known(s.endpoint) && s.endpoint.kind === "vip" && known(s.endpoint.address)) {
    const j = [...s.controlPlane, ...s.workers].findIndex((h) => h.address === s.endpoint.address);
    if (j >= 0) out.push({ path: "endpoint.vip", message: `${s.endpoint.address} is a host's own address; the virtual address must be a free one` });
  }
}

/** Every problem of a cluster's declaration; [] when it is sound. */
export function clusterProblems(s: ClusterSpecInputs, known: Known): SpecProblem[] {
  const out: SpecProblem[] = [];
  subnetProblems(s, known, out);
  hostProblems(s, known, out);
  if (known(s.version)) {
    for (const c of FLAG_COMPONENTS) {
      if (!known(s.flags[c])) continue;
      for (const p of checkFlags(c, s.version, s.flags[c])) out.push({ path: `${flagField(c)}.flags.${p.flag}`, message: p.message });
    }
    const configs = [["kubelet", "KubeletConfiguration"], ["kubeProxy", "KubeProxyConfiguration"]] as const;
    for (const [field, kind] of configs) {
      if (!known(s[field])) continue;
      for (const p of checkConfig(kind, s.version, s[field])) out.push({ path: p.path ? `${field}.${p.path}` : field, message: p.message });
    }
  }
  if (known(s.releaseImages) && known(s.requiredImages)) {
    for (const img of s.requiredImages) {
      if (!s.releaseImages.includes(img)) out.push({ path: "release.images", message: `the cluster needs the image "${img}", and the release has ${s.releaseImages.length ? s.releaseImages.join(", ") : "none (give it a mirror with images)"}` });
    }
  }
  return out;
}

/** The name a component's settings have in the declaration. */
export function flagField(c: (typeof FLAG_COMPONENTS)[number]): string {
  return { "kube-apiserver": "apiServer", "kube-controller-manager": "controllerManager", "kube-scheduler": "scheduler" }[c];
}

/**
 * Each worker's pod subnet: pinned, kept from `previous` while still inside the pod subnet, else
 * the lowest free one. Problems (a pin outside the subnet, two nodes on one, none left) go to `out`.
 */
export function assignPodCidrs(s: ClusterSpecInputs, previous: Record<string, string> | undefined, out: SpecProblem[]): Record<string, string> {
  const pod = parseCidr(s.podSubnet);
  if (typeof pod === "string") return {};
  const taken = new Map<string, string>();
  const result: Record<string, string> = {};
  const claim = (k: number, name: string, cidr: string, pinned: boolean): boolean => {
    const c = parseCidr(cidr);
    if (typeof c === "string" || c.bits !== s.nodeMaskSize || !contains(pod, c.base)) {
      if (pinned) out.push({ path: `workers[${k}].podCidr`, message: typeof c === "string" ? c : `${cidr} is not a /${s.nodeMaskSize} inside podSubnet ${cidrString(pod)}` });
      return false;
    }
    const other = taken.get(cidr);
    if (other !== undefined) {
      if (pinned) out.push({ path: `workers[${k}].podCidr`, message: `${cidr} is also ${other}'s pod subnet` });
      return false;
    }
    taken.set(cidr, name);
    result[name] = cidr;
    return true;
  };
  s.workers.forEach((w, k) => { if (w.podCidr !== undefined) claim(k, w.name, w.podCidr, true); });
  s.workers.forEach((w, k) => { if (w.podCidr === undefined && previous?.[w.name]) claim(k, w.name, previous[w.name]!, false); });
  const total = subnetCount(pod, s.nodeMaskSize);
  let next = 0;
  s.workers.forEach((w, k) => {
    if (result[w.name] !== undefined) return;
    while (next < total && taken.has(nthSubnet(pod, s.nodeMaskSize, next))) next++;
    if (next >= total) { out.push({ path: `workers[${k}]`, message: `podSubnet ${cidrString(pod)} has no free /${s.nodeMaskSize} left for "${w.name}"` }); return; }
    claim(k, w.name, nthSubnet(pod, s.nodeMaskSize, next), false);
  });
  return result;
}
