/**
 * Parse and normalise an IAM policy document into plain data, refusing anything IAM would refuse (or that
 * we could not evaluate faithfully) with a PolicyError naming the JSON path of the fault.
 * Grammar from AWS "IAM JSON policy element reference" and "Grammar of the IAM JSON policy language".
 */
import { accountOfRootArn, isAccountId, isArn } from "./arn.js";
import { compileCondition } from "./conditions/compile.js";
import { PolicyError } from "./errors.js";
import { child, index, ROOT } from "./path.js";

/** Identity-based policies name no Principal and need a Resource; resource-based ones need a Principal. */
export type PolicyKind = "identity" | "resource";

export type PrincipalType = "AWS" | "Federated" | "Service" | "CanonicalUser";

export interface PrincipalEntry {
  /** `*` for `"Principal": "*"`. */
  type: PrincipalType | "*";
  value: string;
}

export interface PrincipalElement {
  /** true for NotPrincipal */
  negated: boolean;
  entries: PrincipalEntry[];
}

export interface ListElement {
  /** true for NotAction / NotResource */
  negated: boolean;
  values: string[];
}

export interface ConditionEntry {
  /** As written, e.g. `ForAnyValue:StringLike`. */
  operator: string;
  /** As written, e.g. `oidc.eks.eu-west-1.amazonaws.com/id/X:sub`. */
  key: string;
  /** Policy values as strings (numbers and booleans are stringified as IAM does). */
  values: string[];
  /** JSON path of the key, for error messages. */
  path: string;
}

export interface Statement {
  index: number;
  /** JSON path, `Statement[1]` (or `Statement` when the document holds a single statement object). */
  path: string;
  sid?: string;
  effect: "Allow" | "Deny";
  principal?: PrincipalElement;
  action: ListElement;
  /** Absent in trust policies: then every resource matches. */
  resource?: ListElement;
  conditions: ConditionEntry[];
}

export interface Policy {
  name?: string;
  version?: string;
  id?: string;
  statements: Statement[];
}

const TOP_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);
const VERSIONS = new Set(["2012-10-17", "2008-10-17"]);
const PRINCIPAL_TYPES = new Set<string>(["AWS", "Federated", "Service", "CanonicalUser"]);
/** AWS unique ids (AIDA…, AROA…) appear in trust policies whose principal was deleted; they match nobody. */
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;
const ACTION = /^[A-Za-z0-9*?-]+:[^\s:]+$/;

type Fail = (path: string, problem: string) => never;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return JSON.stringify(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: Set<string>, path: string, fail: Fail): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      fail(child(path, key), `unknown key (allowed: ${[...allowed].join(", ")})`);
    }
  }
}

/** A string or a non-empty array of strings. */
function stringList(v: unknown, path: string, fail: Fail): string[] {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) return fail(path, `expected a string or an array of strings, got ${describe(v)}`);
  if (v.length === 0) return fail(path, "expected at least one value");
  return v.map((item, i) =>
    typeof item === "string" ? item : fail(index(path, i), `expected a string, got ${describe(item)}`),
  );
}

function listPath(path: string, list: unknown, i: number): string {
  return Array.isArray(list) ? index(path, i) : path;
}

function parseAction(v: unknown, path: string, fail: Fail): string[] {
  const values = stringList(v, path, fail);
  values.forEach((a, i) => {
    if (a !== "*" && !ACTION.test(a)) {
      fail(listPath(path, v, i), `expected "*" or "service:action", got ${JSON.stringify(a)}`);
    }
  });
  return values;
}

function parseResource(v: unknown, path: string, fail: Fail): string[] {
  const values = stringList(v, path, fail);
  values.forEach((r, i) => {
    if (r === "*") return;
    if (!r.startsWith("arn:")) {
      fail(listPath(path, v, i), `expected "*" or an ARN, got ${JSON.stringify(r)}`);
    }
    if (r.split(":").length < 6 && !r.endsWith("*")) {
      fail(
        listPath(path, v, i),
        `an ARN has six colon-separated parts (arn:partition:service:region:account:resource), got ${JSON.stringify(r)}`,
      );
    }
  });
  return values;
}

