/**
 * Text for a terminal: identifiers shortened to what a reader recognises (a role's name, not its ARN; the
 * first 8 hex digits of an EKS cluster or issuer id), and words wrapped to a width with a hanging indent.
 * Machine outputs (JSON, SARIF) keep the full values; only the tables people read use these.
 */

/** A role or assumed-role ARN → the role's name; an OIDC provider ARN → oidc-provider/<issuer host and path>. */
export function shortenIds(s: string): string {
  return (
    s
      // arn:aws:sts::<acct>:assumed-role/<RoleName>/<session> (IAM role names: [\w+=,.@-], not ending a sentence)
      .replace(/arn:aws[\w-]*:sts::\d{12}:assumed-role\/([\w+=,.@-]*[\w+=,@-])\/[\w+=,.@-]*[\w+=,@-]/g, "$1")
      .replace(/arn:aws[\w-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]*[\w+=,@-])/g, "$1")
      .replace(/arn:aws[\w-]*:iam::\d{12}:oidc-provider\//g, "oidc-provider/")
      // EKS cluster ids (endpoint host, issuer path): 32 upper-case hex digits
      .replace(/\b([0-9A-F]{8})[0-9A-F]{16,}\b/g, "$1…")
  );
}

/** Length as a terminal shows it: ANSI colour codes take no column. */
export function visibleLength(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is stripped
  return [...s.replace(/\u001b\[[0-9;]*m/g, "")].length;
}

/** A word longer than `room`, cut after a `/`, `:` or `,` where it can be (else anywhere) into pieces that fit. */
function pieces(word: string, room: number): string[] {
  const out: string[] = [];
  let rest = word;
  while ([...rest].length > room && room > 8) {
    const head = [...rest].slice(0, room).join("");
    const cut = Math.max(head.lastIndexOf("/"), head.lastIndexOf(":"), head.lastIndexOf(","));
    const at = cut > room / 2 ? cut + 1 : head.length;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  return [...out, rest];
}

/** `word` cut after its last `/` (else `:` or `,`) within `room` columns, when that leaves a useful head. */
function cutAt(word: string, room: number): [string | undefined, string] {
  const head = [...word].slice(0, Math.max(0, room)).join("");
  const slash = head.lastIndexOf("/");
  const cut = slash >= 0 ? slash : Math.max(head.lastIndexOf(":"), head.lastIndexOf(","));
  return cut >= 8 ? [word.slice(0, cut + 1), word.slice(cut + 1)] : [undefined, word];
}

/**
 * Wraps `text` at spaces so that `firstPrefix + line` and `indent + line` fit in `width` columns. A word longer
 * than a line (an ARN, a path) is cut after a `/`, `:` or `,`.
 */
export function wrap(text: string, width: number, firstPrefix: string, indent: string): string[] {
  const out: string[] = [];
  let line = "";
  let prefix = firstPrefix;
  const room = width - visibleLength(indent);
  const words = text.split(" ").flatMap((w) => pieces(w, room));
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const fits = width - visibleLength(prefix);
    if (line === "" || visibleLength(line) + 1 + visibleLength(word) <= fits) {
      line = line === "" ? word : `${line} ${word}`;
      continue;
    }
    // A long path after a short word ("at …") is cut at a `/`, `:` or `,` rather than leaving the word alone on
    // its line; other words move whole (an ARN in a fix stays one piece to copy).
    const left = fits - visibleLength(line) - 1;
    const [head, tail] = visibleLength(line) <= 3 ? cutAt(word, left) : [undefined, word];
    out.push(prefix + (head ? `${line} ${head}` : line));
    prefix = indent;
    line = "";
    if (head) words.splice(i + 1, 0, ...pieces(tail, room));
    else line = tail;
  }
  out.push(prefix + line);
  return out;
}
