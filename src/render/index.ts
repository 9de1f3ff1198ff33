export { type Manifest, type RenderOptions, renderBundle, renderWarnings, sha256 } from "./bundle.js";
export * from "./ids.js";
export { PARTS, type Part } from "./layout.js";
export { type LoadedBundle, loadBundle, parseBundle, readBundleFiles } from "./load.js";
export { renderTerraformImports } from "./terraform.js";
export { writeBundle } from "./write.js";