function parseAwsPrincipal(value: string, path: string, fail: Fail): void {
  if (value === "*" || isAccountId(value) || UNIQUE_ID.test(value)) return;
  if (!isArn(value)) {
    fail(path, `expected "*", a 12-digit account id or an ARN, got ${JSON.stringify(value)}`);
  }
  if (value.includes("*") || value.includes("?")) {
    fail(
      path,
      `wildcards are not allowed inside a principal ARN (only "*" alone), got ${JSON.stringify(value)}`,
    );
  }
  if (accountOfRootArn(value) === undefined && value.endsWith(":root")) {
    fail(path, `expected arn:<partition>:iam::<12-digit account>:root, got ${JSON.stringify(value)}`);
  }
}

function parsePrincipal(v: unknown, path: string, negated: boolean, fail: Fail): PrincipalElement {
  if (v === "*") return { negated, entries: [{ type: "*", value: "*" }] };
  if (!isObject(v)) {
    return fail(
      path,
      `expected "*" or an object with AWS, Federated, Service or CanonicalUser, got ${describe(v)}`,
    );
  }
  const entries: PrincipalEntry[] = [];
  for (const [type, raw] of Object.entries(v)) {
    const p = child(path, type);
    if (!PRINCIPAL_TYPES.has(type))
      fail(p, "unknown principal type (allowed: AWS, Federated, Service, CanonicalUser)");
    const values = stringList(raw, p, fail);
    values.forEach((value, i) => {
      const vp = listPath(p, raw, i);
      if (value === "") fail(vp, "expected a non-empty principal");
      if (type === "AWS") parseAwsPrincipal(value, vp, fail);
      entries.push({ type: type as PrincipalType, value });
    });
  }
  if (entries.length === 0) fail(path, "expected at least one of AWS, Federated, Service, CanonicalUser");
  return { negated, entries };
}

function conditionValues(v: unknown, path: string, fail: Fail): string[] {
  const scalar = (x: unknown, p: string): string =>
    typeof x === "string" || typeof x === "number" || typeof x === "boolean"
      ? String(x)
      : fail(p, `expected a string, number or boolean, got ${describe(x)}`);
  if (!Array.isArray(v)) return [scalar(v, path)];
  if (v.length === 0) return fail(path, "expected at least one value");
  return v.map((x, i) => scalar(x, index(path, i)));
}

function parseConditions(v: unknown, path: string, fail: Fail): ConditionEntry[] {
  if (!isObject(v)) return fail(path, `expected an object of operators to {key: values}, got ${describe(v)}`);
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(v)) {
    const opPath = child(path, operator);
    if (!isObject(block)) fail(opPath, "expected an object of keys to values");
    for (const [key, raw] of Object.entries(block)) {
      const keyPath = child(opPath, key);
      if (key === "") fail(keyPath, "expected a non-empty condition key");
      const entry = { operator, key, values: conditionValues(raw, keyPath, fail), path: keyPath };
      compileCondition(entry, opPath, fail);
      out.push(entry);
    }
  }
  return out;
}

