/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core (no browser download).
 * The page must render with no console error and no request, show every hop of a broken example with its
 * state and reason, open a hop's panel on click and on Enter, expand everything for print, and leave a
 * screenshot in test-artifacts/report.png. Without chromium it skips locally and fails under CI (.ci/run installs it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtmlReport } from "../../src/report/index.js";
import type { VerifyResult } from "../../src/verify/types.js";
import { CHROMIUM, requireTools } from "../tools.js";
import { brokenExample } from "./fixture.js";

const skip = requireTools("test/report/browser.test.ts", "chromium");
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");
const SCREENSHOT = join(ARTIFACTS, "report.png");
const SEVERITY_SYMBOL = { error: "✗", warning: "⚠", info: "ℹ" } as const;
const INJECTED = `<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">`;

describe.skipIf(!!skip)("HTML report in Chromium", () => {
  const example = brokenExample();
  // Hostile text in a reason, a finding and the title: it must show as text and never run.
  const result: VerifyResult = structuredClone(example.result);
  result.chains[0]!.hops[0]!.reason += ` ${INJECTED}`;
  result.findings[0]!.message += ` ${INJECTED}`;
  const html = renderHtmlReport({
    result,
    state: example.state,
    chains: example.chains,
    title: `Broken example ${INJECTED}`,
    generatedFrom: "--config examples/multi-target.yaml (tampered)",
  });

  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), "xirsa-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1200, height: 900 },
    });
    // Every request the page makes is recorded and, unless it is a data: URL, refused.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      requests.push(url);
      return url.startsWith("data:") ? route.continue() : route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (r) => {
      if (!requests.includes(r.url())) requests.push(r.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await page.setContent(html, { waitUntil: "load" });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it("renders with no console error, no request and no injected code run", async () => {
    expect(await page.title()).toContain("Broken example <script>");
    expect(await page.locator("#verdict").textContent()).toBe("✗ 2 of 4 chains broken");
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(1);
    // The script ran (it marks the root), so CSP allowed our inline script and style.
    expect(await page.evaluate("document.documentElement.classList.contains('js')")).toBe(true);
    expect(requests.filter((u) => !u.startsWith("data:"))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it("shows every hop of every chain with its state and reason", async () => {
    for (const [ci, chain] of result.chains.entries()) {
      const nodes = page.locator(`#chain-c${ci} g.hop`);
      expect(await nodes.count()).toBe(6);
      for (const hop of chain.hops) {
        const node = page.locator(`#chain-c${ci} g.hop[data-hop="${hop.id}"]`);
        expect(await node.count(), `${chain.id} ${hop.id}`).toBe(1);
        const state = hop.ok ? "ok" : hop.blockedBy ? "blocked" : "broken";
        const words = hop.blockedBy
          ? `blocked by ${hop.blockedBy}`
          : state === "broken"
            ? "broken (root cause)"
            : state;
        expect(await node.getAttribute("data-state")).toBe(state);
        expect(await node.getAttribute("role")).toBe("button");
        expect(await node.getAttribute("tabindex")).toBe("0");
        const label = (await node.getAttribute("aria-label"))!;
        expect(label).toContain(`: ${words}.`);
        expect(label).toContain(hop.reason);
        expect(await node.locator("title").textContent()).toContain(hop.reason);
        expect(await node.locator("text.hop-state").textContent()).toBe(
          { ok: "✓ ok", broken: "✗ broken", blocked: "⊘ blocked" }[state],
        );
        const panel = page.locator(`#${await node.getAttribute("aria-controls")}`);
        expect(await panel.locator(".reason").textContent()).toBe(`Reason: ${hop.reason}`);
      }
      expect(await page.locator(`#chain-c${ci} figcaption`).textContent()).toContain(chain.id);
    }
    expect(await page.locator("text=Broken example <script>").count()).toBeGreaterThan(0);
  });

  it("opens a red hop's panel with its reason and fix on click, and on Enter", async () => {
    const ci = result.chains.findIndex((c) => c.id === "staging/argocd");
    const chain = result.chains[ci]!;
    const webIdentity = page.locator(`#chain-c${ci} g.hop[data-hop="web-identity"]`);
    const access = page.locator(`#chain-c${ci} g.hop[data-hop="cluster-access"]`);
    const accessPanel = page.locator(`#${await access.getAttribute("aria-controls")}`);
    const webPanel = page.locator(`#${await webIdentity.getAttribute("aria-controls")}`);
    // The chain opens on its first broken hop; the others wait for a click.
    expect(await webPanel.isVisible()).toBe(true);
    expect(await accessPanel.isVisible()).toBe(false);

    await access.click();
    const hop = chain.hops.find((h) => h.id === "cluster-access")!;
    expect(await accessPanel.isVisible()).toBe(true);
    expect(await accessPanel.locator(".reason").textContent()).toBe(`Reason: ${hop.reason}`);
    expect(await accessPanel.locator(".fix").textContent()).toBe(`Fix: ${hop.fix}`);
    expect(await access.getAttribute("aria-expanded")).toBe("true");
    expect(await webPanel.isVisible()).toBe(false);
    expect(await webIdentity.getAttribute("aria-expanded")).toBe("false");

    const perms = page.locator(`#chain-c${ci} g.hop[data-hop="kubernetes-permissions"]`);
    const permsPanel = page.locator(`#${await perms.getAttribute("aria-controls")}`);
    await perms.focus();
    await page.keyboard.press("Enter");
    expect(await permsPanel.isVisible()).toBe(true);
    expect(await accessPanel.isVisible()).toBe(false);
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate("document.activeElement.getAttribute('data-hop')")).toBe("registration");

    // The web-identity panel links to the trust statement that refused it, which is marked.
    await webIdentity.click();
    const link = webPanel.locator("a[href^='#pol-']").first();
    const target = (await link.getAttribute("href"))!;
    const mark = page.locator(target);
    expect(await mark.evaluate((el) => el.tagName.toLowerCase())).toBe("mark");
    expect(await mark.locator("mark.decided-cond").textContent()).toContain(":aud");
  });

  it("lists the findings as verify reported them", async () => {
    const rows = page.locator("#findings-table tbody tr");
    expect(await rows.count()).toBe(result.findings.length);
    for (const [i, f] of result.findings.entries()) {
      const cells = await page.locator(`#finding-${i} td`).allInnerTexts();
      expect(cells[0]).toBe(`${SEVERITY_SYMBOL[f.severity]} ${f.severity}`);
      expect(cells[1]).toBe(f.code);
      expect(cells[2]).toContain(f.resource);
      expect(cells[3]).toBe(f.message);
      expect(cells[4]).toBe(f.remediation);
    }
  });

  it("expands every panel for print", async () => {
    // On screen the evidence stays folded.
    const folded = page.locator(".hop-panel:not([hidden]) details.evidence pre");
    expect(await folded.count()).toBeGreaterThan(0);
    expect(await folded.first().isVisible()).toBe(false);
    await page.emulateMedia({ media: "print" });
    try {
      const panels = page.locator(".hop-panel");
      expect(await panels.count()).toBe(result.chains.length * 6);
      for (const p of await panels.all()) expect(await p.isVisible()).toBe(true);
      // The evidence inside closed <details> prints too.
      const evidence = page.locator(".hop-panel details.evidence pre");
      expect(await evidence.count()).toBeGreaterThan(0);
      for (const e of await evidence.all()) expect(await e.isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ media: "screen" });
    }
  });

  it("writes a screenshot artifact", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(SCREENSHOT, { force: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.length).toBeGreaterThan(20_000);
    expect(requests.filter((u) => !u.startsWith("data:"))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
