/** The providers built into drydock, by type token. */
import type { AnyProvider } from "../../sdk/index.js";
import { local } from "../../sdk/index.js";
import { fileProvider } from "./local/file.js";
import { commandProvider } from "./local/command.js";

export function builtinProviders(): Record<string, AnyProvider> {
  return {
    [local.FILE_TYPE]: fileProvider,
    [local.COMMAND_TYPE]: commandProvider,
  };
}
