/** The bodies drydock sends to the LXD API, built from inputs (pure, unit-tested). */
import type { lxd } from "./deps.js";

type Instance = lxd.InstanceInputs;

/** The config keys drydock manages on an instance. */
export function instanceConfig(i: Instance): Record<string, string> {
  const c: Record<string, string> = { ...i.config };
  if (i.limits.cpu !== undefined) c["limits.cpu"] = String(i.limits.cpu);
  if (i.limits.memory !== undefined) c["limits.memory"] = i.limits.memory;
  // Images with an authorized_keys template (the lab's) read this; the file is also pushed directly.
  if (i.authorizedKeys.length) c["user.ssh_authorized_keys"] = `${i.authorizedKeys.join("\n")}\n`;
  return c;
}

export function instanceDevices(i: Instance): Record<string, Record<string, string>> {
  const d: Record<string, Record<string, string>> = {};
  if (i.rootDisk) d.root = { type: "disk", path: "/", pool: i.rootDisk.pool, ...(i.rootDisk.size ? { size: i.rootDisk.size } : {}) };
  i.networks.forEach((network, n) => {
    d[`eth${n}`] = { type: "nic", nictype: "bridged", parent: network, name: `eth${n}` };
  });
  return d;
}

/** How an instance names its image to LXD (check.ts's imageSource decides). */
export type ImageSource = { readonly alias: string } | { readonly fingerprint: string };

/** POST /1.0/instances */
export function instanceCreateBody(i: Instance, image: ImageSource): Record<string, unknown> {
  return {
    name: i.name,
    type: i.type,
    source: { type: "image", ...image },
    profiles: i.profiles,
    config: instanceConfig(i),
    devices: instanceDevices(i),
  };
}

/**
 * A config map after an update (instances, pools, networks): keys drydock set
 * before and no longer wants are removed, LXD's own (volatile.*, image.*) and
 * others' keys are kept.
 */
export function mergedConfig(current: Record<string, string>, before: Record<string, string>, wanted: Record<string, string>): Record<string, string> {
  const c = { ...current };
  for (const k of Object.keys(before)) if (!(k in wanted)) delete c[k];
  return Object.assign(c, wanted);
}

/** POST /1.0/networks (bridge). */
export function networkBody(n: lxd.NetworkInputs): Record<string, unknown> {
  return { name: n.name, type: "bridge", config: networkConfig(n) };
}

export function networkConfig(n: lxd.NetworkInputs): Record<string, string> {
  return {
    ...n.config,
    "ipv4.address": n.ipv4,
    "ipv4.nat": String(n.nat),
    "ipv4.dhcp": String(n.dhcp),
    "ipv6.address": n.config["ipv6.address"] ?? "none",
  };
}

/** The IPv4 address LXD reports for the first NIC, if any. */
export function firstIpv4(state: { network?: Record<string, { addresses?: { family: string; address: string; scope: string }[] }> | null }, nic = "eth0"): string | undefined {
  const addrs = state.network?.[nic]?.addresses ?? [];
  return addrs.find((a) => a.family === "inet" && a.scope === "global")?.address;
}
