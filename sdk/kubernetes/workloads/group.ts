/**
 * A set of objects from one source (a YAML folder, a chart), each a resource of its own under a
 * component: Namespaces and CustomResourceDefinitions are declared first, so what lives in them
 * waits for them (declared.ts) and is deleted before them. An object gone from the source is
 * pruned like any resource gone from the program.
 */
import { ComponentResource, type ResourceOptions } from "../../resource.js";
import { invoke, track } from "../../runtime.js";
import { KubeObject, type ObjectSettings } from "./object.js";
import { applyPatches, type KubeManifest, type Patch } from "./patch.js";

export interface GroupSettings extends ObjectSettings {
  /** Overlays applied to the objects before they are declared. */
  readonly patches?: readonly Patch[];
}

const first = (o: KubeManifest): number => (o.kind === "Namespace" ? 0 : o.kind === "CustomResourceDefinition" ? 1 : 2);

/** The resource name of an object in a group: "web:Deployment/default/web". */
export const memberName = (group: string, o: KubeManifest): string =>
  `${group}:${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

export abstract class ObjectGroup extends ComponentResource {
  /** The objects, once rendered and declared. */
  readonly resources: Promise<KubeObject[]>;

  protected constructor(type: string, name: string, settings: GroupSettings, opts: ResourceOptions | undefined,
    render: { token: string; args: Record<string, unknown> }) {
    super(type, name, {}, opts);
    const { patches, ...objectSettings } = settings;
    this.resources = track(invoke<KubeManifest[]>(render.token, render.args).then((rendered) => {
      const objects = applyPatches(rendered, patches).sort((a, b) => first(a) - first(b));
      const made = objects.map((m) => new KubeObject(memberName(name, m), { ...objectSettings, manifest: m }, { parent: this }));
      this.registerOutputs({ objects: objects.map((o) => memberName("", o).slice(1)) });
      return made;
    }));
  }
}
