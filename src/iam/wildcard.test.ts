import { describe, expect, it } from "vitest";
import { compileWildcard, hasWildcard, wildcardMatch, wildcardSource } from "./wildcard.js";

describe("wildcardMatch", () => {
  it.each([
    ["*", "", true],
    ["*", "anything at all", true],
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["ab*", "abc", true],
    ["ab*", "ab", true],
    ["ab*", "a", false],
    ["*bc", "abc", true],
    ["*bc", "abcd", false],
    ["a*c", "abbbc", true],
    ["a*c", "abbbd", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["a?c", "abbc", false],
    ["*a*b*", "xxaxxbxx", true],
    ["*a*b*", "xxbxxaxx", false],
    ["a.c", "abc", false],
    ["(x)+[y]", "(x)+[y]", true],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, compared literally
    ["home/${aws:username}/*", "home/${aws:username}/x", true],
    ["multi\nline*", "multi\nline and more\n", true],
  ])("%j against %j is %s", (pattern, value, want) => {
    expect(wildcardMatch(pattern, value)).toBe(want);
  });

  it("is case-sensitive unless asked", () => {
    expect(wildcardMatch("Abc*", "abcd")).toBe(false);
    expect(wildcardMatch("Abc*", "aBCd", { ignoreCase: true })).toBe(true);
    expect(wildcardMatch("sts:Assume?ole", "STS:ASSUMEROLE", { ignoreCase: true })).toBe(true);
  });

  it("compiled ignore-case matchers expect folded input", () => {
    const m = compileWildcard("STS:AssumeRole", { ignoreCase: true });
    expect(m("sts:assumerole")).toBe(true);
    expect(m("STS:AssumeRole")).toBe(false);
  });
});

describe("hasWildcard / wildcardSource", () => {
  it("detects * and ?", () => {
    expect(hasWildcard("a*")).toBe(true);
    expect(hasWildcard("a?")).toBe(true);
    expect(hasWildcard("a.b")).toBe(false);
  });
  it("escapes RegExp syntax and maps wildcards to the given sources", () => {
    expect(wildcardSource("a.*?", "X", "Y")).toBe("a\\.XY");
  });
});
