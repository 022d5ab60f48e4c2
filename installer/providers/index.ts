/** The providers built into drydock, by type token. */
import type { AnyProvider } from "../../sdk/index.js";
import { local, ssh } from "../../sdk/index.js";
import { fileProvider } from "./local/file.js";
import { commandProvider } from "./local/command.js";
import { hostProvider } from "./ssh/host.js";
import { commandProvider as sshCommandProvider } from "./ssh/command.js";
import { fileProvider as sshFileProvider } from "./ssh/file.js";
import { lxdProviders } from "./lxd/index.js";
import type { LxdConnector } from "./lxd/deps.js";
import { pkiProviders } from "./pki/index.js";
import { hostProviders } from "./host/index.js";
import { etcdProviders } from "./etcd/index.js";
import { kubernetesProviders } from "./kubernetes/index.js";
import { sshTransport } from "../transport/index.js";
import { renderInvokes } from "./kubernetes/render.js";

/** Every built-in provider; `connect` is how they reach hosts (unit tests pass a fake). */
export function builtinProviders(connect: LxdConnector = sshTransport): Record<string, AnyProvider> {
  return {
    [local.FILE_TYPE]: fileProvider,
    [local.COMMAND_TYPE]: commandProvider,
    [ssh.HOST_TYPE]: hostProvider(connect),
    [ssh.COMMAND_TYPE]: sshCommandProvider(connect),
    [ssh.FILE_TYPE]: sshFileProvider(connect),
    ...lxdProviders(connect),
    ...pkiProviders(),
    ...hostProviders(connect),
    ...etcdProviders(connect),
    ...kubernetesProviders(connect),
  };
}

/** Engine functions programs may call (`invoke`): rendering YAML and charts. */
export function builtinInvokes(projectDir: string): Record<string, (args: Record<string, unknown>) => Promise<unknown>> {
  return { ...renderInvokes(projectDir) };
}
