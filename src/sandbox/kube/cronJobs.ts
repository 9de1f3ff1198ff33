/**
 * The CronJob controller (kubernetes/kubernetes pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob,
 * cleanupFinishedJobs; utils.go mostRecentScheduleTime, nextScheduleTime, getJobFromTemplate2): it runs on the
 * API server's clock (`KubeApiOptions.now`) whenever a request comes in after the next activation is due, and
 * when a CronJob or one of its Jobs is written. Only the most recent missed activation starts a Job, named
 * `<cronjob>-<scheduled time in minutes since the epoch>`; `startingDeadlineSeconds`, `concurrencyPolicy`,
 * `suspend`, `timeZone` and the history limits apply. The sandbox's Jobs complete at once, so a started Job
 * is seen completed in the same pass (SuccessfulCreate, then SawCompletedJob).
 */
import { randomUUID } from "node:crypto";
import { type ApiContext, CRON_JOBS, JOBS } from "./context.js";
import { afterDelete, reconcileJob } from "./controllers.js";
import { mostRecent, nextAfter, parseSchedule } from "./cron.js";
import { deleteObject, isDeleting, type Removed } from "./deletion.js";
import { type EventType, recordEvent } from "./events.js";
import { jobDefaults, jobSelector } from "./jobs.js";
import {
  asArray,
  asObject,
  asString,
  clone,
  isObject,
  type JsonObject,
  jsonEqual,
  meta,
  nameOf,
  namespaceOf,
} from "./json.js";
import { timestamp } from "./routing.js";
import { isOwnedBy } from "./store.js";

export const SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";
const SOURCE = { component: "cronjob-controller" };

const uidOf = (o: JsonObject) => asString(asObject(o.metadata).uid) ?? "";
const conditionTrue = (job: JsonObject, type: string) =>
  asArray(asObject(job.status).conditions).some((c) => isObject(c) && c.type === type && c.status === "True");
const finishedAs = (job: JsonObject) =>
  conditionTrue(job, "Complete") ? "Complete" : conditionTrue(job, "Failed") ? "Failed" : undefined;
const dateOf = (v: unknown) => (typeof v === "string" ? new Date(v) : undefined);
/** Kubernetes' metav1.Time: seconds, UTC. */
const ts = (d: Date) => timestamp(d);

/** getJobName: the scheduled time in minutes since the epoch keeps one Job per activation. */
export const cronJobName = (cj: JsonObject, scheduled: Date) =>
  `${nameOf(cj)}-${Math.floor(scheduled.getTime() / 60_000)}`;

