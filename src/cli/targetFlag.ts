/** `--target NAME` (repeatable) of plan, apply, destroy and verify: the names, once each, in the order given. */
export function targetsFlag(values: { target?: string | string[] | undefined }): { targets?: string[] } {
  const raw = values.target;
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  const names = [...new Set(list)];
  return names.length ? { targets: names } : {};
}
