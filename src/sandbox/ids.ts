/**
 * Identifiers in AWS's formats, from injected randomness: unique ids (AROA…, AIDA…, ANPA…), access keys
 * (AKIA… long-term, ASIA… temporary), secret keys and session tokens, request ids.
 */
export type Random = (n: number) => Buffer;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(random: Random, length: number): string {
  const bytes = random(length);
  let out = "";
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

/** `AROA` + 17 characters, like IAM role ids (AIDA for users, ANPA for managed policies). */
export const uniqueId = (prefix: "AROA" | "AIDA" | "ANPA", random: Random) => prefix + base32(random, 17);
export const accessKeyId = (prefix: "AKIA" | "ASIA", random: Random) => prefix + base32(random, 16);
export const secretAccessKey = (random: Random) => random(30).toString("base64");
export const sessionToken = (random: Random) => `IQoJb3JpZ2luX2VjE${random(240).toString("base64")}`;

export function requestId(random: Random): string {
  const h = random(16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
