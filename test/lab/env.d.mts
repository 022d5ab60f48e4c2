export declare const LAB_ENV: string;
export declare function readLabEnv(): Record<string, string> | undefined;
