/**
 * The stack key, derived once per command and off the pass's thread: the CLI
 * starts scrypt as soon as it knows the stack's salt, while the pass's worker
 * starts and loads the program; the pass blocks on the key only when it first
 * touches a secret. The key lives in memory shared by the two threads, never
 * in a message, a file or an event.
 */
import type { DerivedKey } from "./crypter-source.js";
import { deriveKeyAsync } from "./secrets.js";

export interface SharedKey {
  readonly salt: string;
  /** Int32 status (0 deriving, 1 ready, 2 failed), then the 32-byte key. */
  readonly cell: SharedArrayBuffer;
}

const DERIVING = 0;
const READY = 1;
const FAILED = 2;

/** Starts deriving the key for this salt; the returned handle can go to a worker (workerData). */
export function startDerivation(passphrase: string, salt: string): SharedKey {
  const cell = new SharedArrayBuffer(4 + 32);
  const status = new Int32Array(cell, 0, 1);
  const settle = (to: number): void => {
    Atomics.store(status, 0, to);
    Atomics.notify(status, 0);
  };
  deriveKeyAsync(passphrase, salt).then((key) => {
    new Uint8Array(cell, 4, 32).set(key);
    key.fill(0);
    settle(READY);
  }, () => settle(FAILED));
  return { salt, cell };
}

/**
 * Waits for the key (on a worker thread: the deriving thread must stay free);
 * undefined when it could not be derived, and the caller derives it itself,
 * which then says what is wrong.
 */
export function takeDerived(k: SharedKey, timeoutMs = 120_000): DerivedKey | undefined {
  const status = new Int32Array(k.cell, 0, 1);
  Atomics.wait(status, 0, DERIVING, timeoutMs);
  if (Atomics.load(status, 0) !== READY) return undefined;
  return { salt: k.salt, key: new Uint8Array(k.cell, 4, 32).slice() };
}
