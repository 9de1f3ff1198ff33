/**
 * IpAddress / NotIpAddress (AWS "Condition operators": IP address condition operators): policy values are
 * IPv4 or IPv6 addresses or CIDR ranges (RFC 4632); a bare address means /32 (/128).
 */
import { BadValue, type OperatorFamily, pair, type ValueTest } from "./family.js";

interface Address {
  v6: boolean;
  bits: bigint;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(Number(p));
  }
  return out;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".") && lastColon >= 0) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = `${text.slice(0, lastColon + 1)}x`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const group = (part: string): bigint[] | undefined => {
    if (part === "") return [];
    const out: bigint[] = [];
    for (const g of part.split(":")) {
      if (g === "x") out.push(...tail);
      else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(BigInt(`0x${g}`));
      else return undefined;
    }
    return out;
  };
  const head = group(halves[0] ?? "");
  const rest = halves.length === 2 ? group(halves[1] ?? "") : [];
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const groups = [...head, ...Array<bigint>(Math.max(missing, 0)).fill(0n), ...rest];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(s: string): Address | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { v6: false, bits: v4 };
  const v6 = s.includes(":") ? parseV6(s) : undefined;
  return v6 === undefined ? undefined : { v6: true, bits: v6 };
}

interface Range {
  v6: boolean;
  network: bigint;
  mask: bigint;
}

function parseCidr(s: string): Range | undefined {
  const [addr = "", len, extra] = s.split("/");
  if (extra !== undefined) return undefined;
  const a = parseIp(addr);
  if (!a) return undefined;
  const width = a.v6 ? 128 : 32;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const prefix = len === undefined ? width : Number(len);
  if (prefix > width) return undefined;
  const all = (1n << BigInt(width)) - 1n;
  const mask = all ^ ((1n << BigInt(width - prefix)) - 1n);
  return { v6: a.v6, network: a.bits & mask, mask };
}

function ipAddress(values: readonly string[]): ValueTest {
  const ranges = values.map((v, i) => {
    const r = parseCidr(v);
    if (!r) throw new BadValue(i, `expected an IP address or CIDR range, got ${JSON.stringify(v)}`);
    return r;
  });
  return (v) => {
    const a = parseIp(v);
    if (!a) return null;
    return ranges.some((r) => r.v6 === a.v6 && (a.bits & r.mask) === r.network);
  };
}

export const ipOperators: OperatorFamily[] = pair("IpAddress", "NotIpAddress", ipAddress);
