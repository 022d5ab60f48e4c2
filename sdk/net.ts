/** IPv4 and IPv6 addresses and CIDRs, checked strictly and without node:net (the SDK stays pure). */

/** A dotted-quad IPv4 address (no leading zeros) as a 32-bit number, or undefined. */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith("0")))) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** Why `s` is not a gateway CIDR such as "10.201.0.1/24" (LXD bridges need an explicit gateway address), or undefined when it is one. */
export function gatewayCidrProblem(s: string): string | undefined {
  const [addr = "", bits, ...rest] = s.split("/");
  if (bits === undefined || rest.length) return 'must be an address with a prefix length, such as "10.201.0.1/24"';
  const ip = parseIpv4(addr);
  if (ip === undefined) return `"${addr}" is not an IPv4 address`;
  if (!/^\d{1,2}$/.test(bits) || Number(bits) < 8 || Number(bits) > 30) return `prefix length must be 8-30 (got "/${bits}")`;
  const n = Number(bits);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  const host = ip & ~mask;
  if (host === 0) return `${addr} is the network address of /${n}; give the gateway's own address (such as the .1)`;
  if ((host | mask) >>> 0 === 0xffffffff) return `${addr} is the broadcast address of /${n}`;
  return undefined;
}

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

/** An address as a URL's host: an IPv6 address in brackets. */
export const urlHost = (address: string): string => (address.includes(":") ? `[${address}]` : address);
