/**
 * kubernetes.Release: "Kubernetes vX.Y.Z for linux/<arch>" and the versions of
 * everything a cluster runs beside it, resolved to sha256-pinned artifacts.
 * The sha256 of each file comes from its upstream's own checksum file (or the
 * mirror's copy of it), read once when the release is created or changed, and
 * is then kept in state: that is the lock. Later runs download no checksum,
 * and a file that changed since is refused before it is uploaded anywhere.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import type { Artifact } from "../artifact.js";

export const RELEASE_TYPE = "drydock:kubernetes:Release";

const tag = (what: string) => z.string().regex(/^v\d+\.\d+\.\d+$/, `${what} must be a release tag such as "v1.2.3"`);

/** Versions known to work together here (the lab builds and tests them). */
export const KNOWN_GOOD = {
  "v1.37": {
    etcd: "v3.6.17", containerd: "v2.4.2", runc: "v1.5.3", cni: "v1.10.0", crictl: "v1.37.0", coredns: "v1.14.6",
    pause: "3.10.2", agnhost: "2.66.1",
  },
} as const;
export type KnownMinor = keyof typeof KNOWN_GOOD;

export const MirrorSchema = z.object({
  /**
   * The mirror's base URL: each file is at <url>/<upstream host>/<upstream path> (for example
   * <url>/dl.k8s.io/v1.37.2/bin/linux/amd64/kubelet), and image archives at
   * <url>/images/<registry>/<repository>/<tag>/linux-<arch>.tar. `https://` or `file:///`.
   */
  url: z.string().regex(/^(https:\/\/[^\s]+|file:\/\/\/[^\s]*)$/, 'must start with "https://" or "file:///"').transform((u) => u.replace(/\/+$/, "")),
  /** PEM of the CA that signs the mirror's certificate. @default the system's trusted CAs */
  caPem: z.string().includes("BEGIN CERTIFICATE", { message: "caPem must be a PEM certificate" }).optional(),
}).strict();
export type Mirror = z.infer<typeof MirrorSchema>;

export const ComponentVersionsSchema = z.object({
  etcd: tag("etcd").optional(),
  containerd: tag("containerd").optional(),
  runc: tag("runc").optional(),
  cni: tag("cni").optional(),
  crictl: tag("crictl").optional(),
  coredns: tag("coredns").optional(),
}).strict();

export const ImageVersionsSchema = z.object({
  /** registry.k8s.io/pause:<pause> */
  pause: z.string().regex(/^[\w][\w.-]*$/, "must be an image tag").optional(),
  /** registry.k8s.io/e2e-test-images/agnhost:<agnhost> (for tests and probes) */
  agnhost: z.string().regex(/^[\w][\w.-]*$/, "must be an image tag").optional(),
}).strict();

export const ReleaseArgsSchema = z.object({
  /** "v1.37.2". */
  version: z.string().regex(/^v1\.\d+\.\d+$/, 'must be a Kubernetes release such as "v1.37.2"'),
  /** @default "amd64" */
  arch: z.enum(["amd64", "arm64"]).default("amd64"),
  /** @default the versions known to work with this Kubernetes minor (KNOWN_GOOD) */
  components: ComponentVersionsSchema.default({}),
  /** Image archives to preload (needs a mirror: upstream serves images from registries, not as files). @default the known-good tags when a mirror is set, else none */
  images: ImageVersionsSchema.optional(),
  /** Where to download from. @default the upstream sites (dl.k8s.io, github.com) */
  mirror: MirrorSchema.optional(),
}).strict().superRefine((r, ctx) => {
  if (!/^v1\.\d+\.\d+$/.test(r.version)) return; // refused above
  const minor = r.version.split(".").slice(0, 2).join(".") as KnownMinor;
  if (!(minor in KNOWN_GOOD)) {
    const unset = Object.keys(ComponentVersionsSchema.shape).filter((k) => !(r.components as Record<string, unknown>)[k]);
    if (unset.length) ctx.addIssue({ code: "custom", path: ["components"], message: `drydock has no known-good versions for Kubernetes ${minor} (it knows ${Object.keys(KNOWN_GOOD).join(", ")}): set components.${unset.join(", components.")}` });
  }
  if (r.images && !r.mirror) ctx.addIssue({ code: "custom", path: ["images"], message: "image archives need a mirror (upstream publishes images in registries, not as files): set mirror, or leave images unset and let containerd pull" });
});

export type ReleaseArgsInputs = z.infer<typeof ReleaseArgsSchema>;

/** An image archive: its full name, the archive pinned by sha256, and the manifest digest inside it. */
export interface ImageArchive {
  readonly name: string;
  readonly archive: Artifact;
  /** The image manifest's digest (what containerd lists), known once the release is resolved. */
  readonly digest: string;
}

/** The files a release resolves to, by role. */
export const ARTIFACT_NAMES = [
  "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kubectl",
  "etcd", "etcdctl", "containerd", "containerd-shim-runc-v2", "ctr", "runc",
  "cni-bridge", "cni-host-local", "cni-loopback", "cni-portmap", "crictl", "coredns",
] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];

export interface ReleaseArgs {
  readonly version: Input<string>;
  /** @default "amd64" */
  readonly arch?: Input<"amd64" | "arm64">;
  readonly components?: Input<z.input<typeof ComponentVersionsSchema>>;
  readonly images?: Input<z.input<typeof ImageVersionsSchema>>;
  readonly mirror?: Input<{ readonly url: Input<string>; readonly caPem?: Input<string> }>;
}

export class Release extends CustomResource {
  declare readonly version: Output<string>;
  /** Every component's version, resolved (defaults filled in). */
  declare readonly versions: Output<Record<string, string>>;
  /** Each file by role, with the sha256 pinned from its checksum file. */
  declare readonly artifacts: Output<Record<ArtifactName, Artifact>>;
  /** Image archives by role (pause, coredns, agnhost); empty without a mirror. */
  declare readonly images: Output<Record<string, ImageArchive>>;
  /** Each image's tag by role, known in the plan (before anything is downloaded). */
  declare readonly imageTags: Output<Record<string, string>>;

  constructor(name: string, args: ReleaseArgs, opts?: ResourceOptions) {
    super(RELEASE_TYPE, name, { ...args }, opts, ["version", "versions", "artifacts", "images", "imageTags"]);
  }
}
