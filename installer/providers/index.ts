/** The providers built into drydock, by type token. */
import type { AnyProvider } from "../../sdk/index.js";
import { etcd, local, ssh } from "../../sdk/index.js";
import { fileProvider } from "./local/file.js";
import { commandProvider } from "./local/command.js";
import { hostProvider } from "./ssh/host.js";
import { commandProvider as sshCommandProvider } from "./ssh/command.js";
import { fileProvider as sshFileProvider } from "./ssh/file.js";
import { lxdProviders } from "./lxd/index.js";
import { pkiProviders } from "./pki/index.js";
import { clusterProvider } from "./etcd/cluster.js";
import { systemClock } from "./pki/deps.js";
import { sshTransport } from "../transport/index.js";

export function builtinProviders(): Record<string, AnyProvider> {
  return {
    [local.FILE_TYPE]: fileProvider,
    [local.COMMAND_TYPE]: commandProvider,
    [ssh.HOST_TYPE]: hostProvider(sshTransport),
    [ssh.COMMAND_TYPE]: sshCommandProvider(sshTransport),
    [ssh.FILE_TYPE]: sshFileProvider(sshTransport),
    ...lxdProviders(sshTransport),
    ...pkiProviders(),
    [etcd.CLUSTER_TYPE]: clusterProvider(sshTransport, systemClock),
  };
}
