import { fileURLToPath } from "node:url";

/** The CLI entry that a detached child runs (bin/xirsa.js when run from the package). */
export function cliEntry(): string {
  const argv1 = process.argv[1];
  if (argv1 && /xirsa(\.js)?$/.test(argv1)) return argv1;
  return fileURLToPath(new URL("../../../../bin/xirsa.js", import.meta.url));
}
