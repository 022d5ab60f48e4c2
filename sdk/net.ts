/** Address syntax checks without node:net (the SDK stays pure). */
import { parseIpv4 } from "./lxd/cidr.js";

export function isIPv4(s: string): boolean {
  return parseIpv4(s) !== undefined;
}

export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return false;
  const [head = "", tail, more] = s.split("::");
  if (more !== undefined) return false;
  const groups = (p: string) => (p === "" ? [] : p.split(":"));
  const parts = [...groups(head), ...(tail === undefined ? [] : groups(tail))];
  const last = parts[parts.length - 1];
  const v4 = last !== undefined && last.includes(".");
  if (v4 && !isIPv4(last)) return false;
  const hex = v4 ? parts.slice(0, -1) : parts;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const n = hex.length + (v4 ? 2 : 0);
  return tail === undefined ? n === 8 : n < 8;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}
