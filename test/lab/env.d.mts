export declare const LAB_ENV: string;
export declare function readLabEnv(): Record<string, string> | undefined;
export declare function labStackConfig(): { lab: Record<string, string>; entries: { key: string; value: string | undefined }[] };
