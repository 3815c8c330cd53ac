// Completion scripts for bash, zsh and fish, generated from the commander
// program itself so that new verbs complete without a change here. Session
// names and IDs come live from the hidden `kojo _sessions` verb, which never
// starts a daemon and prints nothing when none runs.

export interface CompletionModel {
  /** Verbs with their one-line descriptions. */
  commands: Array<{ name: string; description: string }>;
  /** Verbs whose first argument is a session. */
  sessionCommands: string[];
  /** Fixed words for a verb's first argument (tools for `new`, actions for `daemon`…). */
  words: Record<string, string[]>;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const SESSIONS = 'kojo _sessions 2>/dev/null';

export function completionScript(shell: Shell, model: CompletionModel): string {
  if (shell === 'bash') return bash(model);
  if (shell === 'zsh') return zsh(model);
  return fish(model);
}

function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bash(model: CompletionModel): string {
  const cases = Object.entries(model.words)
    .map(([verb, words]) => `    ${verb}) [ "$COMP_CWORD" -eq 2 ] && words=${singleQuoted(words.join(' '))} ;;`)
    .join('\n');
  return `# kojo completion for bash. Load it with: source <(kojo completion bash)
_kojo() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    words=${singleQuoted(model.commands.map((c) => c.name).join(' ') + ' --help --version')}
  else
    case \${COMP_WORDS[1]} in
    ${model.sessionCommands.join('|')}) [ "$COMP_CWORD" -eq 2 ] && words=$(${SESSIONS}) ;;
${cases}
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _kojo kojo
`;
}

function zsh(model: CompletionModel): string {
  const described = model.commands
    .map((c) => `    ${singleQuoted(`${c.name}:${c.description.replace(/:/g, '\\:')}`)}`)
    .join('\n');
  const cases = Object.entries(model.words)
    .map(([verb, words]) => `    ${verb}) (( CURRENT == 3 )) && compadd -- ${words.map(singleQuoted).join(' ')} ;;`)
    .join('\n');
  return `#compdef kojo
# kojo completion for zsh. Load it with: source <(kojo completion zsh)   (after compinit)
_kojo() {
  local -a commands sessions
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'kojo command' commands
    return
  fi
  case $words[2] in
    ${model.sessionCommands.join('|')})
      if (( CURRENT == 3 )); then
        sessions=(\${(f)"$(${SESSIONS})"})
        compadd -a sessions
      fi ;;
${cases}
  esac
}
if (( $+functions[compdef] )); then compdef _kojo kojo; fi
`;
}

function fish(model: CompletionModel): string {
  const lines = [
    '# kojo completion for fish. Load it with: kojo completion fish | source',
    'complete -c kojo -f',
    ...model.commands.map(
      (c) => `complete -c kojo -n __fish_use_subcommand -a ${c.name} -d ${singleQuoted(c.description)}`,
    ),
    `complete -c kojo -n ${singleQuoted(`__fish_seen_subcommand_from ${model.sessionCommands.join(' ')}; and test (count (commandline -opc)) -eq 2`)} -a ${singleQuoted(`(${SESSIONS})`)}`,
    ...Object.entries(model.words).map(
      ([verb, words]) =>
        `complete -c kojo -n ${singleQuoted(`__fish_seen_subcommand_from ${verb}; and test (count (commandline -opc)) -eq 2`)} -a ${singleQuoted(words.join(' '))}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
