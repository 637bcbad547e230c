// `fe80 completion bash|zsh|fish`: a completion script built from every command's options, so
// it never lists an option a command does not have. Interface names are completed from the
// running system (/sys/class/net, or `ifconfig -l` where there is no sysfs).
import { defineCommand, EXIT, parse, UsageError, type Command, type Io } from '../command.js';
import type { OptionSpec } from '../args.js';
import { known } from '../known.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

const command = defineCommand({
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh or fish)',
  synopsis: ['bash|zsh|fish'],
  description: `Prints the completion script for the shell: subcommands, every option of each (with its
description in zsh and fish), interface names for --zone and --interface, and files for options
that take a file. Load it once per shell, or install it where the shell looks for completions.`,
  options: {},
  exit: [
    ['0', 'the script was printed'],
    ['2', 'usage error (no shell, or one fe80 has no script for)'],
  ],
  examples: [
    '$ eval "$(fe80 completion bash)"            # ~/.bashrc',
    '$ fe80 completion bash > /etc/bash_completion.d/fe80',
    '$ fe80 completion zsh > "${fpath[1]}/_fe80"  # then: autoload -U compinit && compinit',
    '$ fe80 completion fish > ~/.config/fish/completions/fe80.fish',
  ],
  seeAlso: 'fe80 help',
  run,
});

export default command;

interface Described {
  name: string;
  summary: string;
  options: [string, OptionSpec][];
  /** what the positional arguments are */
  positional: 'interface' | 'command' | 'shell' | 'file' | 'none';
}

const POSITIONAL: Record<string, Described['positional']> = { ifindex: 'interface', interfaces: 'interface', completion: 'shell', parse: 'none' };

async function describeAll(): Promise<Described[]> {
  const out: Described[] = [];
  for (const [name, entry] of Object.entries(known.commands)) {
    let loaded: Command | undefined;
    try {
      loaded = (await entry.load()).default;
    } catch {
      loaded = undefined; // a command that cannot load still gets its name completed
    }
    const options: [string, OptionSpec][] = Object.entries(loaded?.options ?? {}).filter(([, s]) => s.hidden !== true);
    options.push(['help', { type: 'boolean', short: 'h', description: 'show the options' }]);
    out.push({ name, summary: entry.summary, options, positional: POSITIONAL[name] ?? 'none' });
  }
  return out;
}

const IFACES = 'command ls /sys/class/net 2>/dev/null || ifconfig -l 2>/dev/null | tr " " "\\n"';

function flags(name: string, spec: OptionSpec): string[] {
  return [`--${name}`, ...(spec.aliases ?? []).map((a) => `--${a}`), ...(spec.short === undefined ? [] : [`-${spec.short}`])];
}

function bash(commands: Described[]): string {
  const valueCases: string[] = [];
  const optionCases: string[] = [];
  for (const c of commands) {
    const all: string[] = [];
    for (const [name, spec] of c.options) {
      const f = flags(name, spec);
      all.push(...f.filter((x) => x.startsWith('--')), ...f.filter((x) => !x.startsWith('--')));
      if (spec.type !== 'string') continue;
      const words = f.map((x) => `"${c.name} ${x}"`).join('|');
      const action =
        spec.complete === 'file' ? 'COMPREPLY=($(compgen -f -- "$cur"))'
        : spec.complete === 'interface' ? `COMPREPLY=($(compgen -W "${name === 'zone' ? 'auto ' : ''}$(_fe80_interfaces)" -- "$cur"))`
        : Array.isArray(spec.complete) ? `COMPREPLY=($(compgen -W "${(spec.complete as readonly string[]).join(' ')}" -- "$cur"))`
        : 'COMPREPLY=()';
      valueCases.push(`    ${words}) ${action}; return ;;`);
    }
    const positional =
      c.positional === 'interface' ? 'COMPREPLY=($(compgen -W "$(_fe80_interfaces)" -- "$cur"))'
      : c.positional === 'shell' ? 'COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur"))'
      : 'COMPREPLY=()';
    optionCases.push(`    ${c.name}) opts="${all.join(' ')}"; positional='${positional.replace(/'/g, `'\\''`)}' ;;`);
  }
  return `# bash completion for fe80: eval "$(fe80 completion bash)", or save as /etc/bash_completion.d/fe80
_fe80_interfaces() { ${IFACES}; }
_fe80() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} opts positional
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} help --version" -- "$cur")); return
  fi
  local cmd=\${COMP_WORDS[1]}
  if [ "$cmd" = help ]; then COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur")); return; fi
  case "$cmd $prev" in
${valueCases.join('\n')}
  esac
  case "$cmd" in
${optionCases.join('\n')}
    *) return ;;
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else eval "$positional"; fi
}
complete -F _fe80 fe80
`;
}

function zshEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, `'\\''`).replace(/[[\]:]/g, (c) => `\\${c}`);
}

