/** Gives a stack's crypter lazily: the passphrase is read and scrypt run only when a secret is touched. */
import { DrydockError } from "./errors.js";
import type { Project, StackSettings } from "./project.js";
import { Crypter } from "./secrets.js";
import { updateStackSettings } from "./settings-file.js";

/** A stack key derived by one pass of a command, for the next pass of the same command: the salt it goes with, and the key. */
export interface DerivedKey {
  readonly salt: string;
  readonly key: Uint8Array;
}

export class StackCrypter {
  private crypter: Crypter | undefined;
  /** Set when a new salt was made and must be saved with the stack's settings. */
  private created = false;

  constructor(
    private readonly project: Project,
    private readonly stack: string,
    private readonly settings: StackSettings,
    private readonly passphrase: string | undefined,
    /**
     * The key an earlier pass of this command derived, or one the command is
     * deriving (its salt must be the stack's, or the stack must have none yet).
     */
    private readonly known?: DerivedKey | (() => DerivedKey | undefined),
  ) {}

  /** The key this pass derived or was given, if a secret was touched. */
  derived(): DerivedKey | undefined {
    return this.crypter && this.settings.encryptionsalt ? { salt: this.settings.encryptionsalt, key: this.crypter.exportKey() } : undefined;
  }

  get = (): Crypter => {
    if (this.crypter) return this.crypter;
    if (this.passphrase === undefined || this.passphrase === "") {
      throw new DrydockError(
        "input",
        `stack "${this.stack}" has secrets: set DRYDOCK_PASSPHRASE or pass --passphrase-file to encrypt and decrypt them`,
      );
    }
    const known = typeof this.known === "function" ? this.known() : this.known;
    if (known && (this.settings.encryptionsalt ?? known.salt) === known.salt) {
      // The plan pass's key: its salt is the stack's, or one the plan made that this pass now saves.
      this.crypter = Crypter.withKey(known.key, known.salt, this.stack);
      if (!this.settings.encryptionsalt) {
        this.settings.encryptionsalt = known.salt;
        this.created = true;
      }
    } else if (this.settings.encryptionsalt) {
      this.crypter = Crypter.open(this.passphrase, this.settings.encryptionsalt, this.stack);
    } else {
      const { salt, crypter } = Crypter.create(this.passphrase);
      this.settings.encryptionsalt = salt;
      this.crypter = crypter;
      this.created = true;
    }
    return this.crypter;
  };

  /**
   * Saves a salt made during this run (the state now holds secrets encrypted
   * with it). Only the salt is written, into the file as it is now: config set
   * since this run loaded its settings is kept.
   */
  async saveIfCreated(): Promise<void> {
    if (!this.created) return;
    await updateStackSettings(this.project, this.stack, { encryptionsalt: this.settings.encryptionsalt });
    this.created = false;
  }
}
