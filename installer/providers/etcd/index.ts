/** The etcd providers, by type token: the parts an etcd.Cluster component is built from. */
import { etcd, type AnyProvider } from "../../../sdk/index.js";
import type { Connector } from "./deps.js";
import { bootstrapProvider } from "./bootstrap.js";
import { memberProvider } from "./member.js";
import { voterProvider } from "./voter.js";

export function etcdProviders(connect: Connector): Record<string, AnyProvider> {
  return {
    [etcd.BOOTSTRAP_TYPE]: bootstrapProvider(connect),
    [etcd.MEMBER_TYPE]: memberProvider(connect),
    [etcd.VOTER_TYPE]: voterProvider(connect),
  };
}