function zsh(commands: Described[]): string {
  const list = commands.map((c) => `    '${c.name}:${zshEscape(c.summary)}'`).join('\n');
  const cases = commands.map((c) => {
    const specs: string[] = [];
    for (const [name, spec] of c.options) {
      const desc = zshEscape(spec.description ?? '');
      const action =
        spec.type === 'boolean' ? ''
        : spec.complete === 'file' ? `:${zshEscape(spec.value ?? 'FILE')}:_files`
        : spec.complete === 'interface' ? `:${zshEscape(spec.value ?? 'IFACE')}:_fe80_interfaces${name === 'zone' ? '_auto' : ''}`
        : Array.isArray(spec.complete) ? `:${zshEscape(spec.value ?? 'VALUE')}:(${(spec.complete as readonly string[]).join(' ')})`
        : `:${zshEscape(spec.value ?? 'VALUE')}: `;
      const repeat = spec.multiple ? '*' : '';
      for (const f of flags(name, spec)) specs.push(`'${repeat}${f}[${desc}]${action}'`);
    }
    const positional = c.positional === 'interface' ? `'*:interface:_fe80_interfaces'` : c.positional === 'shell' ? `'1:shell:(bash zsh fish)'` : `'*: :_default'`;
    return `    ${c.name}) _arguments -S \\\n      ${[...specs, positional].join(' \\\n      ')} ;;`;
  });
  return `#compdef fe80
# zsh completion for fe80: save as _fe80 in a directory of $fpath, or: source <(fe80 completion zsh)
_fe80_interfaces() { local -a names; names=(\${(f)"$(${IFACES})"}); _describe -t interfaces interface names; }
_fe80_interfaces_auto() { local -a names; names=(auto \${(f)"$(${IFACES})"}); _describe -t interfaces interface names; }
_fe80() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then _describe -t commands command commands; return; fi
  local cmd=$words[2]
  shift words; (( CURRENT-- ))
  case $cmd in
    help) _describe -t commands command commands ;;
${cases.join('\n')}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _fe80 "$@"; else compdef _fe80 fe80; fi
`;
}

function fishEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

function fish(commands: Described[]): string {
  const lines = [
    '# fish completion for fe80: save as ~/.config/fish/completions/fe80.fish',
    `function __fe80_interfaces; ${IFACES}; end`,
    'complete -c fe80 -f',
    ...commands.map((c) => `complete -c fe80 -n __fish_use_subcommand -a ${c.name} -d '${fishEscape(c.summary)}'`),
    `complete -c fe80 -n '__fish_seen_subcommand_from help' -a '${commands.map((c) => c.name).join(' ')}'`,
  ];
  for (const c of commands) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const [name, spec] of c.options) {
      const parts = [`complete -c fe80 ${when}`, `-l ${name}`];
      if (spec.short !== undefined) parts.push(`-s ${spec.short === '#' ? "'#'" : spec.short}`);
      if (spec.type === 'string') {
        if (spec.complete === 'file') parts.push('-r -F');
        else if (spec.complete === 'interface') parts.push(`-x -a '${name === 'zone' ? 'auto ' : ''}(__fe80_interfaces)'`);
        else if (Array.isArray(spec.complete)) parts.push(`-x -a '${(spec.complete as readonly string[]).join(' ')}'`);
        else parts.push('-x');
      }
      parts.push(`-d '${fishEscape(spec.description ?? '')}'`);
      lines.push(parts.join(' '));
      for (const alias of spec.aliases ?? []) lines.push(`complete -c fe80 ${when} -l ${alias}${spec.type === 'string' ? ' -x' : ''} -d '${fishEscape(spec.description ?? '')}'`);
    }
    if (c.positional === 'interface') lines.push(`complete -c fe80 ${when} -a '(__fe80_interfaces)'`);
    if (c.positional === 'shell') lines.push(`complete -c fe80 ${when} -a 'bash zsh fish'`);
  }
  return `${lines.join('\n')}\n`;
}

async function run(args: string[], io: Io): Promise<number> {
  const { positionals } = parse(args, {});
  const shell = positionals[0];
  if (positionals.length !== 1 || !SHELLS.includes(shell as Shell)) {
    throw new UsageError(`expected one shell: bash, zsh or fish${shell === undefined ? '' : `, got ${JSON.stringify(shell.slice(0, 20))}`}`);
  }
  const commands = await describeAll();
  io.stdout.write(shell === 'bash' ? bash(commands) : shell === 'zsh' ? zsh(commands) : fish(commands));
  return EXIT.OK;
}