/** getJobFromTemplate2: the template's labels and annotations, the scheduled time, a controller reference. */
export function jobFromTemplate(cj: JsonObject, scheduled: Date): JsonObject {
  const tmpl = asObject(asObject(cj.spec).jobTemplate);
  const tm = asObject(tmpl.metadata);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: cronJobName(cj, scheduled),
      namespace: namespaceOf(cj),
      ...(isObject(tm.labels) ? { labels: clone(tm.labels) } : {}),
      annotations: {
        ...asObject(clone(tm.annotations ?? {})),
        [SCHEDULED_TIMESTAMP_ANNOTATION]: ts(scheduled),
      },
      ownerReferences: [
        {
          apiVersion: "batch/v1",
          kind: "CronJob",
          name: nameOf(cj),
          uid: uidOf(cj),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: clone(asObject(tmpl.spec)),
  };
}

const jobRef = (job: JsonObject): JsonObject => ({
  kind: "Job",
  namespace: namespaceOf(job),
  name: nameOf(job),
  uid: uidOf(job),
  apiVersion: "batch/v1",
  resourceVersion: asString(asObject(job.metadata).resourceVersion) ?? "",
});

interface Pass {
  ctx: ApiContext;
  cj: JsonObject;
  status: JsonObject;
  event(type: EventType, reason: string, message: string): void;
}

/** The part of syncCronJob that reads the Jobs: the active list, lastSuccessfulTime, missing Jobs. */
function observeJobs(p: Pass, jobs: JsonObject[]): void {
  let active = asArray(p.status.active).filter(isObject);
  for (const j of jobs) {
    const found = active.some((a) => a.uid === uidOf(j));
    const finished = finishedAs(j);
    if (!found && !finished)
      p.event(
        "Warning",
        "UnexpectedJob",
        `Saw a job that the controller did not create or forgot: ${nameOf(j)}`,
      );
    else if (found && finished) {
      active = active.filter((a) => a.uid !== uidOf(j));
      p.event("Normal", "SawCompletedJob", `Saw completed job: ${nameOf(j)}, status: ${finished}`);
    }
    // Upstream reads a succeeded Job's completionTime on the pass after it left the active list; here at once.
    const done = asString(asObject(j.status).completionTime);
    if (finished === "Complete" && done) {
      const last = dateOf(p.status.lastSuccessfulTime);
      if (!last || new Date(done) > last) p.status.lastSuccessfulTime = done;
    }
  }
  const uids = new Set(jobs.map(uidOf));
  for (const a of active.filter((x) => !uids.has(asString(x.uid) ?? ""))) {
    p.event("Normal", "MissingJob", `Active job went missing: ${asString(a.name) ?? ""}`);
    active = active.filter((x) => x !== a);
  }
  if (active.length) p.status.active = active;
  else delete p.status.active;
}

function deleteJob(p: Pass, job: JsonObject): void {
  const removed: Removed[] = [];
  deleteObject(p.ctx, JOBS, job, "Background", removed);
  afterDelete(p.ctx, removed);
  const active = asArray(p.status.active).filter((a) => isObject(a) && a.uid !== uidOf(job));
  if (active.length) p.status.active = active;
  else delete p.status.active;
  p.event("Normal", "SuccessfulDelete", `Deleted job ${nameOf(job)}`);
}

/** cleanupFinishedJobs/removeOldestJobs: the oldest finished Jobs past the history limits go. */
function cleanupFinished(p: Pass, jobs: JsonObject[]): void {
  const spec = asObject(p.cj.spec);
  const byStart = (a: JsonObject, b: JsonObject) => {
    const sa = asString(asObject(a.status).startTime) ?? "";
    const sb = asString(asObject(b.status).startTime) ?? "";
    return sa === sb ? nameOf(a).localeCompare(nameOf(b)) : sa < sb ? -1 : 1;
  };
  for (const [kind, limit] of [
    ["Complete", spec.successfulJobsHistoryLimit],
    ["Failed", spec.failedJobsHistoryLimit],
  ] as const) {
    if (typeof limit !== "number") continue;
    const done = jobs.filter((j) => finishedAs(j) === kind).sort(byStart);
    for (const j of done.slice(0, Math.max(0, done.length - limit))) deleteJob(p, j);
  }
}

/** The time a schedule fires at or after which this CronJob needs another pass (undefined: never). */
export function nextDue(cj: JsonObject, now: Date): number | undefined {
  const spec = asObject(cj.spec);
  const parsed = parseSchedule(asString(spec.schedule) ?? "");
  if (!parsed.ok || spec.suspend === true || isDeleting(cj)) return undefined;
  return nextAfter(parsed.schedule, now, asString(spec.timeZone) ?? "UTC")?.getTime();
}

/** syncCronJob, then cleanupFinishedJobs and the status update, for one CronJob at the context's `now`. */
export function syncCronJob(ctx: ApiContext, cronJob: JsonObject): void {
  const now = ctx.now();
  const ns = namespaceOf(cronJob);
  const cj = cronJob;
  const p: Pass = {
    ctx,
    cj,
    status: clone(asObject(cj.status)),
    event: (type, reason, message) => recordEvent(ctx, cj, true, type, reason, message, SOURCE),
  };
  const owned = () => ctx.store.list(JOBS, ns).filter((j) => isOwnedBy(j, uidOf(cj)));
  observeJobs(p, owned());
  start(p, now, ns);
  cleanupFinished(p, owned());
  const cur = ctx.store.get(CRON_JOBS, ns, nameOf(cj));
  if (cur && uidOf(cur) === uidOf(cj) && !jsonEqual(asObject(cur.status), p.status))
    ctx.store.put(CRON_JOBS, { ...cur, status: p.status });
}

function start(p: Pass, now: Date, ns: string): void {
  const { ctx, cj } = p;
  const spec = asObject(cj.spec);
  if (isDeleting(cj) || spec.suspend === true) return;
  const parsed = parseSchedule(asString(spec.schedule) ?? "");
  if (!parsed.ok) {
    p.event(
      "Warning",
      "UnparseableSchedule",
      `unparseable schedule: "${asString(spec.schedule)}" : ${parsed.error}`,
    );
    return;
  }
  const tz = asString(spec.timeZone) ?? "UTC";
  // utils.go mostRecentScheduleTime: from the last scheduled time (else the creation), or the deadline.
  let earliest = dateOf(p.status.lastScheduleTime) ?? dateOf(asObject(cj.metadata).creationTimestamp) ?? now;
  const deadline =
    typeof spec.startingDeadlineSeconds === "number" ? spec.startingDeadlineSeconds : undefined;
  if (deadline !== undefined && now.getTime() - deadline * 1000 > earliest.getTime())
    earliest = new Date(now.getTime() - deadline * 1000);
  if (earliest > now) return;
  const { time: scheduled, missed } = mostRecent(parsed.schedule, earliest, now, tz);
  // utils.go nextScheduleTime: more than 100 missed is warned about; the most recent still starts.
  if (missed > 100)
    p.event(
      "Warning",
      "TooManyMissedTimes",
      `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
    );
  if (!scheduled) return;
  if (deadline !== undefined && scheduled.getTime() + deadline * 1000 < now.getTime()) {
    p.event(
      "Warning",
      "MissSchedule",
      `Missed scheduled time to start a job: ${scheduled.toUTCString().replace("GMT", "+0000")}`,
    );
    return;
  }
  const name = cronJobName(cj, scheduled);
  const active = () => asArray(p.status.active).filter(isObject);
  if (active().some((a) => a.name === name) || p.status.lastScheduleTime === ts(scheduled)) return;
  if (spec.concurrencyPolicy === "Forbid" && active().length > 0) {
    p.event(
      "Normal",
      "JobAlreadyActive",
      "Not starting job because prior execution is running and concurrency policy is Forbid",
    );
    return;
  }
  if (spec.concurrencyPolicy === "Replace")
    for (const a of active()) {
      const job = ctx.store.get(JOBS, ns, asString(a.name) ?? "");
      if (job) deleteJob(p, job);
    }
  let job = ctx.store.get(JOBS, ns, name);
  if (job) {
    // Made by someone else: theirs to account for; ours but not listed: listed again.
    if (!isOwnedBy(job, uidOf(cj)) || active().some((a) => a.uid === uidOf(job!))) return;
  } else {
    const req = jobFromTemplate(cj, scheduled);
    const m = meta(req);
    m.uid = randomUUID();
    m.creationTimestamp = ts(now);
    m.generation = 1;
    job = ctx.store.put(JOBS, jobSelector(jobDefaults(req)));
    p.event("Normal", "SuccessfulCreate", `Created job ${name}`);
  }
  p.status.active = [...active(), jobRef(job)];
  p.status.lastScheduleTime = ts(scheduled);
  // The Job controller runs it (its pods succeed at once); this pass sees it complete.
  reconcileJob(ctx, job, false);
  observeJobs(
    p,
    ctx.store.list(JOBS, ns).filter((j) => isOwnedBy(j, uidOf(cj))),
  );
}

/**
 * The controller's resync: every CronJob whose activation is due by `now`. Returns when the next one is due
 * (Infinity when none is).
 */
export function syncDueCronJobs(ctx: ApiContext): number {
  const now = ctx.now();
  let due = Number.POSITIVE_INFINITY;
  for (const cj of ctx.store.list(CRON_JOBS)) {
    syncCronJob(ctx, cj);
    const fresh = ctx.store.get(CRON_JOBS, namespaceOf(cj), nameOf(cj)) ?? cj;
    due = Math.min(due, nextDue(fresh, now) ?? Number.POSITIVE_INFINITY);
  }
  return due;
}
