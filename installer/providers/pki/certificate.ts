/**
 * pki.Certificate: re-issued (new key) when what it says changes or its CA's
 * key changed; renewed when within `renewBefore` of its end. A CA re-signed
 * with the same key only updates the CA certificate carried alongside.
 */
import { checkWith, isUnknown, pki, propertyEquals, renewalDue, signedBy, type Clock, type ResourceProvider } from "./deps.js";
import { issueLeaf, type Issued } from "../../pki/issue.js";

type Inputs = pki.CertificateInputs;
interface Outputs extends Inputs, Issued {
  readonly caCertPem: string;
}

const SUBJECT = ["commonName", "organization", "usages", "dnsNames", "ipAddresses", "algorithm", "validity"] as const;

export function certificateProvider(clock: Clock): ResourceProvider<Inputs, Outputs> {
  async function issue(i: Inputs): Promise<Outputs> {
    const c = await issueLeaf({
      ca: i.ca, commonName: i.commonName, organization: i.organization, usages: i.usages,
      dnsNames: i.dnsNames, ipAddresses: i.ipAddresses, algorithm: i.algorithm,
      validityMs: pki.durationMs(i.validity), now: clock(),
    });
    return { ...i, ...c, caCertPem: i.ca.certPem };
  }

  /** Why the certificate must be re-issued, or undefined. */
  function reissue(olds: Outputs, news: Inputs, oldInputs: Inputs): string | undefined {
    const changed = SUBJECT.filter((k) => !propertyEquals(news[k], oldInputs[k]));
    if (changed.length) return `re-issue: ${changed.join(", ")} changed`;
    if (isUnknown(news.ca) || isUnknown(news.ca.certPem)) return "re-issue if its CA changes";
    if (!signedBy(olds.certPem, news.ca.certPem)) return "re-issue: its CA's key changed";
    return renewalDue(olds.notAfter, news.renewBefore, clock());
  }

  return {
    // The CA's key is a secret input; of what is computed only the new key is.
    secretOutputs: ["keyPem"],

    async check(_olds, news) {
      return checkWith(pki.CertificateArgsSchema, news);
    },

    async diff(_id, olds, news, oldInputs) {
      const why = reissue(olds, news, oldInputs);
      if (why) return { changes: true, note: why };
      const caRenewed = !isUnknown(news.ca.certPem) && news.ca.certPem !== olds.caCertPem;
      if (caRenewed) return { changes: true, note: "its CA was re-signed: same key, certificate kept" };
      return { changes: news.renewBefore !== oldInputs.renewBefore };
    },

    async create(inputs) {
      const outs = await issue(inputs);
      return { id: outs.serialNumber, outs };
    },

    async update(_id, olds, news, _ctx, oldInputs) {
      if (reissue(olds, news, oldInputs)) return { outs: await issue(news) };
      return { outs: { ...olds, ...news, caCertPem: news.ca.certPem } };
    },

    async delete() {
      // Nothing outside state.
    },
  };
}
