/**
 * `ileap completion bash|zsh|fish`: shell completion scripts generated from the command tree, so
 * that every registered command (also those added later) completes.
 * @module
 */
import type { Command, Option } from "commander";
import type { CliContext } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";

/** A command of the tree, flattened. */
interface Node {
  /** Space-separated path below the root (`""` for the root, `auth login`). */
  readonly path: string;
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly {
    readonly flags: string[];
    readonly description: string;
    readonly takesValue: boolean;
  }[];
  /** Whether the command takes positional arguments (files are then completed). */
  readonly takesArguments: boolean;
}

function optionsOf(cmd: Command): Node["options"] {
  const visible = cmd.options.filter((o: Option) => !o.hidden);
  return [
    ...visible.map((o: Option) => ({
      flags: [o.short, o.long].filter((f): f is string => typeof f === "string"),
      description: o.description,
      takesValue: o.required || o.optional,
    })),
    { flags: ["-h", "--help"], description: "display help", takesValue: false },
  ];
}

/** Every command of the tree, depth first. */
export function commandTree(root: Command): Node[] {
  const nodes: Node[] = [];
  const visit = (cmd: Command, path: string) => {
    const subs = cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
    nodes.push({
      path,
      subcommands: subs.map((c) => ({ name: c.name(), description: c.description() })),
      options: optionsOf(cmd),
      takesArguments: cmd.registeredArguments.length > 0,
    });
    for (const c of subs) visit(c, path ? `${path} ${c.name()}` : c.name());
  };
  visit(root, "");
  return nodes;
}

function shQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** Bash: `complete -F` with the words of the command path typed so far. */
export function bashCompletion(root: Command): string {
  const name = root.name();
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, "_")}_complete`;
  const nodes = commandTree(root);
  const paths = nodes.filter((n) => n.path !== "").map((n) => shQuote(n.path));
  const cases = nodes
    .map((n) => {
      const words = [...n.subcommands.map((s) => s.name), ...n.options.flatMap((o) => o.flags)].join(" ");
      return `    ${shQuote(n.path)}) words=${shQuote(words)}; files=${n.takesArguments ? 1 : 0} ;;`;
    })
    .join("\n");
  return `# bash completion for ${name}; load with: source <(${name} completion bash)
${fn}() {
  local cur cmdpath="" candidate w i words files
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    candidate="\${cmdpath:+$cmdpath }$w"
    case "$candidate" in
      ${paths.join("|")}) cmdpath="$candidate" ;;
    esac
  done
  case "$cmdpath" in
${cases}
    *) words=""; files=1 ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  if [[ \${#COMPREPLY[@]} -eq 0 && $files -eq 1 ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F ${fn} ${name}
`;
}

function zshItem(name: string, description: string): string {
  return shQuote(`${name.replaceAll(":", "\\:")}:${description.replace(/\s+/g, " ")}`);
}

/** Zsh: a `compdef` function with descriptions. */
export function zshCompletion(root: Command): string {
  const name = root.name();
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
  const nodes = commandTree(root);
  const paths = nodes.filter((n) => n.path !== "").map((n) => shQuote(n.path));
  const cases = nodes
    .map((n) => {
      const cmds = n.subcommands.map((s) => zshItem(s.name, s.description)).join(" ");
      const opts = n.options.flatMap((o) => o.flags.map((f) => zshItem(f, o.description))).join(" ");
      return `    (${shQuote(n.path)}) cmds=(${cmds}); opts=(${opts}); files=${n.takesArguments ? 1 : 0} ;;`;
    })
    .join("\n");
  return `#compdef ${name}
# zsh completion for ${name}; load with: source <(${name} completion zsh)  (after compinit)
${fn}() {
  local cmdpath="" candidate w i files=1
  local -a cmds opts
  for (( i = 2; i < CURRENT; i++ )); do
    w=\${words[i]}
    [[ $w == -* ]] && continue
    candidate="\${cmdpath:+$cmdpath }$w"
    case "$candidate" in
      (${paths.join("|")}) cmdpath="$candidate" ;;
    esac
  done
  case "$cmdpath" in
${cases}
  esac
  if [[ \${words[CURRENT]} == -* ]]; then
    _describe -t options 'option' opts
  elif (( \${#cmds} )); then
    _describe -t commands 'command' cmds
  elif (( files )); then
    _files
  fi
}
compdef ${fn} ${name}
`;
}

function fishQuote(s: string): string {
  return `'${s.replace(/\s+/g, " ").replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** Fish: `complete -c` lines with conditions on the subcommands seen. */
export function fishCompletion(root: Command): string {
  const name = root.name();
  const lines = [
    `# fish completion for ${name}; load with: ${name} completion fish | source`,
    `complete -c ${name} -e`,
  ];
  for (const node of commandTree(root)) {
    const parts = node.path === "" ? [] : node.path.split(" ");
    const seen = parts.map((p) => `__fish_seen_subcommand_from ${p}`);
    const subNames = node.subcommands.map((s) => s.name);
    const here =
      parts.length === 0
        ? "__fish_use_subcommand"
        : [
            ...seen,
            ...(subNames.length ? [`not __fish_seen_subcommand_from ${subNames.join(" ")}`] : []),
          ].join("; and ");
    for (const sub of node.subcommands) {
      lines.push(
        `complete -c ${name} -f -n ${fishQuote(here)} -a ${sub.name} -d ${fishQuote(sub.description)}`,
      );
    }
    for (const opt of node.options) {
      const flags = opt.flags
        .map((f) => (f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`))
        .join(" ");
      lines.push(
        `complete -c ${name} -n ${fishQuote(here)} ${flags}${opt.takesValue ? " -r" : ""} -d ${fishQuote(opt.description)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

/** Registers `completion`. */
export function registerCompletionCommand(program: Command, ctx: CliContext): void {
  program
    .command("completion")
    .description("print a shell completion script (bash, zsh or fish)")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      `
Examples:
  $ source <(ileap completion bash)                          # bash, this session
  $ ileap completion bash > ~/.local/share/bash-completion/completions/ileap
  $ ileap completion zsh > "\${fpath[1]}/_ileap"               # zsh, then restart the shell
  $ ileap completion fish > ~/.config/fish/completions/ileap.fish`,
    )
    .action((shell: string) => {
      const generate = Object.hasOwn(SHELLS, shell) ? SHELLS[shell as keyof typeof SHELLS] : undefined;
      if (generate === undefined)
        throw new CliError(`unsupported shell ${JSON.stringify(shell)}: use bash, zsh or fish`, EXIT.usage);
      let root: Command = program;
      while (root.parent) root = root.parent;
      ctx.term.stdout.write(generate(root));
    });
}
