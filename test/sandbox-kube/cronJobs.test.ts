/** The CronJob controller on the sandbox's clock (a test clock stepped forward), through the real kubectl. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { adminCluster } from "./adminCluster.js";
import { ADMIN } from "./harness.js";
import { writeTokenKubeconfig } from "./kubectlHelper.js";

const skip = requireTools("test/sandbox-kube/cronJobs.test.ts", "kubectl");

const cronJob = (name: string, schedule: string, extra = "") => `apiVersion: batch/v1
kind: CronJob
metadata: {name: ${name}, namespace: default}
spec:
  schedule: "${schedule}"
  successfulJobsHistoryLimit: 2
${extra}  jobTemplate:
    metadata: {labels: {team: ops}}
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: task, image: "task:1"}]
`;

describe.skipIf(!!skip)("CronJobs fire on the sandbox's clock", () => {
  // Five minutes before a five-minute boundary, in the past of the real clock.
  const start = Math.floor(Date.now() / 300_000) * 300_000 - 600_000 + 10_000;
  let clock = start;
  const sandbox = adminCluster("xirsa-cronjobs-", { now: () => new Date(clock) });
  const kubectl = (args: string[], input?: string) => sandbox.kubectl(args, input);
  /** Steps the cluster's clock, with a token minted at the new time (EKS tokens last 15 minutes). */
  const step = async (to: number) => {
    clock = to;
    const { tc, home } = sandbox;
    writeTokenKubeconfig(join(home, "admin.kubeconfig"), tc.url, tc.caPem, { token: await tc.token(ADMIN) });
  };
  const json = async (args: string[]) => {
    const r = await kubectl([...args, "-o", "json"]);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  // biome-ignore lint/suspicious/noExplicitAny: kubectl's JSON, inspected field by field
  const jobs = async (): Promise<any[]> =>
    (await json(["get", "jobs"])).items.filter((j: { metadata: { name: string } }) =>
      j.metadata.name.startsWith("tick-"),
    );

  it("starts a Job per activation, named for its minute, and keeps the history limit", async () => {
    const applied = await kubectl(["apply", "-f", "-"], cronJob("tick", "*/5 * * * *"));
    expect(applied.stderr).toBe("");
    expect(await jobs()).toEqual([]);
    await step(start + 300_000); // past the next boundary
    const first = await jobs();
    const boundary = Math.floor(clock / 300_000) * 300_000;
    expect(first.map((j) => j.metadata.name)).toEqual([`tick-${boundary / 60_000}`]);
    const job = first[0];
    expect(job.metadata.ownerReferences[0]).toMatchObject({
      kind: "CronJob",
      name: "tick",
      controller: true,
    });
    expect(job.metadata.labels.team).toBe("ops");
    expect(job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(
      new Date(boundary).toISOString().replace(".000", ""),
    );
    expect(job.status.conditions.map((c: { type: string }) => c.type)).toContain("Complete");
    const cj = await json(["get", "cronjob", "tick"]);
    expect(cj.status.lastScheduleTime).toBe(new Date(boundary).toISOString().replace(".000", ""));
    expect(cj.status.lastSuccessfulTime).toBeDefined();
    expect(cj.status.active).toBeUndefined();
    const events = await json(["get", "events", "--field-selector", "involvedObject.name=tick"]);
    const reasons = events.items.map((e: { reason: string; message: string }) => `${e.reason}: ${e.message}`);
    expect(reasons).toContain(`SuccessfulCreate: Created job tick-${boundary / 60_000}`);
    expect(reasons).toContain(
      `SawCompletedJob: Saw completed job: tick-${boundary / 60_000}, status: Complete`,
    );

    // Three more activations, one request after each: the two newest finished Jobs are kept.
    for (let i = 1; i <= 3; i++) {
      await step(start + 300_000 * (i + 1));
      await kubectl(["get", "cronjob", "tick"]);
    }
    const names = (await jobs()).map((j) => j.metadata.name).sort();
    expect(names).toEqual([`tick-${boundary / 60_000 + 10}`, `tick-${boundary / 60_000 + 15}`]);
  });

  it("a suspended CronJob starts nothing; missed activations start one Job, the latest", async () => {
    await kubectl(["patch", "cronjob", "tick", "-p", '{"spec":{"suspend":true}}']);
    const before = (await jobs()).map((j) => j.metadata.name);
    await step(clock + 1_800_000);
    expect((await jobs()).map((j) => j.metadata.name)).toEqual(before);
    await kubectl(["patch", "cronjob", "tick", "-p", '{"spec":{"suspend":false}}']);
    const after = (await jobs()).map((j) => j.metadata.name);
    const latest = Math.floor(clock / 300_000) * 5;
    expect(after).toContain(`tick-${latest}`);
    expect(after.length).toBe(2);
  });

  it("Forbid keeps a running Job alone, Replace replaces it; an activation past its deadline starts nothing", async () => {
    // Suspended Jobs never complete here, so they stay active.
    const held = (name: string, policy: string) =>
      cronJob(name, "*/5 * * * *", `  concurrencyPolicy: ${policy}\n`).replace(
        "    spec:\n      template:",
        "    spec:\n      suspend: true\n      template:",
      );
    await kubectl(["apply", "-f", "-"], held("forbid", "Forbid"));
    await kubectl(["apply", "-f", "-"], held("replace", "Replace"));
    await kubectl(["apply", "-f", "-"], cronJob("late", "*/5 * * * *", "  startingDeadlineSeconds: 10\n"));
    const base = Math.floor(clock / 300_000) * 300_000 + 300_000;
    await step(base + 5_000);
    await kubectl(["get", "cronjobs"]);
    await step(base + 300_000 + 60_000); // the next activation, 60 s late
    const names = async (prefix: string) =>
      (await json(["get", "jobs"])).items
        .map((j: { metadata: { name: string } }) => j.metadata.name)
        .filter((n: string) => n.startsWith(`${prefix}-`));
    expect(await names("forbid")).toEqual([`forbid-${base / 60_000}`]);
    expect(await names("replace")).toEqual([`replace-${base / 60_000 + 5}`]);
    expect(await names("late")).toEqual([`late-${base / 60_000}`]);
    const reasons = async (name: string) =>
      (await json(["get", "events", "--field-selector", `involvedObject.name=${name}`])).items.map(
        (e: { reason: string }) => e.reason,
      );
    expect(await reasons("forbid")).toContain("JobAlreadyActive");
    expect(await reasons("replace")).toContain("SuccessfulDelete");
    // utils.go mostRecentScheduleTime looks back only startingDeadlineSeconds: the late activation is not seen.
    expect((await reasons("late")).filter((r: string) => r === "SuccessfulCreate")).toHaveLength(1);
  });

  it("an invalid schedule or time zone is refused as kube-apiserver does", async () => {
    const bad = await kubectl(["apply", "-f", "-"], cronJob("bad", "61 * * * *"));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'The CronJob "bad" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    );
    const tz = await kubectl(
      ["apply", "-f", "-"],
      cronJob("badtz", "0 3 * * *", "  timeZone: Mars/Olympus\n"),
    );
    expect(tz.stderr).toContain(
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    );
  });
});
