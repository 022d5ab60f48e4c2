export declare function writeProject(dir: string, round: {
  hosts: readonly string[]; user: string; key: string; fingerprint: string; payload: string; destFor: (host: string) => string;
}): string;
