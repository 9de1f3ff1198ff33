/**
 * The sandbox CA and its server certificates (ECDSA P-256, SHA-256), written with node:crypto and the DER
 * encoders in der.ts. The aws CLI (Python/OpenSSL), kubectl (Go crypto/x509) and Node must all accept them, so
 * the extensions follow RFC 5280 strictly: CA with critical basicConstraints + keyCertSign, servers with
 * serverAuth, SAN (IP 127.0.0.1, localhost, extra DNS names) and key identifiers.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from "node:crypto";
import { isIP } from "node:net";
import {
  bitString,
  boolean,
  explicit,
  implicit,
  integer,
  octetString,
  oid,
  sequence,
  set,
  time,
  utf8String,
} from "./der.js";

export interface Pem {
  keyPem: string;
  certPem: string;
}

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  subjectAltName: "2.5.29.17",
  subjectKeyId: "2.5.29.14",
  authorityKeyId: "2.5.29.35",
};

const name = (cn: string): Buffer =>
  sequence(
    set(sequence(oid(OID.organization), utf8String("xirsa sandbox"))),
    set(sequence(oid(OID.commonName), utf8String(cn))),
  );

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));

function spkiDer(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: "spki", format: "der" });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (the last 65 bytes of a P-256 SPKI). */
function keyId(key: KeyObject): Buffer {
  const spki = spkiDer(key);
  return createHash("sha1")
    .update(spki.subarray(spki.length - 65))
    .digest();
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

interface CertSpec {
  subject: string;
  subjectKey: KeyObject;
  issuer: string;
  issuerKey: KeyObject;
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  dnsNames?: string[];
  ips?: string[];
}

function certificate(spec: CertSpec): Buffer {
  const sigAlg = sequence(oid(OID.ecdsaWithSha256));
  const exts: Buffer[] = [];
  if (spec.ca) {
    exts.push(extension(OID.basicConstraints, true, sequence(boolean(true))));
    // digitalSignature (bit 0) | keyCertSign (bit 5) | cRLSign (bit 6): 1000 0110, one unused bit.
    exts.push(extension(OID.keyUsage, true, bitString(Buffer.from([0x86]), 1)));
  } else {
    exts.push(extension(OID.basicConstraints, true, sequence()));
    // digitalSignature only (ECDSA keys do not encipher): 1000 0000, seven unused bits.
    exts.push(extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)));
    exts.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))));
    const names = [
      ...(spec.dnsNames ?? []).map((d) => implicit(2, Buffer.from(d, "ascii"))),
      ...(spec.ips ?? []).map((ip) => implicit(7, ipBytes(ip))),
    ];
    exts.push(extension(OID.subjectAltName, false, sequence(...names)));
    exts.push(extension(OID.authorityKeyId, false, sequence(implicit(0, keyId(spec.issuerKey)))));
  }
  exts.push(extension(OID.subjectKeyId, false, octetString(keyId(spec.subjectKey))));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(spec.serial),
    sigAlg,
    name(spec.issuer),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spkiDer(spec.subjectKey),
    explicit(3, sequence(...exts)),
  );
  const signature = sign("sha256", tbs, { key: spec.issuerKey, dsaEncoding: "der" });
  return sequence(tbs, sigAlg, bitString(signature));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  throw new Error(`only IPv4 SANs are supported, not ${ip}`);
}

function serial(random: (n: number) => Buffer): Buffer {
  const s = random(16);
  s[0] = (s[0]! & 0x7f) | 0x01; // positive and never zero-led
  return s;
}

export interface CaPorts {
  now: Date;
  random: (n: number) => Buffer;
}

/** A new self-signed CA, valid 10 years (from one hour ago, to tolerate small clock differences). */
export function createCa(ports: CaPorts): Pem {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const notBefore = new Date(ports.now.getTime() - 3600_000);
  const der = certificate({
    subject: "xirsa sandbox CA",
    subjectKey: privateKey,
    issuer: "xirsa sandbox CA",
    issuerKey: privateKey,
    serial: serial(ports.random),
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * 365 * 86400_000),
    ca: true,
  });
  return {
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certPem: pem("CERTIFICATE", der),
  };
}

/** A server certificate signed by the CA for 127.0.0.1, localhost and `dnsNames`, valid 5 years. */
export function createServerCert(ca: Pem, dnsNames: string[], ports: CaPorts): Pem {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const notBefore = new Date(ports.now.getTime() - 3600_000);
  const der = certificate({
    subject: dnsNames[0] ?? "localhost",
    subjectKey: privateKey,
    issuer: "xirsa sandbox CA",
    issuerKey: createPrivateKey(ca.keyPem),
    serial: serial(ports.random),
    notBefore,
    notAfter: new Date(notBefore.getTime() + 5 * 365 * 86400_000),
    ca: false,
    dnsNames: ["localhost", ...dnsNames.filter((d) => d !== "localhost")],
    ips: ["127.0.0.1"],
  });
  return {
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certPem: pem("CERTIFICATE", der),
  };
}
