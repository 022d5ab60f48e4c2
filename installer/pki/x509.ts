/** @peculiar/x509, loaded on first use (with the reflect-metadata it needs) and pointed at node's WebCrypto. */
import { webcrypto } from "node:crypto";

type X509 = typeof import("@peculiar/x509");
let loaded: Promise<X509> | undefined;

export function x509(): Promise<X509> {
  loaded ??= (async () => {
    await import("reflect-metadata");
    const m = await import("@peculiar/x509");
    m.cryptoProvider.set(webcrypto as unknown as Parameters<typeof m.cryptoProvider.set>[0]);
    return m;
  })();
  return loaded;
}
