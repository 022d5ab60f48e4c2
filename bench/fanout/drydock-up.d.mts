export declare function phases(lines: readonly { t: number; line: string }[], t0: number, t1: number): [string, number][];
