import { describe, expect, it } from "vitest";
import { normalizeContext } from "../evaluate.js";
import type { ContextValue } from "../types.js";
import { compileCondition } from "./compile.js";
import { parseIp } from "./ip.js";

const fail = (path: string, problem: string): never => {
  throw new Error(`${path}: ${problem}`);
};
function holds(operator: string, values: string[], value: ContextValue | undefined): boolean {
  const c = compileCondition({ operator, key: "k", values, path: "k" }, operator, fail);
  return c.test(normalizeContext(value === undefined ? {} : { k: value }));
}

const table: Array<[string, string[], ContextValue | undefined, boolean]> = [
  ["IpAddress", ["203.0.113.0/24"], "203.0.113.255", true],
  ["IpAddress", ["203.0.113.0/24"], "203.0.114.0", false],
  ["IpAddress", ["203.0.113.7"], "203.0.113.7", true],
  ["IpAddress", ["203.0.113.7"], "203.0.113.8", false],
  ["IpAddress", ["0.0.0.0/0"], "8.8.8.8", true],
  ["IpAddress", ["2001:DB8:1234:5678::/64"], "2001:db8:1234:5678:ffff::1", true],
  ["IpAddress", ["2001:DB8:1234:5678::/64"], "2001:db8:1234:5679::1", false],
  ["IpAddress", ["::ffff:0:0/96"], "::ffff:10.0.0.1", true],
  ["IpAddress", ["10.0.0.0/8"], "2001:db8::1", false],
  ["IpAddress", ["10.0.0.0/8"], "not-an-ip", false],
  ["IpAddress", ["10.0.0.0/8"], undefined, false],
  ["NotIpAddress", ["10.0.0.0/8"], "11.0.0.1", true],
  ["NotIpAddress", ["10.0.0.0/8", "11.0.0.0/8"], "11.0.0.1", false],
  ["NotIpAddress", ["10.0.0.0/8"], "2001:db8::1", true],
  ["NotIpAddress", ["203.0.113.7"], "2001:db8::1", true],
  ["NotIpAddress", ["10.0.0.0/8"], "garbage", false],
  ["NotIpAddress", ["10.0.0.0/8"], undefined, true],
];

describe("IP address operators", () => {
  it.each(table)("%s %j on %j is %s", (op, values, value, want) => {
    expect(holds(op, values, value)).toBe(want);
  });

  it("parses IPv4 and IPv6 forms", () => {
    expect(parseIp("10.0.0.1")).toEqual({ v6: false, bits: 0x0a000001n });
    expect(parseIp("::1")).toEqual({ v6: true, bits: 1n });
    expect(parseIp("::")).toEqual({ v6: true, bits: 0n });
    expect(parseIp("1:2:3:4:5:6:7:8")?.bits).toBe(0x00010002000300040005000600070008n);
    for (const bad of ["256.0.0.1", "1.2.3", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "1.2.3.4.5"]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });

  it("refuses bad ranges in the policy", () => {
    expect(() => holds("IpAddress", ["10.0.0.0/33"], "10.0.0.1")).toThrow(
      "expected an IP address or CIDR range",
    );
    expect(() => holds("IpAddress", ["10.0.0.0/8/1"], "10.0.0.1")).toThrow(
      "expected an IP address or CIDR range",
    );
  });
});
