/**
 * The cluster's certificates: a CA (given, or the cluster's own), a server and
 * a peer certificate per member (SANs: its address and name, plus loopback for
 * the server one), and one client certificate. Kept across runs; re-issued when
 * the address or CA changes or within certRenewBefore of the end.
 */
import { X509Certificate } from "node:crypto";
import { issueCa, issueLeaf } from "../../pki/issue.js";
import { signedBy } from "../../pki/x509.js";
import { renewalDue } from "../../pki/expiry.js";
import { pki } from "./deps.js";
import { address, type Inputs, type Member } from "./plan.js";

export interface Pair {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notAfter: string;
}

export interface MemberCerts {
  readonly address: string;
  readonly server: Pair;
  readonly peer: Pair;
}

export interface ClusterCerts {
  readonly ca: { readonly certPem: string; readonly keyPem: string };
  /** The cluster made its CA itself (so it keeps the key in state). */
  readonly ownCa: boolean;
  readonly client: Pair;
  readonly members: Readonly<Record<string, MemberCerts>>;
}

/** Still good: signed by this CA and not due for renewal. */
function fresh(p: Pair | undefined, caCertPem: string, i: Inputs, now: Date): p is Pair {
  return p !== undefined && signedBy(p.certPem, caCertPem) && !renewalDue(p.notAfter, i.certRenewBefore, now);
}

const OWN_CA_VALIDITY = "3650d";

/**
 * Why the cluster's own CA is due: once a leaf issued now could outlive it
 * (less than certValidity + certRenewBefore left). It is re-signed with its
 * key, so every certificate it issued stays valid and only ca.crt rolls out.
 */
function ownCaDue(caCertPem: string, i: Inputs, now: Date): string | undefined {
  const notAfter = new Date(new X509Certificate(caCertPem).validTo).toISOString();
  const window = `${Math.ceil((pki.durationMs(i.certValidity) + pki.durationMs(i.certRenewBefore)) / 864e5)}d`;
  return renewalDue(notAfter, window, now);
}

export async function ensureCerts(i: Inputs, prev: ClusterCerts | undefined, members: readonly Member[], now: Date): Promise<ClusterCerts> {
  const ownCa = i.ca === undefined;
  const own = (ca: { certPem: string; keyPem: string }) => issueCa({ commonName: `${i.clusterName}-etcd-ca`, algorithm: "ecdsa-p256", validityMs: pki.durationMs(OWN_CA_VALIDITY), now, keyPem: ca.keyPem });
  const kept = ownCa && prev?.ownCa ? prev.ca : undefined;
  const ca = i.ca ?? (kept && ownCaDue(kept.certPem, i, now) ? await own(kept) : kept)
    ?? await issueCa({ commonName: `${i.clusterName}-etcd-ca`, algorithm: "ecdsa-p256", validityMs: pki.durationMs(OWN_CA_VALIDITY), now });
  const caPair = { certPem: ca.certPem, keyPem: ca.keyPem };
  const validityMs = pki.durationMs(i.certValidity);
  const leaf = (commonName: string, usages: ("server" | "client" | "peer")[], dnsNames: string[], ipAddresses: string[]) =>
    issueLeaf({ ca: caPair, commonName, usages, dnsNames, ipAddresses, algorithm: "ecdsa-p256", validityMs, now });

  const client = fresh(prev?.client, ca.certPem, i, now) ? prev!.client : await leaf(`${i.clusterName}-client`, ["client"], [], []);
  const entries = await Promise.all(members.map(async (m): Promise<[string, MemberCerts]> => {
    const a = address(m);
    const old = prev?.members[m.name];
    const same = old?.address === a;
    const server = same && fresh(old.server, ca.certPem, i, now) ? old.server
      // etcd's own gateway dials the client port with the server certificate, so it is a client too (as kubeadm's is).
      : await leaf(m.name, ["server", "client"], [m.name, "localhost"], [...new Set([a, "127.0.0.1"])]);
    const peer = same && fresh(old.peer, ca.certPem, i, now) ? old.peer : await leaf(m.name, ["peer"], [m.name], [a]);
    return [m.name, { address: a, server: pick(server), peer: pick(peer) }];
  }));
  return { ca: caPair, ownCa, client: pick(client), members: Object.fromEntries(entries) };
}

const pick = (p: Pair): Pair => ({ certPem: p.certPem, keyPem: p.keyPem, notAfter: p.notAfter });

/** Why some certificate would be re-issued now, for the plan; undefined when none would. */
export function certsDue(prev: ClusterCerts, i: Inputs, now: Date): string | undefined {
  const all: [string, Pair][] = [["client", prev.client]];
  for (const [n, m] of Object.entries(prev.members)) all.push([`${n} server`, m.server], [`${n} peer`, m.peer]);
  const due = all.filter(([, p]) => renewalDue(p.notAfter, i.certRenewBefore, now));
  const caDue = prev.ownCa && i.ca === undefined ? ownCaDue(prev.ca.certPem, i, now) : undefined;
  const notes = [
    ...(caDue ? [`the cluster's own CA is re-signed with its key (${caDue})`] : []),
    ...(due.length ? [`renewal of ${due.map(([n]) => n).join(", ")} certificates`] : []),
  ];
  return notes.length ? `${notes.join("; ")}, then a rolling restart` : undefined;
}
