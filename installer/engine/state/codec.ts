/**
 * Checkpoint <-> JSON text, with every secret encrypted and bound to its place:
 * the additional data of each ciphertext is `<urn> inputs|outputs|pending <path>`.
 * A long output string equal to its input of the same name (a file's content)
 * is stored once, in the inputs, and the output as `{"$input": "<name>"}`.
 * Format 1 (unbound ciphertexts) is still read, and written back as format 2.
 */
import { Secret, containsSecret, formatPath, isPlainObject, isSecret, isUnknown, type PropertyMap, type PropertyValue } from "../../../sdk/internal.js";
import { secretCredentialsMap } from "../credentials.js";
import { Crypter } from "../secrets.js";
import { formatProblems, zodProblems } from "../../../sdk/internal.js";
import { DrydockError } from "../errors.js";
import { CheckpointFileSchema } from "./schema.js";
import type { Checkpoint, PendingOperation, ResourceState } from "./types.js";

const FORMAT = 2;
/** Formats this drydock reads; older ones are rewritten as FORMAT on the next write. */
const READS = [1, 2];

/** Gives a crypter when a secret must be encrypted or decrypted (throws if none can be had). */
export type CrypterSource = () => Crypter;

export class CheckpointCodec {
  /** Ciphertexts by Secret object and place, so unchanged secrets are not re-encrypted on every write. */
  private readonly cache = new WeakMap<Secret, Map<string, string>>();
  /** Each resource's encoded text, by state object. */
  private readonly texts = new WeakMap<ResourceState, string>();

  constructor(private readonly crypter: CrypterSource | typeof CheckpointCodec.masked) {}

  /** Decode secrets as masked placeholders without a passphrase (read-only views). */
  static readonly masked = Symbol("masked");

  private open(): Crypter {
    if (this.crypter === CheckpointCodec.masked) throw new Error("internal: a masked checkpoint cannot be written");
    return this.crypter();
  }

  encode(cp: Checkpoint): string {
    // As JSON.stringify(doc, null, 1) would write it, each resource's text kept from the last write
    // while the resource is the same object (states are replaced, never changed): a pass of many
    // resources re-encodes only those a step changed.
    const resources = cp.resources.map((r) => {
      let text = this.texts.get(r);
      if (text === undefined) {
        text = JSON.stringify({ ...r, inputs: this.encodeMap(r.inputs, `${r.urn} inputs`), outputs: this.encodeOutputs(r) }, null, 1);
        this.texts.set(r, text);
      }
      return text;
    });
    const at = (text: string, depth: number): string => text.replace(/\n/g, `\n${" ".repeat(depth)}`);
    const field = (k: string, v: unknown): string => ` ${JSON.stringify(k)}: ${at(JSON.stringify(v, null, 1), 1)}`;
    const list = resources.length ? `[\n${resources.map((t) => `  ${at(t, 2)}`).join(",\n")}\n ]` : "[]";
    return `${[
      "{",
      [
        field("version", FORMAT), field("project", cp.project), field("stack", cp.stack),
        ` "resources": ${list}`,
        field("outputs", this.encodeMap(cp.outputs, "stack outputs")),
        field("pending", cp.pending.map((p) => ({ ...p, inputs: this.encodeMap(p.inputs, `${p.urn} pending ${p.op}`) }))),
      ].join(",\n"),
      "}",
    ].join("\n")}\n`;
  }

