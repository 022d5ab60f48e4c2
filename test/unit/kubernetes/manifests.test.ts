/** kubernetes.Manifests: each object named the way kubectl takes it, a bad document refused in the plan. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { manifestsProvider, objectsOf } from "../../../installer/providers/kubernetes/manifests.js";

const connection = { host: "10.0.0.2", port: 22, user: "root", privateKeyPath: "/k", hostKeys: ["SHA256:hltDr1Zg1Xrvu0cl2juYj6Vz3GVggBN62PYbVSjEJRI"] };
const provider = manifestsProvider((() => { throw new Error("no host in a check"); }) as never);

describe("kubernetes.Manifests", () => {
  it("names each object fully qualified, with its namespace", () => {
    expect(objectsOf("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: coredns, namespace: kube-system}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: system:coredns}\n---\n"))
      .toEqual(["serviceaccount/coredns -n kube-system", "clusterrole.v1.rbac.authorization.k8s.io/system:coredns"]);
  });

  it("renders a template in the plan and refuses a document without a kind or name", async () => {
    const ok = await provider.check!(undefined, { connection, template: { name: "kubernetes/addons/apiserver-kubelet.yaml" } });
    expect(ok.inputs?.content).toContain("name: system:kubelet-api-admin");
    const bad = await provider.check!(undefined, { connection, content: "apiVersion: v1\nmetadata: {name: x}\n" });
    expect(bad.failures).toEqual([{ property: "content", reason: "document 1: needs apiVersion, kind and metadata.name" }]);
  });

  it("a change is applied and an object dropped from the set deleted; an object deleted by hand is applied again", async () => {
    const content = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n";
    const olds = { connection, content, kubeconfig: "/k", timeout: 60, objects: ["configmap/a -n default", "configmap/b -n default"], digest: "x", present: [] as string[] };
    const d = await provider.diff!("id", olds as never, { connection, content, kubeconfig: "/k", timeout: 60 } as never, {} as never);
    expect(d).toEqual({ changes: true, note: "applies its objects; deletes configmap/b -n default" });
    // Unchanged, but refresh found it gone: applied again.
    const same = { ...olds, objects: ["configmap/a -n default"], digest: createHash("sha256").update(content).digest("hex") };
    expect(await provider.diff!("id", same as never, { connection, content, kubeconfig: "/k", timeout: 60 } as never, {} as never)).toEqual({ changes: true, note: "applies again configmap/a -n default (gone)" });
    expect(await provider.diff!("id", { ...same, present: ["configmap/a -n default"] } as never, { connection, content, kubeconfig: "/k", timeout: 60 } as never, {} as never)).toEqual({ changes: false });
  });
});
