/** The state a pass builds up, persisted (coalesced, atomic) after every completed step. */
import type { PropertyMap } from "../../sdk/internal.js";
import type { Checkpoint, PendingOperation, ResourceState } from "./state/types.js";

export type Persist = (cp: Checkpoint) => Promise<void>;

export class WorkingState {
  readonly current = new Map<string, ResourceState>();
  readonly condemned: ResourceState[] = [];
  readonly pending = new Map<string, PendingOperation>();
  outputs: PropertyMap;
  private writing: Promise<void> | undefined;
  private again = false;
  private waiters: (() => void)[] = [];
  private failed: unknown;

  constructor(
    readonly base: Checkpoint,
    private readonly persist?: Persist,
  ) {
    for (const r of base.resources) {
      if (r.pendingDelete) this.condemned.push(r);
      else this.current.set(r.urn, r);
    }
    for (const p of base.pending) this.pending.set(`${p.op}:${p.urn}`, p);
    this.outputs = base.outputs;
  }

  /** Resources ordered so that parents and dependencies come first. */
  snapshot(): Checkpoint {
    const all = [...this.current.values(), ...this.condemned];
    const byUrn = new Map(this.current);
    const seen = new Set<ResourceState>();
    const out: ResourceState[] = [];
    const visit = (r: ResourceState): void => {
      if (seen.has(r)) return;
      seen.add(r);
      for (const d of [r.parent, ...r.dependencies]) {
        const dep = d === undefined ? undefined : byUrn.get(d);
        if (dep && dep !== r) visit(dep);
      }
      out.push(r);
    };
    for (const r of all) visit(r);
    return { project: this.base.project, stack: this.base.stack, resources: out, outputs: this.outputs, pending: [...this.pending.values()] };
  }

  /** Resolves once a write that started after this call has completed. */
  flush(): Promise<void> {
    if (!this.persist) return Promise.resolve();
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((res, rej) => {
      this.waiters.push(() => (this.failed ? rej(this.failed) : res()));
      if (this.writing) this.again = true;
      else this.writing = this.loop();
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const waiting = this.waiters;
      this.waiters = [];
      try {
        await this.persist!(this.snapshot());
      } catch (e) {
        this.failed = e;
      }
      for (const w of waiting) w();
    } while (this.again || this.waiters.length > 0);
    this.writing = undefined;
  }
}
