/**
 * kubernetes.PodRoutes: on one node, a route to each other node's pod subnet through that node's
 * address (pods on different nodes reach each other directly, as in Kubernetes the Hard Way).
 * The list is a file; a oneshot service applies it, removing only the routes it made that are no
 * longer listed. When nodes come and go, the list changes on every node and the service runs
 * again there: no Kubernetes component restarts.
 */
import { ComponentResource, type Resource, type ResourceOptions } from "../resource.js";
import { output, type Input } from "../output.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { Files } from "../host/files.js";
import { Service } from "../host/service.js";

export const POD_ROUTES_TYPE = "drydock:kubernetes:PodRoutes";

export interface PodRoutesArgs {
  readonly host: ConnectionLike;
  /** The other nodes' pod subnets and addresses. */
  readonly routes: Input<readonly { readonly podCidr: string; readonly via: string }[]>;
  readonly after?: readonly Resource[];
}

export class PodRoutes extends ComponentResource {
  readonly service: Service;
  constructor(name: string, args: PodRoutesArgs, opts?: ResourceOptions) {
    super(POD_ROUTES_TYPE, name, {}, opts);
    const parent = this;
    const connection = output(toConnection(args.host));
    const list = output(args.routes).apply((rs) => [...rs].sort((a, b) => a.podCidr.localeCompare(b.podCidr)).map((r) => {
      if (!/^[0-9./]+$/.test(r.podCidr) || !/^[0-9.]+$/.test(r.via)) throw new Error(`pod route ${JSON.stringify(r)}: not an IPv4 subnet and address`);
      return `${r.podCidr} ${r.via}\n`;
    }).join(""));
    const files = new Files(`${name}-files`, {
      connection,
      files: [
        { path: "/etc/kubernetes/pod-routes", content: list },
        { path: "/etc/kubernetes/pod-routes.sh", template: { name: "kubernetes/pod-routes.sh" }, mode: "0755" },
      ],
    }, { parent, dependsOn: [...(args.after ?? [])] });
    this.service = new Service(`${name}-service`, {
      connection, name: "drydock-pod-routes", unit: { name: "kubernetes/pod-routes.service" }, restartOn: [files.digest],
    }, { parent, dependsOn: [files] });
    this.registerOutputs({});
  }
}
