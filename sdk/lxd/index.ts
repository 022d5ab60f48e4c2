/** LXD servers reached over SSH, through the LXD REST API. */
export { Remote, REMOTE_TYPE, RemoteArgsSchema, type RemoteArgs, type RemoteInputs } from "./remote.js";
export { StoragePool, STORAGE_POOL_TYPE, StoragePoolArgsSchema, type StoragePoolArgs, type StoragePoolInputs } from "./storage-pool.js";
export { Network, NETWORK_TYPE, NetworkArgsSchema, type NetworkArgs, type NetworkInputs } from "./network.js";
export { Profile, PROFILE_TYPE, ProfileArgsSchema, type ProfileArgs, type ProfileInputs } from "./profile.js";
export { Image, IMAGE_TYPE, ImageArgsSchema, type ImageArgs, type ImageInputs } from "./image.js";
export { Instance, INSTANCE_TYPE, InstanceArgsSchema, type InstanceArgs, type InstanceInputs } from "./instance.js";
export { DEFAULT_SOCKET, RemoteEndpointSchema, toEndpoint, type RemoteEndpoint, type RemoteLike } from "./endpoint.js";
export { gatewayCidrProblem } from "../net.js";
export { kubernetesNodeProfile, KUBERNETES_NODE_CONFIG, KUBERNETES_NODE_DEVICES, KUBERNETES_NODE_MODULES, type KubernetesNodeProfileArgs } from "./kubernetes-node.js";
