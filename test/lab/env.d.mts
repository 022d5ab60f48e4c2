export declare const LAB_ENV: string;
export declare function readLabEnv(): Record<string, string> | undefined;
export declare function labStackConfig(): { lab: Record<string, string>; entries: { key: string; value: string | undefined }[] };
export declare const KUBE_ENV: string;
export interface LabRelease {
  kubernetes: string;
  arch: string;
  go: string;
  versions: Record<string, string>;
  images: Record<string, { name: string; digest: string }>;
  files: { path: string; sha256: string }[];
}
export declare function readKubeEnv(): (Record<string, string> & { release: LabRelease; caPem: string }) | undefined;
export declare function kubeStackConfig(): { kube: Record<string, string> & { release: LabRelease; caPem: string }; entries: { key: string; value: string }[] };
export declare function labKubectl(kube: Record<string, string>): string;
export interface LabArtifact {
  name: string;
  version: string;
  url: string;
  sha256: string;
  path: string;
  caPem: string;
}
export declare function labHelm(kube?: Record<string, string> & { caPem: string }): LabArtifact;
