import { defineConfig } from "vitest/config";

// Two tiers. `unit`: the colocated src/** tests, pure or in-process on 127.0.0.1; they share one module graph
// (threads, no isolation) to stay well under a minute. `e2e`: test/**, which drives the built CLI, the sandbox
// and the real aws CLI, kubectl, terraform and chromium; each file in its own process.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["src/**/*.test.ts"], pool: "threads", isolate: false },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          pool: "forks",
          // Builds dist/ first when src/ is newer, so no test runs the CLI from a stale build.
          globalSetup: ["test/freshBuild.ts"],
        },
      },
    ],
  },
});
