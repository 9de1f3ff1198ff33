/** One AWS call of an operation: "already exists" / "already gone" answers count as done; a failure gets a hint. */
import { awsFailure } from "../../aws/index.js";

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function errName(e: unknown): string {
  return (e as { name?: string })?.name ?? "";
}

export async function aws<T>(what: string, fn: () => Promise<T>, ok: string[] = []): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (ok.includes(errName(e))) return undefined;
    throw awsFailure(what, e, hintFor(e));
  }
}

function hintFor(e: unknown): string | undefined {
  const name = errName(e);
  if (/AccessDenied|UnauthorizedOperation|AccessDeniedException/.test(name)) {
    return "the caller lacks this permission in that account: use an admin profile for xirsa apply (xirsa render --only verifier-policy shows what read-only needs)";
  }
  if (name === "LimitExceeded" || name === "LimitExceededException") {
    return "an account quota is reached: remove unused resources or request a quota increase";
  }
  if (name === "MalformedPolicyDocument" || name === "MalformedPolicyDocumentException") {
    return "IAM refused the document; if it names a role that was just created, rerun in a minute (IAM propagation)";
  }
  return "fix the cause above and rerun xirsa apply: it continues from where it stopped";
}