  decode(text: string, where: string): Checkpoint {
    let doc: Record<string, unknown> | null;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new DrydockError("failed", `state file ${where} is not valid JSON: ${(e as Error).message}`);
    }
    if (!READS.includes(doc?.version as number)) {
      throw new DrydockError("failed", `state file ${where} has format version ${String(doc?.version)}; this drydock reads versions ${READS.join(" and ")}`);
    }
    const checked = CheckpointFileSchema.safeParse(doc);
    if (!checked.success) {
      throw new DrydockError("failed", `state file ${where} is damaged:\n${formatProblems(zodProblems(checked.error.issues, doc))}`);
    }
    const resources = (checked.data.resources as unknown as ResourceState[]).map((raw) => {
      const r = { ...raw, inputs: this.decodeMap(raw.inputs, `${raw.urn} inputs`) };
      return { ...r, outputs: this.decodeOutputs(r, raw.outputs, doc.version as number) };
    });
    const pending = (checked.data.pending as unknown as PendingOperation[])
      .map((p) => ({ ...p, inputs: this.decodeMap(p.inputs, `${p.urn} pending ${p.op}`) }));
    return {
      project: String(doc.project),
      stack: String(doc.stack),
      resources,
      outputs: this.decodeMap(checked.data.outputs as PropertyMap, "stack outputs"),
      pending,
    };
  }

  private remember(s: Secret, where: string, ct: string): void {
    const byPlace = this.cache.get(s) ?? new Map<string, string>();
    byPlace.set(where, ct);
    this.cache.set(s, byPlace);
  }

  /** A resource's outputs, each long one equal to its same-named input as a reference to it. */
  private encodeOutputs(r: ResourceState): PropertyMap {
    // Outputs named like a marker are stored as they are, escaped where needed, never with references.
    if (Object.keys(r.outputs).some((k) => k.startsWith("$"))) return this.encodeMap(r.outputs, `${r.urn} outputs`);
    const out: Record<string, PropertyValue> = {};
    for (const [k, v] of Object.entries(r.outputs)) {
      out[k] = sharedWithInput(v, r.inputs[k]) ? { $input: k } : this.encodeValue(v, `${r.urn} outputs`, [k]);
    }
    return out;
  }

  /** Outputs as stored (`stored`): a `{"$input": name}` entry is the input of that name (`r.inputs`, decoded already). */
  private decodeOutputs(r: ResourceState, stored: PropertyMap, version: number): PropertyMap {
    const raw = stored as Record<string, PropertyValue>;
    // Format 1 had no references (a `$input` there is a user's value).
    const refs = version < 2 || Object.keys(raw).some((k) => k.startsWith("$")) ? [] : Object.keys(raw).filter((k) => {
      const v = raw[k];
      return isPlainObject(v) && Object.keys(v).length === 1 && typeof (v as Record<string, unknown>).$input === "string";
    });
    if (refs.length === 0) return this.decodeMap(stored, `${r.urn} outputs`);
    const own = this.decodeMap(Object.fromEntries(Object.entries(raw).filter(([k]) => !refs.includes(k))), `${r.urn} outputs`);
    const out: PropertyMap = {};
    for (const k of Object.keys(raw)) {
      if (!refs.includes(k)) { out[k] = own[k]!; continue; }
      const name = (raw[k] as { $input: string }).$input;
      if (name !== k || !(k in r.inputs)) throw new DrydockError("failed", `state of ${r.urn} is damaged: output ${k} refers to input ${JSON.stringify(name)}, which it does not have`);
      out[k] = r.inputs[k]!;
    }
    return out;
  }

  private encodeMap(m: PropertyMap, scope: string): PropertyMap {
    return this.encodeValue(m, scope, []) as PropertyMap;
  }

  private encodeValue(v: PropertyValue, scope: string, path: readonly PropertyKey[]): PropertyValue {
    if (isSecret(v)) {
      const where = placeOf(scope, path);
      let ct = this.cache.get(v)?.get(where);
      if (ct === undefined) {
        ct = this.open().encrypt(JSON.stringify(v.value), where);
        this.remember(v, where, ct);
      }
      return { $secret: ct };
    }
    if (isUnknown(v)) throw new Error("internal: an unknown value reached the state file");
    if (Array.isArray(v)) return v.map((x, i) => this.encodeValue(x, scope, [...path, i]));
    if (isPlainObject(v)) {
      const out: Record<string, PropertyValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, PropertyValue>)) out[k] = this.encodeValue(x, scope, [...path, k]);
      // A user object that looks like one of our markers is escaped, so it reads back as itself.
      return isMarker(out) ? { $escape: out } : out;
    }
    return v;
  }

  /** Decodes a property map; a credential stored in plain (by a drydock before 2026-12) comes back secret. */
  private decodeMap(m: PropertyMap, scope: string): PropertyMap {
    return secretCredentialsMap(this.decodeValue(m, scope, []) as PropertyMap);
  }

  private decodeValue(v: PropertyValue, scope: string, path: readonly PropertyKey[]): PropertyValue {
    if (Array.isArray(v)) return v.map((x, i) => this.decodeValue(x, scope, [...path, i]));
    if (isPlainObject(v)) {
      const o = v as Record<string, PropertyValue>;
      if (isMarker(o) && isPlainObject(o.$escape)) {
        const out: Record<string, PropertyValue> = {};
        for (const [k, x] of Object.entries(o.$escape as Record<string, PropertyValue>)) out[k] = this.decodeValue(x, scope, [...path, k]);
        return out;
      }
      if (typeof o.$secret === "string" && Object.keys(o).length === 1) {
        if (this.crypter === CheckpointCodec.masked) return new Secret("[secret]");
        const where = placeOf(scope, path);
        const s = new Secret(JSON.parse(this.open().decrypt(o.$secret, where)) as PropertyValue);
        // An unbound (format 1) ciphertext is not cached, so the next write binds it to its place.
        if (!Crypter.isUnbound(o.$secret)) this.remember(s, where, o.$secret);
        return s;
      }
      const out: Record<string, PropertyValue> = {};
      for (const [k, x] of Object.entries(o)) out[k] = this.decodeValue(x, scope, [...path, k]);
      return out;
    }
    return v;
  }
}

/** The additional data of a secret: `urn:… inputs connection.privateKey`. */
function placeOf(scope: string, path: readonly PropertyKey[]): string {
  return `${scope} ${formatPath(path)}`;
}

/** Outputs shorter than this are stored as they are (readable in the state file); longer ones equal to their input, once. */
const SHARED_MIN_LENGTH = 4096;

/**
 * True for an output stored as a reference to the same-named input: a long string equal to it,
 * secret exactly when it is; or an object or list holding a secret (a kubeconfig in a connection)
 * equal to it with its secrets in the same places, so the secret is stored and encrypted once.
 */
function sharedWithInput(out: PropertyValue, input: PropertyValue | undefined): boolean {
  if (input === undefined || isSecret(out) !== isSecret(input)) return false;
  const a = isSecret(out) ? out.value : out;
  const b = isSecret(input) ? input.value : input;
  if (typeof a === "string") return a.length >= SHARED_MIN_LENGTH && a === b;
  return (Array.isArray(a) || isPlainObject(a)) && containsSecret(a) && sameWithSecrets(a, b);
}

/** Equal values with secrets at the same places. */
function sameWithSecrets(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (isSecret(a) || isSecret(b)) return isSecret(a) && isSecret(b) && sameWithSecrets(a.value, b.value);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameWithSecrets(x, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    const bo = b as Record<string, PropertyValue>;
    return ka.length === Object.keys(bo).length && ka.every((k) => k in bo && sameWithSecrets((a as Record<string, PropertyValue>)[k], bo[k]));
  }
  return a === b && !isUnknown(a);
}

/** `{$secret: …}`, `{$escape: …}` and `{$input: …}` are the codec's own markers. */
function isMarker(o: Record<string, unknown>): boolean {
  const keys = Object.keys(o);
  return keys.length === 1 && (keys[0] === "$secret" || keys[0] === "$escape" || keys[0] === "$input");
}
