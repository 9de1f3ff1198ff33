/** JSON paths for error messages: `Statement[1].Condition.StringEquals["aws:SourceIp"]`. */

export const ROOT = "(document)";

export function child(path: string, key: string): string {
  const safe = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
  if (path === ROOT || path === "") return safe ? key : `[${JSON.stringify(key)}]`;
  return safe ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
