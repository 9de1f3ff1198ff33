/**
 * The Dockerfile of the probe Job image agrees with what it installs and with the Job that runs it. (No
 * container runtime here: the image itself is not built in tests.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROBE_IMAGE } from "../../src/agent/probeJob.js";
import { ROOT } from "../helpers.js";

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe("the probe Job image", () => {
  it("installs the tarball npm pack writes, tagged as the Job's image", () => {
    expect(dockerfile).toContain(`ARG TARBALL=${pkg.name}-${pkg.version}.tgz`);
    expect(DEFAULT_PROBE_IMAGE).toBe(`${pkg.name}:${pkg.version}`);
    expect(dockerfile).toContain(`docker build -t ${DEFAULT_PROBE_IMAGE} .`);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["xirsa"\]$/m);
  });

  it("runs as a numeric non-root user, as the Job's runAsNonRoot needs", () => {
    const user = /^USER (\d+)(?::\d+)?$/m.exec(dockerfile);
    expect(user).not.toBeNull();
    expect(Number(user![1])).toBeGreaterThan(0);
  });
});
