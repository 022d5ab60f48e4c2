/** Checkpoint <-> JSON text, with every secret encrypted. */
import { Secret, isPlainObject, isSecret, isUnknown, type PropertyMap, type PropertyValue } from "../../../sdk/internal.js";
import type { Crypter } from "../secrets.js";
import { formatProblems, zodProblems } from "../../../sdk/internal.js";
import { DrydockError } from "../errors.js";
import { CheckpointFileSchema } from "./schema.js";
import type { Checkpoint, PendingOperation, ResourceState } from "./types.js";

const FORMAT = 1;

/** Gives a crypter when a secret must be encrypted or decrypted (throws if none can be had). */
export type CrypterSource = () => Crypter;

export class CheckpointCodec {
  /** Ciphertexts by Secret object, so unchanged secrets are not re-encrypted on every write. */
  private readonly cache = new WeakMap<Secret, string>();

  constructor(private readonly crypter: CrypterSource | typeof CheckpointCodec.masked) {}

  /** Decode secrets as masked placeholders without a passphrase (read-only views). */
  static readonly masked = Symbol("masked");

  private open(): Crypter {
    if (this.crypter === CheckpointCodec.masked) throw new Error("internal: a masked checkpoint cannot be written");
    return this.crypter();
  }

  encode(cp: Checkpoint): string {
    const doc = {
      version: FORMAT,
      project: cp.project,
      stack: cp.stack,
      resources: cp.resources.map((r) => ({
        ...r,
        inputs: this.encodeMap(r.inputs),
        outputs: this.encodeMap(r.outputs),
      })),
      outputs: this.encodeMap(cp.outputs),
      pending: cp.pending.map((p) => ({ ...p, inputs: this.encodeMap(p.inputs) })),
    };
    return `${JSON.stringify(doc, null, 1)}\n`;
  }

  decode(text: string, where: string): Checkpoint {
    let doc: Record<string, unknown> | null;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new DrydockError("failed", `state file ${where} is not valid JSON: ${(e as Error).message}`);
    }
    if (doc?.version !== FORMAT) {
      throw new DrydockError("failed", `state file ${where} has format version ${String(doc?.version)}; this drydock reads version ${FORMAT}`);
    }
    const checked = CheckpointFileSchema.safeParse(doc);
    if (!checked.success) {
      throw new DrydockError("failed", `state file ${where} is damaged:\n${formatProblems(zodProblems(checked.error.issues, doc))}`);
    }
    const resources = (checked.data.resources as unknown as ResourceState[]).map((r) => ({
      ...r,
      inputs: this.decodeMap(r.inputs),
      outputs: this.decodeMap(r.outputs),
    }));
    const pending = (checked.data.pending as unknown as PendingOperation[]).map((p) => ({ ...p, inputs: this.decodeMap(p.inputs) }));
    return {
      project: String(doc.project),
      stack: String(doc.stack),
      resources,
      outputs: this.decodeMap(checked.data.outputs as PropertyMap),
      pending,
    };
  }

  private encodeMap(m: PropertyMap): PropertyMap {
    return this.encodeValue(m) as PropertyMap;
  }

  private encodeValue(v: PropertyValue): PropertyValue {
    if (isSecret(v)) {
      let ct = this.cache.get(v);
      if (ct === undefined) {
        ct = this.open().encrypt(JSON.stringify(v.value));
        this.cache.set(v, ct);
      }
      return { $secret: ct };
    }
    if (isUnknown(v)) throw new Error("internal: an unknown value reached the state file");
    if (Array.isArray(v)) return v.map((x) => this.encodeValue(x));
    if (isPlainObject(v)) {
      const out: Record<string, PropertyValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, PropertyValue>)) out[k] = this.encodeValue(x);
      // A user object that looks like one of our markers is escaped, so it reads back as itself.
      return isMarker(out) ? { $escape: out } : out;
    }
    return v;
  }

  private decodeMap(m: PropertyMap): PropertyMap {
    return this.decodeValue(m) as PropertyMap;
  }

  private decodeValue(v: PropertyValue): PropertyValue {
    if (Array.isArray(v)) return v.map((x) => this.decodeValue(x));
    if (isPlainObject(v)) {
      const o = v as Record<string, PropertyValue>;
      if (isMarker(o) && isPlainObject(o.$escape)) {
        const out: Record<string, PropertyValue> = {};
        for (const [k, x] of Object.entries(o.$escape as Record<string, PropertyValue>)) out[k] = this.decodeValue(x);
        return out;
      }
      if (typeof o.$secret === "string" && Object.keys(o).length === 1) {
        if (this.crypter === CheckpointCodec.masked) return new Secret("[secret]");
        const s = new Secret(JSON.parse(this.open().decrypt(o.$secret)) as PropertyValue);
        this.cache.set(s, o.$secret);
        return s;
      }
      const out: Record<string, PropertyValue> = {};
      for (const [k, x] of Object.entries(o)) out[k] = this.decodeValue(x);
      return out;
    }
    return v;
  }
}

/** `{$secret: …}` and `{$escape: …}` are the codec's own markers. */
function isMarker(o: Record<string, unknown>): boolean {
  const keys = Object.keys(o);
  return keys.length === 1 && (keys[0] === "$secret" || keys[0] === "$escape");
}
