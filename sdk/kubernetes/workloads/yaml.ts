/**
 * kubernetes.Yaml: existing YAML files and folders (and inline YAML) as resources of their own.
 * Paths are relative to the project's folder; a folder's *.yaml and *.yml files are read in name
 * order (not its subfolders). `List` objects are unpacked; empty documents are skipped.
 */
import type { ResourceOptions } from "../../resource.js";
import { ObjectGroup, type GroupSettings } from "./group.js";

export const YAML_TYPE = "drydock:kubernetes:Yaml";
export const READ_YAML = "kubernetes:readYaml";

export interface YamlArgs extends GroupSettings {
  /** Files or folders. */
  readonly files?: readonly string[];
  /** YAML documents. */
  readonly yaml?: string;
}

export class Yaml extends ObjectGroup {
  constructor(name: string, args: YamlArgs, opts?: ResourceOptions) {
    const { files, yaml, ...settings } = args;
    super(YAML_TYPE, name, settings, opts, { token: READ_YAML, args: { files: files ?? [], ...(yaml !== undefined ? { yaml } : {}) } });
  }
}
