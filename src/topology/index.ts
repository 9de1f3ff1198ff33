export * from "../names/index.js";
export * from "./boundary.js";
export {
  type CapsuleUsersForm,
  capsuleUserGroups,
  capsuleUserNames,
  capsuleUsersFormOf,
  inCapsuleUsersForm,
} from "./capsuleConfig.js";
export * from "./desired.js";
export * from "./objects.js";
export * from "./policies.js";
export { sandboxSpecOf } from "./sandboxSpec.js";
