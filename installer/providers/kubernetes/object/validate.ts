/**
 * A known kind's body checked against its OpenAPI schema (kubernetes-models' validators), so a
 * typo fails in the plan with the field's path, not at apply time. Custom kinds are left to the
 * API server (its dry run, in the preview of an existing object).
 */
type Validator = new (data: unknown) => { validate(): void };

const cache = new Map<string, Promise<Validator | undefined>>();

const modulePath = (apiVersion: string, kind: string): string => {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`;
};

function validatorFor(apiVersion: string, kind: string): Promise<Validator | undefined> {
  const key = `${apiVersion}/${kind}`;
  let v = cache.get(key);
  if (!v) {
    v = import(modulePath(apiVersion, kind)).then(
      (m: Record<string, unknown>) => (typeof m[kind] === "function" ? (m[kind] as Validator) : undefined),
      () => undefined,
    );
    cache.set(key, v);
  }
  return v;
}

interface AjvError { instancePath?: string; message?: string; params?: Record<string, unknown> }

/** Problems as [dotted path under the manifest, message]. */
export async function schemaProblems(m: Record<string, unknown>): Promise<[string, string][]> {
  const V = await validatorFor(String(m.apiVersion), String(m.kind));
  if (!V) return [];
  try {
    new V(m).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: AjvError[] }).errors;
    if (!errors) return [["", (e as Error).message]];
    return errors.slice(0, 10).map((x) => {
      const path = (x.instancePath ?? "").split("/").filter(Boolean).map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("").replace(/^\./, "");
      const extra = x.params?.additionalProperty ? ` ("${String(x.params.additionalProperty)}")` : "";
      return [path, `${x.message ?? "is invalid"}${extra}`];
    });
  }
}
