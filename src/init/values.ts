/**
 * Init values → the config they describe, validated by src/config's schema. A bad value is refused with one
 * line naming its flag (exit 2), so scripts and people see which flag to fix.
 */
import { type Config, type ConfigInput, configSchema, formatPath } from "../config/index.js";
import { InputError } from "../errors.js";
import { FIELDS, type Field, type FieldKey, fieldAt, type InitValues } from "./fields.js";

function shown(value: string): string {
  return value.length > 40 ? `'${value.slice(0, 37)}...'` : `'${value}'`;
}

/** The schema's message for one value, or undefined when it is valid. */
export function checkValue(field: Field, value: string): string | undefined {
  const r = field.schema.safeParse(value);
  return r.success ? undefined : (r.error.issues[0]?.message ?? "invalid value");
}

function badValue(field: Field, value: string, message: string): InputError {
  return new InputError("init.value", `${field.flag} ${shown(value)}: ${message}`, `see xirsa init --help`);
}

/** Refuses the first value that its field's schema rejects. */
export function checkValues(values: InitValues): void {
  for (const f of FIELDS) {
    const v = values[f.key];
    if (v === undefined) continue;
    const msg = checkValue(f, v);
    if (msg) throw badValue(f, v, msg);
  }
}

/** The config as a user would write it (only the values given; the schema fills defaults). */
export function toConfigInput(values: InitValues): ConfigInput {
  const opt = <K extends string>(key: K, v: string | undefined) => (v === undefined ? {} : { [key]: v });
  const target = {
    name: values.targetName,
    accountId: values.targetAccount,
    region: values.targetRegion,
    cluster: values.targetCluster,
    ...opt("endpoint", values.endpoint),
    ...opt("caData", values.caData),
    ...opt("profile", values.targetProfile),
    ...opt("namespaces", values.namespaces),
    ...opt("access", values.access),
    ...(values.capsule ? { capsule: {} } : {}),
  };
  return {
    name: values.name,
    source: {
      accountId: values.sourceAccount,
      region: values.sourceRegion,
      cluster: values.sourceCluster,
      ...opt("oidcIssuer", values.issuer),
      ...opt("profile", values.sourceProfile),
    },
    targets: [target],
  } as ConfigInput;
}

/** Validates every value and then the whole config (cross-field rules), naming the flag at fault. */
export function validateValues(values: InitValues): Config {
  checkValues(values);
  const r = configSchema.safeParse(toConfigInput(values));
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = fieldAt(issue.path);
  if (!field) throw new InputError("init.value", `${formatPath(issue.path)}: ${issue.message}`);
  const v = values[field.key];
  if (v === undefined) {
    throw new InputError(
      "init.missing",
      `missing ${field.flag}`,
      "pass it, or run xirsa init on a terminal to be asked",
    );
  }
  throw badValue(field, v, issue.message);
}

/** Valid stand-ins for required values not given yet, so the cross-field rules can run on a partial answer. */
const STAND_INS: Partial<Record<FieldKey, string>> = {
  name: "stand-in",
  sourceAccount: "000000000000",
  sourceRegion: "us-east-1",
  sourceCluster: "stand-in-source",
  targetName: "stand-in",
  targetAccount: "000000000001",
  targetRegion: "us-east-1",
  targetCluster: "stand-in-target",
};

/**
 * The config schema's cross-field message about `field` (e.g. "a target cannot be the source cluster itself"),
 * judged on the values given so far; undefined when the rules hold. Problems of stand-ins are not reported.
 */
export function crossFieldMessage(values: InitValues, field: Field): string | undefined {
  const filled: InitValues = { ...values };
  for (const [k, v] of Object.entries(STAND_INS) as [FieldKey, string][]) filled[k] ??= v;
  const r = configSchema.safeParse(toConfigInput(filled));
  if (r.success) return undefined;
  return r.error.issues.find((i) => fieldAt(i.path)?.key === field.key)?.message;
}

/** Flags of required values that are still missing. */
export function missingRequired(values: InitValues): Field[] {
  return FIELDS.filter((f) => f.required && values[f.key] === undefined);
}
