export * from "./boundary.js";
export * from "./desired.js";
export * from "./names.js";
export * from "./objects.js";
export * from "./policies.js";