function parseStatement(
  raw: unknown,
  i: number,
  path: string,
  kind: PolicyKind | undefined,
  fail: Fail,
): Statement {
  if (!isObject(raw)) return fail(path, `expected a statement object, got ${describe(raw)}`);
  checkKeys(raw, STATEMENT_KEYS, path, fail);
  const sid = raw.Sid;
  if (sid !== undefined && typeof sid !== "string") {
    fail(child(path, "Sid"), `expected a string, got ${describe(sid)}`);
  }
  const effect = raw.Effect;
  if (effect !== "Allow" && effect !== "Deny") {
    fail(
      child(path, "Effect"),
      `expected "Allow" or "Deny", got ${effect === undefined ? "nothing" : describe(effect)}`,
    );
  }
  const both = (a: string, b: string): void => {
    if (raw[a] !== undefined && raw[b] !== undefined) fail(path, `has both ${a} and ${b}; use one`);
  };
  both("Action", "NotAction");
  both("Resource", "NotResource");
  both("Principal", "NotPrincipal");

  const actionKey =
    raw.Action !== undefined ? "Action" : raw.NotAction !== undefined ? "NotAction" : undefined;
  if (!actionKey) fail(path, "needs Action or NotAction");
  const action = {
    negated: actionKey === "NotAction",
    values: parseAction(raw[actionKey], child(path, actionKey), fail),
  };

  const principalKey =
    raw.Principal !== undefined ? "Principal" : raw.NotPrincipal !== undefined ? "NotPrincipal" : undefined;
  if (principalKey && kind === "identity") {
    fail(child(path, principalKey), `an identity-based policy cannot name a ${principalKey}`);
  }
  if (!principalKey && kind === "resource") {
    fail(path, "a resource-based policy statement needs Principal or NotPrincipal");
  }
  const principal = principalKey
    ? parsePrincipal(raw[principalKey], child(path, principalKey), principalKey === "NotPrincipal", fail)
    : undefined;

  const resourceKey =
    raw.Resource !== undefined ? "Resource" : raw.NotResource !== undefined ? "NotResource" : undefined;
  if (!resourceKey && kind === "identity") fail(path, "needs Resource or NotResource");
  const resource = resourceKey
    ? {
        negated: resourceKey === "NotResource",
        values: parseResource(raw[resourceKey], child(path, resourceKey), fail),
      }
    : undefined;

  const conditions =
    raw.Condition === undefined ? [] : parseConditions(raw.Condition, child(path, "Condition"), fail);

  const statement: Statement = { index: i, path, effect: effect as "Allow" | "Deny", action, conditions };
  if (typeof sid === "string") statement.sid = sid;
  if (principal) statement.principal = principal;
  if (resource) statement.resource = resource;
  return statement;
}

/**
 * Parse a policy document (a JSON string or an already parsed value). `kind` adds the rules of identity- or
 * resource-based policies; without it only the common grammar is checked. Throws PolicyError.
 */
export function parsePolicy(doc: unknown, name?: string, kind?: PolicyKind): Policy {
  const fail: Fail = (path, problem) => {
    throw new PolicyError(path, problem, name);
  };
  let value = doc;
  if (typeof doc === "string") {
    try {
      value = JSON.parse(doc);
    } catch (e) {
      fail(ROOT, `not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(value)) return fail(ROOT, `expected a policy object, got ${describe(value)}`);
  checkKeys(value, TOP_KEYS, ROOT, fail);
  const version = value.Version;
  if (version !== undefined && (typeof version !== "string" || !VERSIONS.has(version))) {
    fail("Version", `expected "2012-10-17" (or "2008-10-17"), got ${describe(version)}`);
  }
  const id = value.Id;
  if (id !== undefined && typeof id !== "string") fail("Id", `expected a string, got ${describe(id)}`);
  const raw = value.Statement;
  if (raw === undefined) fail(ROOT, "needs a Statement");
  let statements: Statement[];
  if (Array.isArray(raw)) {
    statements = raw.map((s, i) => parseStatement(s, i, index("Statement", i), kind, fail));
  } else if (isObject(raw)) {
    statements = [parseStatement(raw, 0, "Statement", kind, fail)];
  } else {
    return fail("Statement", `expected a statement object or an array of them, got ${describe(raw)}`);
  }
  const policy: Policy = { statements };
  if (name !== undefined) policy.name = name;
  if (typeof version === "string") policy.version = version;
  if (typeof id === "string") policy.id = id;
  return policy;
}
