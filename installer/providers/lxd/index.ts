/** The LXD providers, by type token. */
import { lxd, type LxdConnector } from "./deps.js";
import type { AnyProvider } from "../../../sdk/index.js";
import { remoteProvider } from "./remote.js";
import { storagePoolProvider } from "./storage-pool.js";
import { networkProvider } from "./network.js";
import { profileProvider } from "./profile.js";
import { imageProvider } from "./image.js";
import { instanceProvider } from "./instance.js";

export function lxdProviders(connect: LxdConnector): Record<string, AnyProvider> {
  return {
    [lxd.REMOTE_TYPE]: remoteProvider(connect),
    [lxd.STORAGE_POOL_TYPE]: storagePoolProvider(connect),
    [lxd.NETWORK_TYPE]: networkProvider(connect),
    [lxd.PROFILE_TYPE]: profileProvider(connect),
    [lxd.IMAGE_TYPE]: imageProvider(connect),
    [lxd.INSTANCE_TYPE]: instanceProvider(connect),
  };
}
