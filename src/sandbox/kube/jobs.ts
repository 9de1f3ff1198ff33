/**
 * Jobs and CronJobs as pure functions. Defaults and the generated selector as kube-apiserver's Job strategy
 * writes them (kubernetes/kubernetes pkg/registry/batch/job/strategy.go: generateSelector, labels
 * batch.kubernetes.io/controller-uid and batch.kubernetes.io/job-name plus their legacy forms; pkg/apis/batch/
 * v1/defaults.go). The Job controller (pkg/controller/job/job_controller.go) makes the pods; nothing runs in a
 * sandbox pod, so each one has Succeeded as soon as it exists, and the Job is complete once `completions` pods
 * have: SuccessCriteriaMet then Complete, reason CompletionsReached.
 */
import { parseSchedule, validTimeZone } from "./cron.js";
import { asArray, asObject, asString, clone, isObject, type JsonObject, nameOf } from "./json.js";
import type { FieldCause } from "./status.js";
import { type PodPlan, podCondition, podFromTemplate, podStatus, randomSuffix } from "./workloads.js";

const UID_LABEL = "batch.kubernetes.io/controller-uid";
const NAME_LABEL = "batch.kubernetes.io/job-name";

export function jobDefaults(job: JsonObject): JsonObject {
  const out = clone(job);
  const spec = asObject(out.spec);
  out.spec = spec;
  spec.parallelism ??= 1;
  spec.completions ??= spec.parallelism === 1 ? 1 : spec.parallelism;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  spec.manualSelector ??= false;
  spec.podReplacementPolicy ??= "TerminatingOrFailed";
  return out;
}

/** The selector and template labels of a new Job (its uid is known). */
export function jobSelector(job: JsonObject): JsonObject {
  const out = clone(job);
  const spec = asObject(out.spec);
  if (spec.manualSelector === true) return out;
  const uid = asString(asObject(out.metadata).uid) ?? "";
  const labels = {
    [UID_LABEL]: uid,
    [NAME_LABEL]: nameOf(out),
    "controller-uid": uid,
    "job-name": nameOf(out),
  };
  spec.selector = { matchLabels: { [UID_LABEL]: uid } };
  const template = asObject(spec.template);
  const tm = asObject(template.metadata);
  tm.labels = { ...asObject(tm.labels), ...labels };
  template.metadata = tm;
  spec.template = template;
  return out;
}

/** pkg/apis/batch/validation/validation.go: a Job's pods restart OnFailure or Never. */
export function jobCauses(job: JsonObject, prefix = "spec"): FieldCause[] {
  const policy = asString(asObject(asObject(asObject(job.spec).template).spec).restartPolicy);
  if (policy === "OnFailure" || policy === "Never") return [];
  const field = `${prefix}.template.spec.restartPolicy`;
  return [
    policy === undefined
      ? { field, reason: "FieldValueRequired", message: 'Required value: valid values: "OnFailure", "Never"' }
      : {
          field,
          reason: "FieldValueNotSupported",
          message: `Unsupported value: "${policy}": supported values: "OnFailure", "Never"`,
        },
  ];
}

const num = (v: unknown, d: number) => (typeof v === "number" ? v : d);
const isDone = (job: JsonObject) =>
  asArray(asObject(job.status).conditions).some((c) => isObject(c) && c.type === "Complete");

/** Pods still to make: none once complete or while suspended. */
export function planJob(job: JsonObject, owned: JsonObject[], random: () => number): PodPlan {
  const spec = asObject(job.spec);
  if (spec.suspend === true || isDone(job)) return { create: [], remove: [] };
  const create: JsonObject[] = [];
  for (let i = owned.length; i < num(spec.completions, 1); i++)
    create.push(podFromTemplate(job, `${nameOf(job)}-${randomSuffix(random)}`, {}));
  return { create, remove: [] };
}

