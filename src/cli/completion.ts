/**
 * `xirsa completion bash|zsh|fish`: completion scripts made from the commands' own usage texts (their flags)
 * and the subcommand table, so that they cannot drift from what the commands accept.
 */
import { InputError } from "../errors.js";
import { didYouMean } from "../text/index.js";
import type { Command } from "./command.js";
import { SUBCOMMANDS } from "./help.js";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

const GLOBAL = ["--config", "--output", "--yes", "--no-color", "--debug", "--help"];

interface Spec {
  name: string;
  summary: string;
  subcommands: string[];
  flags: string[];
}

export function specs(commands: Command[]): Spec[] {
  const extra: Command[] = [
    { name: "version", summary: "print xirsa's version", usage: "", run: async () => 0 },
    { name: "completion", summary: "print a shell completion script", usage: "", run: async () => 0 },
  ];
  return [...commands, ...extra].map((c) => ({
    name: c.name,
    summary: c.summary,
    subcommands: Object.keys(SUBCOMMANDS[c.name] ?? {}),
    flags: [...new Set(c.usage.match(/--[a-z][a-z0-9-]*/g) ?? [])].sort(),
  }));
}

function bash(all: Spec[]): string {
  const cases = all
    .map((s) => `    ${s.name}) subs="${s.subcommands.join(" ")}"; flags="${s.flags.join(" ")}" ;;`)
    .join("\n");
  return `# bash completion for xirsa: source <(xirsa completion bash)
_xirsa() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd="" i subs="" flags=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) ;; *) cmd=\${COMP_WORDS[i]}; break ;; esac
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "${all.map((s) => s.name).join(" ")} ${GLOBAL.join(" ")}" -- "$cur"))
    return
  fi
  case $cmd in
${cases}
  esac
  if [[ $cur == -* || -z $subs || $COMP_CWORD -gt $((i + 1)) ]]; then
    COMPREPLY=($(compgen -W "$flags ${GLOBAL.join(" ")}" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -o default -F _xirsa xirsa
`;
}

function zsh(all: Spec[]): string {
  const quote = (s: string) => s.replace(/'/g, "'\\''").replace(/:/g, "\\:");
  const commands = all.map((s) => `    '${s.name}:${quote(s.summary)}'`).join("\n");
  const cases = all
    .map(
      (s) =>
        `    ${s.name}) ${s.subcommands.length ? `(( CURRENT == 3 )) && { compadd -- ${s.subcommands.join(" ")}; return }; ` : ""}compadd -- ${[...s.flags, ...GLOBAL].join(" ")} ;;`,
    )
    .join("\n");
  return `#compdef xirsa
# zsh completion for xirsa: xirsa completion zsh > "\${fpath[1]}/_xirsa"
_xirsa() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'xirsa command' commands
    return
  fi
  case $words[2] in
${cases}
  esac
}
_xirsa "$@"
`;
}

function fish(all: Spec[]): string {
  const esc = (s: string) => s.replace(/'/g, "\\'");
  const lines = [
    "# fish completion for xirsa: xirsa completion fish > ~/.config/fish/completions/xirsa.fish",
    "complete -c xirsa -f",
    ...all.map((s) => `complete -c xirsa -n __fish_use_subcommand -a ${s.name} -d '${esc(s.summary)}'`),
  ];
  for (const s of all) {
    for (const sub of s.subcommands) {
      lines.push(
        `complete -c xirsa -n '__fish_seen_subcommand_from ${s.name}' -a ${sub} -d '${esc(SUBCOMMANDS[s.name]![sub]!)}'`,
      );
    }
    for (const f of [...s.flags, ...GLOBAL]) {
      lines.push(`complete -c xirsa -n '__fish_seen_subcommand_from ${s.name}' -l ${f.slice(2)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const RENDER: Record<Shell, (all: Spec[]) => string> = { bash, zsh, fish };

export function completionScript(shell: string | undefined, commands: Command[]): string {
  if (shell === undefined || !(SHELLS as readonly string[]).includes(shell)) {
    throw new InputError(
      "cli.flags",
      shell === undefined
        ? "which shell? bash, zsh or fish"
        : `unknown shell '${shell}'${didYouMean(shell, SHELLS)}; bash, zsh or fish`,
      "e.g. source <(xirsa completion bash)",
    );
  }
  return RENDER[shell as Shell](specs(commands));
}
