/** IPv4 addresses and CIDRs, checked strictly (LXD bridges need an explicit gateway address). */

export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith("0")))) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** Why `s` is not a gateway CIDR such as "10.201.0.1/24", or undefined when it is one. */
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
