/** The host building blocks' providers, by type token. */
import { host, type AnyProvider } from "../../../sdk/index.js";
import type { Connector } from "../../transport/types.js";
import { HOST_DIRS, type HostDirs } from "./deps.js";
import { filesProvider } from "./files.js";
import { gateProvider } from "./gate.js";
import { serviceProvider } from "./service.js";

export function hostProviders(connect: Connector, dirs: HostDirs = HOST_DIRS): Record<string, AnyProvider> {
  return {
    [host.FILES_TYPE]: filesProvider(connect, dirs),
    [host.SERVICE_TYPE]: serviceProvider(connect, dirs),
    [host.GATE_TYPE]: gateProvider(connect),
  };
}
