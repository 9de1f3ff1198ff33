/**
 * ARN helpers: parsing, role-session ↔ role matching, and ARN patterns with wildcards.
 * Rules from AWS "IAM identifiers" (ARN format, `assumed-role` session ARNs) and "IAM JSON policy elements:
 * Resource" (wildcards are matched per colon-delimited segment; a `*` at the end of an ARN may stand for the
 * segments that follow).
 */
import { joinParts, type Part } from "./variables.js";
import { escapeRegExp, hasWildcard, type Matcher, wildcardSource } from "./wildcard.js";

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon, e.g. `role/path/Name` (may itself contain colons). */
  resource: string;
}

/** Split `arn:partition:service:region:account:resource`; undefined when it is not an ARN. */
export function parseArn(value: string): Arn | undefined {
  if (!value.startsWith("arn:")) return undefined;
  const parts = value.split(":");
  if (parts.length < 6) return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  if (partition === "" || service === "") return undefined;
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

export function isArn(value: string): boolean {
  return parseArn(value) !== undefined;
}

export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

/** `arn:<partition>:iam::<account>:root` → the account id; undefined for anything else. */
export function accountOfRootArn(value: string): string | undefined {
  const arn = parseArn(value);
  if (arn?.service !== "iam" || arn.resource !== "root" || !isAccountId(arn.account)) return undefined;
  return arn.account;
}

export interface RoleSession {
  partition: string;
  account: string;
  roleName: string;
  sessionName: string;
}

/** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` → its parts; undefined for anything else. */
export function parseRoleSessionArn(value: string): RoleSession | undefined {
  const arn = parseArn(value);
  if (arn?.service !== "sts" || !arn.resource.startsWith("assumed-role/")) return undefined;
  const rest = arn.resource.slice("assumed-role/".length);
  const slash = rest.indexOf("/");
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return {
    partition: arn.partition,
    account: arn.account,
    roleName: rest.slice(0, slash),
    sessionName: rest.slice(slash + 1),
  };
}

/** `arn:aws:iam::<acct>:role/<path><name>` → `{partition, account, name, path}`; undefined otherwise. */
export function parseRoleArn(
  value: string,
): { partition: string; account: string; name: string; path: string } | undefined {
  const arn = parseArn(value);
  if (arn?.service !== "iam" || !arn.resource.startsWith("role/")) return undefined;
  const full = arn.resource.slice("role/".length);
  const slash = full.lastIndexOf("/");
  const name = full.slice(slash + 1);
  if (name === "") return undefined;
  return { partition: arn.partition, account: arn.account, name, path: `/${full.slice(0, slash + 1)}` };
}

/**
 * Does the role session ARN belong to the role ARN? A session ARN carries the role name but not its path, so
 * partition, account and name decide; role names are unique case-insensitively within an account (AWS "IAM
 * identifiers": "names must be unique within an account ... not distinguished by case").
 */
export function sessionBelongsToRole(sessionArn: string, roleArn: string): boolean {
  const session = parseRoleSessionArn(sessionArn);
  const role = parseRoleArn(roleArn);
  if (!session || !role) return false;
  return (
    session.partition === role.partition &&
    session.account === role.account &&
    session.roleName.toLowerCase() === role.name.toLowerCase()
  );
}

/** The role ARN (without path) for a session ARN: `arn:aws:iam::<acct>:role/<role>`. */
export function roleArnOfSession(sessionArn: string): string | undefined {
  const s = parseRoleSessionArn(sessionArn);
  return s ? `arn:${s.partition}:iam::${s.account}:role/${s.roleName}` : undefined;
}

const never: Matcher = () => false;

/**
 * Compile an ARN pattern (a `Resource` entry or an `ArnLike` value) into a case-sensitive matcher over full
 * ARNs. Wildcards in the partition/service/region/account segments stay inside their segment; in the
 * resource part they may cross `/` and `:`. A pattern with fewer than six segments matches only when it ends
 * with `*` (which then also covers the missing segments); `*` alone matches everything.
 */
export function compileArnPattern(pattern: string): Matcher {
  if (pattern === "*") return () => true;
  const parts = pattern.split(":");
  if (parts.length < 6) {
    if (!pattern.endsWith("*")) return never;
    while (parts.length < 6) parts.push("*");
  }
  const head = parts.slice(0, 5);
  const tail = parts.slice(5).join(":");
  if (!hasWildcard(pattern)) return (v) => v === pattern;
  const source = `^${head.map((seg) => wildcardSource(seg, "[^:]*", "[^:]")).join(":")}:${wildcardSource(tail)}$`;
  const re = new RegExp(source);
  return (v) => re.test(v);
}

/** Split parts on their colons (a substituted value's colons separate segments as written ones do). */
function segmentsOf(parts: readonly Part[]): Part[][] {
  const segments: Part[][] = [[]];
  for (const p of parts) {
    p.value.split(":").forEach((chunk, i) => {
      if (i > 0) segments.push([]);
      if (chunk !== "") segments[segments.length - 1]?.push({ kind: p.kind, value: chunk });
    });
  }
  return segments;
}

function partsSource(parts: readonly Part[], any: string, one: string): string {
  let out = "";
  for (const p of parts) out += p.kind === "text" ? wildcardSource(p.value, any, one) : escapeRegExp(p.value);
  return out;
}

/**
 * compileArnPattern for a pattern with substituted policy variables (variables.ts): the same segment rules,
 * with literal parts matched as written.
 */
export function compileArnPatternParts(parts: readonly Part[]): Matcher {
  if (parts.every((p) => p.kind === "text")) return compileArnPattern(joinParts(parts));
  const segments = segmentsOf(parts);
  if (segments.length < 6) {
    const last = parts[parts.length - 1];
    if (last?.kind !== "text" || !last.value.endsWith("*")) return never;
    while (segments.length < 6) segments.push([{ kind: "text", value: "*" }]);
  }
  const head = segments.slice(0, 5).map((seg) => partsSource(seg, "[^:]*", "[^:]"));
  const tail = segments.slice(5).map((seg) => partsSource(seg, "[\\s\\S]*", "[\\s\\S]"));
  const re = new RegExp(`^${head.join(":")}:${tail.join(":")}$`);
  return (v) => re.test(v);
}

/** Is the resolved pattern an ARN pattern (starts with `arn:`, six segments)? */
export function isArnPatternParts(parts: readonly Part[]): boolean {
  return joinParts(parts).startsWith("arn:") && segmentsOf(parts).length >= 6;
}
