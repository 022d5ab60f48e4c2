/**
 * The cluster's API endpoint as a virtual address: keepalived on every control-plane host, each a
 * VRRP backup without preemption (unicast to the others, so no multicast is needed), holds the
 * address on the host whose API server accepts connections. Kubelets, kube-proxy and the admin
 * kubeconfig use that one address; losing any one control-plane host moves it within seconds.
 * Why a virtual address, not a load balancer: it needs no extra host and no extra hop, every client
 * (and a user's kubectl) gets the same address, and keepalived is in every distribution.
 */
import type { Resource } from "../resource.js";
import { all, type Input, type Output } from "../output.js";
import type { Connection } from "../ssh/connection.js";
import { Files } from "../host/files.js";
import { Service } from "../host/service.js";
import { HealthGate } from "../host/gate.js";
import type { Endpoint } from "./cluster-spec.js";

export interface VipSettings {
  /** The network interface the hosts' addresses (and the virtual one) are on. @default "eth0" */
  readonly interface?: string;
  /** VRRP's virtual router id (1-255), unique on the network. @default from the cluster's name */
  readonly routerId?: number;
}

/** A number 1-255 from a name (FNV-1a), so two clusters on one network likely differ. */
export function routerIdOf(name: string): number {
  let h = 0x811c9dc5;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return (h % 255) + 1;
}

export interface VipHost {
  readonly host: { readonly name: string; readonly connection: Output<Connection>; readonly address: Output<string> };
  readonly index: number;
  readonly peers: readonly { readonly name: string; readonly address: Output<string> }[];
  readonly vip: VipSettings;
  readonly endpoint: Output<Endpoint>;
  readonly clusterName: string;
  readonly timeout: Input<number>;
}

/** keepalived's files, service and gate on one control-plane host; returns the gate. */
export function vipParts(name: string, v: VipHost, o: { readonly parent: Resource; readonly dependsOn: Resource[]; readonly updatesAfter: Resource[] }): HealthGate {
  const { host } = v;
  const iface = v.vip.interface ?? "eth0";
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(iface)) throw new Error(`endpoint.interface: ${JSON.stringify(iface)} is not a network interface name`);
  const routerId = v.vip.routerId ?? routerIdOf(v.clusterName);
  if (!Number.isInteger(routerId) || routerId < 1 || routerId > 255) throw new Error(`endpoint.routerId: ${routerId} must be 1-255`);
  const others = all(v.peers.filter((p) => p.name !== host.name).map((p) => p.address)).apply((as) => as.map((a) => `    ${a}`).join("\n"));
  const files = new Files(`${name}-api-vip-config`, {
    connection: host.connection,
    files: [
      { path: "/etc/kubernetes/keepalived.conf", mode: "0600", template: { name: "kubernetes/keepalived.conf", values: {
        hostName: host.name, instance: `dd_${v.clusterName.replace(/-/g, "_")}`, interface: iface, routerId, priority: 200 - v.index,
        address: host.address, peers: others, vip: v.endpoint.apply((e) => e.address),
      } } },
      { path: "/etc/kubernetes/api-vip-check.sh", mode: "0755", template: { name: "kubernetes/api-vip-check.sh", values: { port: 6443 } } },
    ],
  }, { parent: o.parent, dependsOn: o.dependsOn, updatesAfter: o.updatesAfter });
  const service = new Service(`${name}-api-vip`, {
    connection: host.connection, name: "drydock-api-vip", unit: { name: "kubernetes/api-vip.service" },
    restartOn: [files.digest],
  }, { parent: o.parent, dependsOn: [...o.dependsOn, files], updatesAfter: o.updatesAfter });
  return new HealthGate(`${name}-api-vip-running`, {
    description: `keepalived on ${host.name} running for the API's virtual address`,
    check: { kind: "command", connection: host.connection, command: "systemctl is-active --quiet drydock-api-vip" },
    timeout: v.timeout, interval: 0.5, journal: { connection: host.connection, unit: "drydock-api-vip" },
    triggers: [service.invocationId],
  }, { parent: o.parent, dependsOn: [service] });
}
