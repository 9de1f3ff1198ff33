import { execFileSync } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCa, createServerCert } from "./ca.js";

describe("sandbox CA", () => {
  const ports = { now: new Date("2026-06-01T00:00:00Z"), random: randomBytes };
  const ca = createCa(ports);
  const server = createServerCert(ca, ["oidc.eks.eu-west-1.amazonaws.com"], ports);

  it("issues server certificates Node accepts for 127.0.0.1, localhost and the issuer host", () => {
    const cert = new X509Certificate(server.certPem);
    const root = new X509Certificate(ca.certPem);
    expect(root.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(root.publicKey)).toBe(true);
    expect(cert.checkIssued(root)).toBe(true);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkHost("oidc.eks.eu-west-1.amazonaws.com")).toBe("oidc.eks.eu-west-1.amazonaws.com");
    expect(cert.checkHost("evil.example.com")).toBeUndefined();
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(ports.now.getTime());
  });

  it("passes OpenSSL's verification for a TLS server", () => {
    const dir = mkdtempSync(join(tmpdir(), "xirsa-ca-"));
    try {
      writeFileSync(join(dir, "ca.pem"), ca.certPem);
      writeFileSync(join(dir, "server.pem"), server.certPem);
      const out = execFileSync("openssl", [
        "verify",
        "-CAfile",
        join(dir, "ca.pem"),
        "-purpose",
        "sslserver",
        "-attime",
        String(ports.now.getTime() / 1000),
        join(dir, "server.pem"),
      ]).toString();
      expect(out.trim()).toBe(`${join(dir, "server.pem")}: OK`);
      // Another CA's certificate does not verify.
      writeFileSync(join(dir, "other.pem"), createCa(ports).certPem);
      expect(() =>
        execFileSync("openssl", ["verify", "-CAfile", join(dir, "other.pem"), join(dir, "server.pem")], {
          stdio: "pipe",
        }),
      ).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
