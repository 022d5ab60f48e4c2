/**
 * pki.CertificateAuthority: lives in state only. Renewal re-signs with the
 * same key, so what it issued stays valid; a new subject or algorithm is a
 * new CA (replace), and everything it signed is re-issued after it.
 */
import { checkWith, pki, propertyEquals, remaining, renewalDue, type Clock, type ResourceProvider } from "./deps.js";
import { issueCa, type Issued } from "../../pki/issue.js";

type Inputs = pki.CertificateAuthorityInputs;
type Outputs = Inputs & Issued;

export function authorityProvider(clock: Clock): ResourceProvider<Inputs, Outputs> {
  const issue = (i: Inputs, keyPem?: string) =>
    issueCa({ commonName: i.commonName, organization: i.organization, algorithm: i.algorithm, validityMs: pki.durationMs(i.validity), now: clock(), keyPem });

  return {
    async check(_olds, news) {
      const r = checkWith(pki.CertificateAuthorityArgsSchema, news);
      if (r.inputs && typeof r.inputs.validity === "string" && typeof r.inputs.renewBefore === "string"
        && pki.durationMs(r.inputs.renewBefore) >= pki.durationMs(r.inputs.validity)) {
        return { failures: [{ property: "renewBefore", reason: `renewBefore (${r.inputs.renewBefore}) must be shorter than validity (${r.inputs.validity})` }] };
      }
      return r;
    },

    async diff(_id, olds, news, oldInputs) {
      const identity = (["commonName", "organization", "algorithm"] as const).filter((k) => !propertyEquals(news[k], oldInputs[k]));
      if (identity.length) return { changes: true, replaces: identity, note: "a new CA: everything it signed is re-issued" };
      const due = renewalDue(olds.notAfter, news.renewBefore, clock());
      if (due) return { changes: true, note: `${due}; same key, so what it signed stays valid` };
      if (news.validity !== oldInputs.validity) return { changes: true, note: "re-signed with the same key for the new validity" };
      if (news.renewBefore !== oldInputs.renewBefore) return { changes: true, note: remaining(olds.notAfter, clock()) };
      return { changes: false, note: remaining(olds.notAfter, clock()) };
    },

    async create(inputs) {
      const c = await issue(inputs);
      return { id: c.serialNumber, outs: { ...inputs, ...c } };
    },

    async update(_id, olds, news, _ctx, oldInputs) {
      const due = renewalDue(olds.notAfter, news.renewBefore, clock());
      if (!due && news.validity === oldInputs.validity) return { outs: { ...olds, ...news } };
      return { outs: { ...news, ...(await issue(news, olds.keyPem)) } };
    },

    async delete() {
      // Nothing outside state: the CA is its certificate and key.
    },
  };
}
