/** Deletes resources in reverse dependency order, in parallel where nothing forbids it. */
import { SkippedError } from "./errors.js";
import type { ResourceState } from "./state/types.js";

export async function deleteInOrder(
  doomed: readonly ResourceState[],
  del: (r: ResourceState) => Promise<void>,
): Promise<void> {
  const byUrn = new Map<string, ResourceState[]>();
  for (const r of doomed) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r]);
  // Who must go before each resource: the doomed resources that depend on it, or are its children.
  const before = new Map<ResourceState, ResourceState[]>(doomed.map((r) => [r, []]));
  for (const r of doomed) {
    for (const dep of new Set([r.parent, ...r.dependencies])) {
      if (dep === undefined) continue;
      for (const target of byUrn.get(dep) ?? []) if (target !== r) before.get(target)!.push(r);
    }
  }
  const done = new Map<ResourceState, Promise<void>>();
  const visiting = new Set<ResourceState>();
  const schedule = (r: ResourceState): Promise<void> => {
    let p = done.get(r);
    if (p) return p;
    if (visiting.has(r)) return Promise.resolve(); // a cycle in old state: break it
    visiting.add(r);
    const firsts = before.get(r)!.map(schedule);
    p = Promise.all(firsts).then(
      () => del(r),
      () => {
        throw new SkippedError(`${r.urn}: not deleted because a resource that depends on it was not deleted`);
      },
    );
    done.set(r, p);
    return p;
  };
  const results = await Promise.allSettled(doomed.map(schedule));
  const failed = results.find((x): x is PromiseRejectedResult => x.status === "rejected" && !(x.reason instanceof SkippedError));
  if (failed) throw failed.reason;
}
