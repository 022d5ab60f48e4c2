/** A fresh host key for an in-process ssh2 server, and the fingerprint a client pins for it. */
import ssh2 from "ssh2";
import { fingerprintOfBlob } from "../../../installer/transport/ssh/fingerprint.js";

export function serverKey(): { readonly private: string; readonly fingerprint: string } {
  const key = ssh2.utils.generateKeyPairSync("ed25519");
  const parsed = ssh2.utils.parseKey(key.private);
  if (parsed instanceof Error) throw parsed;
  return { private: key.private, fingerprint: fingerprintOfBlob((Array.isArray(parsed) ? parsed[0]! : parsed).getPublicSSH()) };
}
