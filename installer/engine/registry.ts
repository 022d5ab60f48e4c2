/**
 * Type token → provider. Built-in providers come from installer/providers;
 * a project may add modules for its own packages (drydock.yaml `providers`).
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AnyProvider, ResourceProvider } from "../../sdk/index.js";
import { DrydockError } from "./errors.js";

export class ProviderRegistry {
  private readonly providers = new Map<string, AnyProvider>();

  register(type: string, provider: AnyProvider): void {
    if (this.providers.has(type)) throw new DrydockError("input", `two providers for resource type "${type}"`);
    this.providers.set(type, provider);
  }

  get(type: string): ResourceProvider | undefined {
    return this.providers.get(type) as ResourceProvider | undefined;
  }

  /** Loads a project's provider module: it exports `providers`, a map of type token → provider. */
  async load(pkg: string, modulePath: string, projectDir: string): Promise<void> {
    const url = pathToFileURL(resolve(projectDir, modulePath)).href;
    let mod: { providers?: Record<string, AnyProvider> };
    try {
      mod = (await import(url)) as typeof mod;
    } catch (e) {
      throw new DrydockError("program", `provider module "${modulePath}" for package "${pkg}" failed to load: ${(e as Error).message}`);
    }
    if (!mod.providers || typeof mod.providers !== "object") {
      throw new DrydockError("input", `provider module "${modulePath}" must export \`providers\`: { "${pkg}:module:Type": provider }`);
    }
    for (const [type, p] of Object.entries(mod.providers)) {
      if (typeof (p as { create?: unknown })?.create !== "function") {
        throw new DrydockError("input", `provider module "${modulePath}": "${type}" is not a provider (it has no create function)`);
      }
      if (!type.startsWith(`${pkg}:`)) {
        throw new DrydockError("input", `provider module "${modulePath}" registers "${type}", outside its package "${pkg}"`);
      }
      this.register(type, p);
    }
  }
}