/** A pod whose containers exited 0 (what the kubelet reports once a Job's pod finished). */
export function succeededPodStatus(pod: JsonObject, now: string, ip: string): JsonObject {
  const cond = (type: string, status: string, reason?: string) => podCondition(now, type, status, reason);
  return podStatus(pod, now, ip, {
    phase: "Succeeded",
    conditions: [
      cond("PodReadyToStartContainers", "False"),
      cond("Initialized", "True", "PodCompleted"),
      cond("Ready", "False", "PodCompleted"),
      cond("ContainersReady", "False", "PodCompleted"),
      cond("PodScheduled", "True"),
    ],
    container: {
      ready: false,
      started: false,
      state: {
        terminated: { exitCode: 0, reason: "Completed", startedAt: now, finishedAt: now, containerID: "" },
      },
    },
  });
}

/** The Job's status given its pods (all Succeeded). */
export function jobStatus(job: JsonObject, pods: JsonObject[], now: string): JsonObject {
  const spec = asObject(job.spec);
  const prev = asObject(job.status);
  const succeeded = pods.filter((p) => asObject(p.status).phase === "Succeeded").length;
  const status: JsonObject = {
    ...(spec.suspend === true ? {} : { startTime: asString(prev.startTime) ?? now }),
    ready: 0,
    terminating: 0,
    uncountedTerminatedPods: {},
    ...(succeeded ? { succeeded } : {}),
    ...(succeeded < pods.length ? { active: pods.length - succeeded } : {}),
  };
  if (succeeded >= num(spec.completions, 1) && spec.suspend !== true) {
    const old = asArray(prev.conditions).filter(isObject);
    const cond = (type: string) => {
      const was = old.find((c) => c.type === type);
      return {
        type,
        status: "True",
        lastProbeTime: asString(was?.lastProbeTime) ?? now,
        lastTransitionTime: asString(was?.lastTransitionTime) ?? now,
        reason: "CompletionsReached",
        message: "Reached expected number of succeeded pods",
      };
    };
    status.completionTime = asString(prev.completionTime) ?? now;
    status.conditions = [cond("SuccessCriteriaMet"), cond("Complete")];
  }
  return status;
}

/** pkg/apis/batch/v1/defaults.go: SetDefaults_CronJob. */
export function cronJobDefaults(cj: JsonObject): JsonObject {
  const out = clone(cj);
  const spec = asObject(out.spec);
  out.spec = spec;
  spec.concurrencyPolicy ??= "Allow";
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const tmpl = asObject(spec.jobTemplate);
  spec.jobTemplate = tmpl;
  return out;
}

/**
 * pkg/apis/batch/validation/validation.go validateScheduleFormat and validateTimeZone: a schedule robfig/cron
 * parses, no TZ= in it (spec.timeZone instead), a known IANA time zone.
 */
export function cronJobCauses(cj: JsonObject): FieldCause[] {
  const spec = asObject(cj.spec);
  const schedule = asString(spec.schedule) ?? "";
  const causes: FieldCause[] = [];
  const invalidValue = (field: string, value: string, why: string): FieldCause => ({
    field,
    reason: "FieldValueInvalid",
    message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  });
  if (schedule === "")
    causes.push({ field: "spec.schedule", reason: "FieldValueRequired", message: "Required value" });
  else {
    const parsed = parseSchedule(schedule);
    if (!parsed.ok) causes.push(invalidValue("spec.schedule", schedule, parsed.error));
    if (schedule.includes("TZ"))
      causes.push(
        invalidValue(
          "spec.schedule",
          schedule,
          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        ),
      );
  }
  const tz = spec.timeZone;
  if (typeof tz === "string") {
    if (tz === "") causes.push(invalidValue("spec.timeZone", tz, "unknown time zone"));
    else if (tz.toLowerCase() === "local")
      causes.push(
        invalidValue(
          "spec.timeZone",
          tz,
          "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ),
      );
    else if (!validTimeZone(tz)) causes.push(invalidValue("spec.timeZone", tz, `unknown time zone ${tz}`));
  }
  return causes;
}
