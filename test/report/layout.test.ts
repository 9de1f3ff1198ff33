/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report's layout in Chromium (Debian's chromium via playwright-core), at 1 and at 20 targets: the
 * header names the stack, time, version and caller, its badge links to the first broken hop and counts
 * warnings; hops sit in their lane (account A, account B, cluster B); root causes are marked apart from the hops
 * blocked by them; a target × chain × hop matrix opens the report when there are many targets; the deciding
 * statement is highlighted; no text overflows its box; the screen-reader sentence takes no space. Screenshots go
 * to test-artifacts/report-<n>-targets.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MATRIX_FROM_TARGETS, renderHtmlReport } from "../../src/report/index.js";
import { CHROMIUM, requireTools } from "../tools.js";
import { type Example, manyTargets } from "./fixture.js";

const skip = requireTools("test/report/layout.test.ts", "chromium");
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");
const AT = "2026-12-07T18:00:00Z";
const CALLER = "arn:aws:sts::111111111111:assumed-role/ReadOnly/alice@example.com";

describe.skipIf(!!skip).each([1, 20])("HTML report layout at %i target(s)", (n) => {
  const ex: Example = manyTargets(n);
  const html = renderHtmlReport({
    result: ex.result,
    state: ex.state,
    chains: ex.chains,
    stack: "platform",
    generatedAt: AT,
    version: "0.1.0",
    generatedFrom: "--live --config xirsa.yaml",
    callers: [{ accountId: "111111111111", arn: CALLER }],
  });
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), "xirsa-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
      viewport: { width: 1200, height: 900 },
    });
    await context.route("**/*", (route) =>
      route.request().url().startsWith("data:") ? route.continue() : route.abort(),
    );
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.setContent(html, { waitUntil: "load" });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it("title and header carry the stack, the time, the version and the caller", async () => {
    const title = await page.title();
    for (const s of ["platform", AT, "0.1.0"]) expect(title).toContain(s);
    const meta = await page.locator("header dl.meta").innerText();
    for (const s of ["platform", AT, "0.1.0", CALLER]) expect(meta).toContain(s);
    expect(errors).toEqual([]);
  });

  it("the header badge counts warnings too and opens the first broken hop", async () => {
    const warnings = ex.result.findings.filter((f) => f.severity === "warning").length;
    const errorsN = ex.result.findings.filter((f) => f.severity === "error").length;
    expect(warnings).toBeGreaterThan(0);
    expect(await page.locator("#counts").textContent()).toBe(
      `${errorsN} error${errorsN === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
    );
    const badge = page.locator("a#verdict-link");
    const href = (await badge.getAttribute("href"))!;
    const target = page.locator(href);
    expect(await target.count()).toBe(1);
    // The first root cause of the report: staging/argocd's web identity (its trust policy's aud).
    expect(await target.getAttribute("data-chain-id")).toBe("staging/argocd");
    expect(await target.getAttribute("data-hop")).toBe("web-identity");
    expect(await target.getAttribute("class")).toContain("state-broken");
    // Another hop selected first: the badge must bring the root cause back.
    const ci = ex.result.chains.findIndex((c) => c.id === "staging/argocd");
    await page.locator(`#chain-c${ci} g.hop[data-state="ok"]`).first().click();
    expect(await target.isVisible()).toBe(false);
    await badge.click();
    expect(await target.isVisible()).toBe(true);
  });

  it("draws each hop in its lane, root causes apart from the hops blocked by them", async () => {
    const lanes = {
      "service-account": "account-a",
      "web-identity": "account-a",
      "assume-role": "account-b",
      "cluster-access": "cluster-b",
      "kubernetes-permissions": "cluster-b",
      registration: "account-a",
    } as const;
    const placed = await page.evaluate(() =>
      [...document.querySelectorAll("svg.chain-svg")].flatMap((svg) =>
        [...svg.querySelectorAll("g.hop")].map((g) => {
          const lane = svg.querySelector(
            `g.lane[data-lane="${g.getAttribute("data-lane")}"] rect`,
          ) as SVGGraphicsElement;
          const box = (g.querySelector("rect") as SVGGraphicsElement).getBBox();
          const l = lane.getBBox();
          return {
            hop: g.getAttribute("data-hop"),
            lane: g.getAttribute("data-lane"),
            state: g.getAttribute("data-state"),
            cause: g.querySelector("text.hop-cause")?.textContent ?? null,
            inside:
              box.x >= l.x &&
              box.x + box.width <= l.x + l.width &&
              box.y >= l.y &&
              box.y + box.height <= l.y + l.height,
          };
        }),
      ),
    );
    expect(placed).toHaveLength(ex.result.chains.length * 6);
    for (const p of placed) {
      expect(p.lane, p.hop!).toBe(lanes[p.hop as keyof typeof lanes]);
      expect(p.inside, `${p.hop} in ${p.lane}`).toBe(true);
      if (p.state === "broken") expect(p.cause).toBe("root cause");
      if (p.state === "blocked") expect(p.cause).toMatch(/^after [a-z-]+$/);
      if (p.state === "ok") expect(p.cause).toBeNull();
    }
    expect(placed.filter((p) => p.state === "blocked").length).toBeGreaterThan(0);
    // The panel of a root cause names the hops that fail because of it.
    const ci = ex.result.chains.findIndex((c) => c.id === "staging/argocd");
    const access = page.locator(`#chain-c${ci} g.hop[data-hop="cluster-access"]`);
    await access.click();
    const panel = page.locator(`#${await access.getAttribute("aria-controls")}`);
    expect(await panel.locator(".root-cause").innerText()).toContain("kubernetes-permissions");
  });

  it(`a target × chain × hop matrix opens the report from ${MATRIX_FROM_TARGETS} targets on`, async () => {
    const matrix = page.locator("#matrix");
    if (n < MATRIX_FROM_TARGETS) {
      expect(await matrix.count()).toBe(0);
      return;
    }
    expect(await page.locator("main > section").first().getAttribute("id")).toBe("matrix");
    expect(await matrix.locator("tbody tr").count()).toBe(n);
    const cells = matrix.locator("tbody td a");
    expect(await cells.count()).toBe(n * 12);
    const targets = await cells.evaluateAll((as) =>
      as.map((a) => document.getElementById(a.getAttribute("href")!.slice(1)) !== null),
    );
    expect(targets.every(Boolean)).toBe(true);
    // Each cell says what verify said about its hop.
    const hops = ex.result.chains.flatMap((c) => c.hops);
    const broken = hops.filter((h) => !h.ok && !h.blockedBy).length;
    const blocked = hops.filter((h) => !h.ok && h.blockedBy).length;
    expect(broken).toBeGreaterThan(0);
    expect(await matrix.locator("td.cell-broken").count()).toBe(broken);
    expect(await matrix.locator("td.cell-blocked").count()).toBe(blocked);
    expect(await matrix.locator("td.cell-ok").count()).toBe(hops.filter((h) => h.ok).length);
  });

  it("highlights the deciding statement in Policies involved", async () => {
    const ci = ex.result.chains.findIndex((c) => c.id === "staging/argocd");
    const web = page.locator(`#chain-c${ci} g.hop[data-hop="web-identity"]`);
    await web.click();
    const panel = page.locator(`#${await web.getAttribute("aria-controls")}`);
    const links = panel.locator("a[href^='#pol-']");
    expect(await links.count()).toBe(1); // once, though it decided for three service accounts
    const mark = page.locator((await links.first().getAttribute("href"))!);
    expect(await mark.evaluate((el) => el.closest("#policies") !== null && el.tagName === "MARK")).toBe(true);
    const bg = await mark.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).not.toBe("rgba(0, 0, 0, 0)");
  });

  it("no text overflows its box; the screen-reader sentence takes no space", async () => {
    // Open every panel so that everything is laid out.
    await page.addStyleTag({ content: ".hop-panel[hidden] { display: block !important; }" });
    const overflowing = await page.evaluate(() =>
      [...document.body.querySelectorAll("*")]
        .filter((el) => !(el instanceof SVGElement) && !el.closest(".visually-hidden"))
        .filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}#${el.id}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`,
        ),
    );
    expect(overflowing).toEqual([]);
    const bodyWide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(bodyWide).toBe(false);
    // SVG: every text inside its node, and the texts of one line apart.
    const svgProblems = await page.evaluate(() =>
      [...document.querySelectorAll("g.hop")].flatMap((g) => {
        const r = (g.querySelector("rect") as SVGGraphicsElement).getBBox();
        const texts = [...g.querySelectorAll("text")].map((t) => ({
          t: t.textContent,
          b: (t as SVGGraphicsElement).getBBox(),
        }));
        const out: string[] = [];
        for (const { t, b } of texts)
          if (b.x < r.x || b.x + b.width > r.x + r.width) out.push(`${g.id} "${t}" leaves its box`);
        for (const a of texts)
          for (const c of texts)
            if (a !== c && Math.abs(a.b.y - c.b.y) < 2 && a.b.x < c.b.x && a.b.x + a.b.width > c.b.x)
              out.push(`${g.id} "${a.t}" overlaps "${c.t}"`);
        return out;
      }),
    );
    expect(svgProblems).toEqual([]);
    const captions = page.locator("figcaption");
    expect(await captions.count()).toBe(ex.result.chains.length);
    for (const c of await captions.all()) {
      const box = (await c.boundingBox())!;
      expect(box.width * box.height).toBeLessThanOrEqual(1);
      expect((await c.textContent())!.length).toBeGreaterThan(20);
    }
  });

  it("writes a screenshot", { timeout: 90_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `report-${n}-target${n === 1 ? "" : "s"}.png`);
    rmSync(file, { force: true });
    // The whole page for one target; for many, the top (header, matrix, first target): 40 chains are tall.
    if (n === 1) await page.screenshot({ path: file, fullPage: true });
    else {
      await page.setViewportSize({ width: 1200, height: 2400 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: file });
    }
    expect(readFileSync(file).subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(errors).toEqual([]);
  });
});
