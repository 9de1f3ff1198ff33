export * from "../names/index.js";
export * from "./boundary.js";
export * from "./desired.js";
export * from "./objects.js";
export * from "./policies.js";
