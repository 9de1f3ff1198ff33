/**
 * The tag rules IAM (resource tags) and STS (session tags) share: at most 50, keys and values of IAM's tag
 * characters (botocore iam `tagKeyType` / `tagValueType` patterns), no `aws:` prefix (reserved, AWS tagging
 * docs), keys unique regardless of case (IAM User Guide, "Tagging IAM resources"). Each service refuses a broken
 * rule with its own code and text, so the caller passes one refusal per rule.
 */
import type { Tag } from "../model.js";
import type { AwsApiError } from "../protocol/errors.js";

export type TagRule = "count" | "key" | "value" | "reserved" | "duplicate";

/** The service's error for each broken rule: exhaustive, so a new rule does not compile until both answer it. */
export type TagRefusals = { [R in TagRule]: (tag: Tag) => AwsApiError };

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The tags' keys, lower-cased, once each checked; throws the service's refusal for the first broken rule. */
export function checkTags(tags: readonly Tag[], refuse: TagRefusals): Set<string> {
  if (tags.length > 50) throw refuse.count(tags[50]!);
  const seen = new Set<string>();
  for (const t of tags) {
    if (!TAG_KEY.test(t.Key)) throw refuse.key(t);
    if (!TAG_VALUE.test(t.Value)) throw refuse.value(t);
    if (/^aws:/i.test(t.Key)) throw refuse.reserved(t);
    if (seen.has(t.Key.toLowerCase())) throw refuse.duplicate(t);
    seen.add(t.Key.toLowerCase());
  }
  return seen;
}
