/**
 * kubernetes.App: the usual shape of a stateless service, from its intent. A Deployment of one
 * container, a ConfigMap of its files (mounted read-only at `configPath`) and, with a port, a
 * ClusterIP Service. Defaults are few and visible: 1 replica, labels `app.kubernetes.io/name`,
 * the pod restarted when its config changes (a digest annotation), readiness by a TCP check on
 * the port. Escape hatch: `transform` edits the raw objects before they are declared, and the
 * resources are there (`deployment`, `service`, `configMap`) for outputs and dependencies.
 */
import { ComponentResource, type ResourceOptions } from "../../resource.js";
import { all, output, type Input, type Output } from "../../output.js";
import { Deployment, Service, ConfigMap, type ObjectMeta } from "./kinds.js";
import type { KubeObject, ObjectSettings } from "./object.js";
import { declaredNamespace } from "./declared.js";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IService } from "kubernetes-models/v1/Service";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";

export const APP_TYPE = "drydock:kubernetes:App";

export interface AppArgs extends ObjectSettings {
  readonly image: Input<string>;
  /** @default "default" */
  readonly namespace?: Input<string>;
  /** @default 1 */
  readonly replicas?: Input<number>;
  /** The container's port; the Service exposes it as `servicePort`. Without it: no Service. */
  readonly port?: Input<number>;
  /** @default port */
  readonly servicePort?: Input<number>;
  /** @default "ClusterIP" */
  readonly serviceType?: Input<"ClusterIP" | "NodePort" | "LoadBalancer">;
  readonly command?: Input<Input<string>[]>;
  readonly args?: Input<Input<string>[]>;
  readonly env?: Input<Record<string, Input<string>>>;
  /** Files (name → content) in a ConfigMap, mounted at `configPath`. */
  readonly config?: Input<Record<string, Input<string>>>;
  /** @default "/config" */
  readonly configPath?: Input<string>;
  /** @default "IfNotPresent" */
  readonly imagePullPolicy?: Input<"Always" | "IfNotPresent" | "Never">;
  readonly resources?: Input<{ requests?: Record<string, string>; limits?: Record<string, string> }>;
  readonly labels?: Input<Record<string, string>>;
  /** Edits the raw objects (plain values) before they are declared. */
  readonly transform?: {
    readonly deployment?: (d: Record<string, unknown>) => Record<string, unknown>;
    readonly service?: (s: Record<string, unknown>) => Record<string, unknown>;
    readonly configMap?: (c: Record<string, unknown>) => Record<string, unknown>;
  };
}

const digest = (files: Record<string, string>): string => {
  // FNV-1a over the sorted files: the pods roll when the config changes (no crypto needed here).
  let h = 0x811c9dc5;
  for (const k of Object.keys(files).sort()) for (const ch of `${k}\0${files[k]}\0`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
};

export class App extends ComponentResource {
  readonly deployment: KubeObject<IDeployment>;
  readonly service?: KubeObject<IService>;
  readonly configMap?: KubeObject<IConfigMap>;
  /** `<name>.<namespace>.svc` (with a port). */
  readonly host?: Output<string>;

  constructor(name: string, args: AppArgs, opts?: ResourceOptions) {
    super(APP_TYPE, name, {}, opts);
    const parent = this;
    const { cluster, defaultNamespace, force, waitForReady, readyTimeout, deleteTimeout } = args;
    const settings: ObjectSettings = { cluster, defaultNamespace, force, waitForReady, readyTimeout, deleteTimeout };
    const namespace = args.namespace ?? "default";
    const labels = output(args.labels ?? {}).apply((l) => ({ ...l, "app.kubernetes.io/name": name }));
    const selector = { "app.kubernetes.io/name": name };
    const meta = (): ObjectMeta => ({ name, namespace, labels }) as unknown as ObjectMeta;
    const t = args.transform ?? {};
    // Its objects' metadata is built late (labels, transforms): the namespace is waited for here.
    const nsDeps = typeof namespace === "string" ? declaredNamespace(namespace) : [];

    if (args.config !== undefined) {
      const cm = output(args.config).apply((data) => (t.configMap ?? ((x) => x))({ apiVersion: "v1", kind: "ConfigMap", data }));
      this.configMap = new ConfigMap(`${name}-config`, { ...settings, metadata: meta(), data: cm.apply((c) => c.data as Record<string, string>) }, { parent, dependsOn: nsDeps });
    }
    const port = args.port;
    const container = all({
      image: args.image, command: args.command, args: args.args, env: args.env ?? {}, port, pull: args.imagePullPolicy ?? "IfNotPresent",
      resources: args.resources, path: args.configPath ?? "/config", config: args.config ?? {},
    }).apply((c) => ({
      name,
      image: c.image,
      imagePullPolicy: c.pull,
      ...(c.command ? { command: c.command } : {}),
      ...(c.args ? { args: c.args } : {}),
      ...(Object.keys(c.env).length ? { env: Object.entries(c.env).sort().map(([k, v]) => ({ name: k, value: v })) } : {}),
      ...(c.port !== undefined ? { ports: [{ name: "main", containerPort: c.port }], readinessProbe: { tcpSocket: { port: c.port }, periodSeconds: 2 } } : {}),
      ...(c.resources ? { resources: c.resources } : {}),
      ...(args.config !== undefined ? { volumeMounts: [{ name: "config", mountPath: c.path, readOnly: true }] } : {}),
    }));
    const configDigest = output(args.config ?? {}).apply((c) => digest(c as Record<string, string>));
    const spec = all({ container, replicas: args.replicas ?? 1, configDigest, labels }).apply((s) => ({
      replicas: s.replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: s.labels, ...(args.config !== undefined ? { annotations: { "drydock.dev/config-digest": s.configDigest } } : {}) },
        spec: {
          containers: [s.container],
          ...(args.config !== undefined ? { volumes: [{ name: "config", configMap: { name: `${name}` } }] } : {}),
        },
      },
    }));
    const dep = all({ spec, namespace, labels }).apply((d) =>
      (t.deployment ?? ((x) => x))({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: d.namespace, labels: d.labels }, spec: d.spec }));
    this.deployment = new Deployment(`${name}-deployment`, {
      ...settings, metadata: dep.apply((d) => d.metadata as ObjectMeta), spec: dep.apply((d) => d.spec as never),
    }, { parent, dependsOn: [...nsDeps, ...(this.configMap ? [this.configMap] : [])] });

    if (port !== undefined) {
      const svc = all({ port, servicePort: args.servicePort ?? port, type: args.serviceType ?? "ClusterIP", namespace, labels }).apply((s) =>
        (t.service ?? ((x) => x))({
          apiVersion: "v1", kind: "Service", metadata: { name, namespace: s.namespace, labels: s.labels },
          spec: { type: s.type, selector, ports: [{ name: "main", port: s.servicePort, targetPort: "main", protocol: "TCP" }] },
        }));
      this.service = new Service(`${name}-service`, { ...settings, metadata: svc.apply((s) => s.metadata as ObjectMeta), spec: svc.apply((s) => s.spec as never) }, { parent, dependsOn: nsDeps });
      this.host = output(namespace).apply((ns) => `${name}.${ns}.svc`);
    }
    this.registerOutputs({ ...(this.host ? { host: this.host } : {}) });
  }
}
