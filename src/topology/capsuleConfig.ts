/**
 * Who is a Capsule user, in both forms a CapsuleConfiguration holds it (pure). Since Capsule 0.12
 * `spec.users` lists `{kind: User|Group|ServiceAccount, name}` (projectcapsule/capsule
 * api/v1beta2/capsuleconfiguration_types.go, pkg/api/rbac/users.go) and the chart's default is
 * `[{kind: Group, name: projectcapsule.dev}]` (charts/capsule/values.yaml `manager.options.users`);
 * `spec.userGroups` / `spec.userNames` are deprecated but still honoured: Capsule appends the Group (User)
 * entries of `users` to them (pkg/runtime/configuration/client.go `UserGroups()`, `UserNames()`). Before 0.12
 * only `userGroups` existed, defaulting to `capsule.clastix.io`.
 */
import type { Json, JsonObject, KubeObject } from "../state/index.js";

export type CapsuleUsersForm = "users" | "userGroups";
export const CAPSULE_USERS_FORMS: readonly CapsuleUsersForm[] = ["users", "userGroups"];

/** Capsule's own default user group in each form (kept when xirsa creates the object). */
export const CAPSULE_DEFAULT_GROUP: Record<CapsuleUsersForm, string> = {
  users: "projectcapsule.dev",
  userGroups: "capsule.clastix.io",
};

const isMap = (v: unknown): v is Record<string, Json> => !!v && typeof v === "object" && !Array.isArray(v);
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];

function specOf(obj: KubeObject | JsonObject): Record<string, Json> {
  return isMap(obj.spec) ? obj.spec : {};
}

function usersOfKind(spec: Record<string, Json>, kinds: string[]): string[] {
  const users = Array.isArray(spec.users) ? spec.users : [];
  return users
    .filter(isMap)
    .filter((u) => typeof u.kind === "string" && kinds.includes(u.kind) && typeof u.name === "string")
    .map((u) => u.name as string);
}

/** Groups whose members are Capsule users: `userGroups` plus `users` of kind Group, as Capsule merges them. */
export function capsuleUserGroups(obj: KubeObject | JsonObject): string[] {
  const spec = specOf(obj);
  return [...new Set([...strs(spec.userGroups), ...usersOfKind(spec, ["Group"])])];
}

/** User names (and ServiceAccount user names) that are Capsule users: `userNames` plus `users` of those kinds. */
export function capsuleUserNames(obj: KubeObject | JsonObject): string[] {
  const spec = specOf(obj);
  return [...new Set([...strs(spec.userNames), ...usersOfKind(spec, ["User", "ServiceAccount"])])];
}

/**
 * The form an installed CapsuleConfiguration uses: `users` when it has that list (Capsule >= 0.12; its chart
 * always writes it), else `userGroups` when it has that one, else undefined (nothing to go by).
 */
export function capsuleUsersFormOf(obj: KubeObject | JsonObject): CapsuleUsersForm | undefined {
  const spec = specOf(obj);
  if (Array.isArray(spec.users)) return "users";
  if (Array.isArray(spec.userGroups)) return "userGroups";
  return undefined;
}

/** The spec listing `groups` in `form`. */
export function capsuleUsersSpec(form: CapsuleUsersForm, groups: string[]): JsonObject {
  return form === "users"
    ? { users: groups.map((name) => ({ kind: "Group", name })) }
    : { userGroups: [...groups] };
}

/**
 * A desired CapsuleConfiguration rewritten in another form: the same groups of xirsa, with the default group
 * of the form it is written in (the other form's default is dropped, it belongs to another Capsule version).
 */
export function inCapsuleUsersForm(obj: KubeObject, form: CapsuleUsersForm): KubeObject {
  if (capsuleUsersFormOf(obj) === form) return obj;
  const defaults = new Set(Object.values(CAPSULE_DEFAULT_GROUP));
  const own = capsuleUserGroups(obj).filter((g) => !defaults.has(g));
  const { users: _u, userGroups: _g, ...rest } = specOf(obj);
  return { ...obj, spec: { ...rest, ...capsuleUsersSpec(form, [CAPSULE_DEFAULT_GROUP[form], ...own]) } };
}
