/** IPv4 subnets for a cluster's pod, service and node networks (pure; the SDK has no node:net). */
import { parseIpv4 } from "../net.js";

export interface Cidr {
  readonly base: number;
  readonly bits: number;
}

/** "10.244.0.0/16" as numbers, or a reason it is not a network address with a prefix length. */
export function parseCidr(s: string): Cidr | string {
  const [addr = "", bits, ...rest] = s.split("/");
  if (bits === undefined || rest.length || !/^\d{1,2}$/.test(bits)) return `${JSON.stringify(s)} is not an IPv4 subnet such as "10.244.0.0/16"`;
  const ip = parseIpv4(addr);
  const n = Number(bits);
  if (ip === undefined || n > 32) return `${JSON.stringify(s)} is not an IPv4 subnet such as "10.244.0.0/16"`;
  const base = (ip & mask(n)) >>> 0;
  if (base !== ip) return `${JSON.stringify(s)} has host bits set (the network is ${format(base)}/${n})`;
  return { base, bits: n };
}

/** "10.217.0.1/24" (an address in a network, as a bridge's gateway is given) as its network. */
export function parseNetwork(s: string): Cidr | string {
  const [addr = "", bits] = s.split("/");
  const ip = parseIpv4(addr);
  if (ip === undefined || bits === undefined || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) return `${JSON.stringify(s)} is not an IPv4 network such as "10.217.0.0/24"`;
  return { base: (ip & mask(Number(bits))) >>> 0, bits: Number(bits) };
}

const mask = (n: number): number => (n === 0 ? 0 : (~0 << (32 - n)) >>> 0);

export function format(ip: number): string {
  return [24, 16, 8, 0].map((s) => (ip >>> s) & 255).join(".");
}

export const cidrString = (c: Cidr): string => `${format(c.base)}/${c.bits}`;

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.bits)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b.base) || contains(b, a.base);
}

/** The `k`-th address of a subnet (1 is the first usable one: a service subnet's API service IP). */
export function nthAddress(c: Cidr, k: number): string {
  return format((c.base + k) >>> 0);
}

/** How many subnets of `bits` fit in `c`. */
export const subnetCount = (c: Cidr, bits: number): number => (bits < c.bits ? 0 : 2 ** (bits - c.bits));

/** The `k`-th subnet of `bits` inside `c`. */
export function nthSubnet(c: Cidr, bits: number, k: number): string {
  return `${format((c.base + k * 2 ** (32 - bits)) >>> 0)}/${bits}`;
}
