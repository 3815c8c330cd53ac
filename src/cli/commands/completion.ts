import type { Command } from 'commander';
import { socketPathProblem, statePaths } from '../../shared/paths.js';
import { TOOL_NAMES } from '../../shared/protocol/session.js';
import { DaemonClient, tryConnect } from '../client.js';
import { CliError } from '../output.js';
import { SHELLS, completionScript, type CompletionModel, type Shell } from '../completionScripts.js';

/** How long the hidden verb waits for a daemon that does not answer. */
const LIST_TIMEOUT_MS = 2000;

function modelOf(program: Command): CompletionModel {
  const visible = program.createHelp().visibleCommands(program);
  const words: Record<string, string[]> = { new: [...TOOL_NAMES], completion: [...SHELLS] };
  for (const command of visible) {
    const subcommands = command.commands.map((c) => c.name());
    if (subcommands.length > 0) words[command.name()] = subcommands;
  }
  return {
    commands: visible.map((c) => ({ name: c.name(), description: c.description() })),
    sessionCommands: visible.filter((c) => c.registeredArguments[0]?.name() === 'session').map((c) => c.name()),
    words,
  };
}

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (session names and IDs complete live)')
    .argument('<shell>', SHELLS.join(', '))
    .addHelpText(
      'after',
      '\nExamples:\n  source <(kojo completion bash)    # in ~/.bashrc\n  source <(kojo completion zsh)     # in ~/.zshrc, after compinit\n  kojo completion fish | source     # in ~/.config/fish/config.fish',
    )
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new CliError(`unknown shell "${shell}" (${SHELLS.join(', ')})`, 2);
      }
      process.stdout.write(completionScript(shell as Shell, modelOf(program)));
    });

  // For the completion scripts: names and IDs, one a line. Never starts a
  // daemon, never prints an error into the user's shell.
  program
    .command('_sessions', { hidden: true })
    .description('list session names and IDs for completion')
    .action(async () => {
      try {
        const paths = statePaths();
        if (socketPathProblem(paths)) return;
        const socket = await tryConnect(paths.socket);
        if (!socket) return;
        const client = new DaemonClient(socket);
        const timer = setTimeout(() => client.close(), LIST_TIMEOUT_MS);
        const sessions = await client.call('session.list', {});
        clearTimeout(timer);
        client.close();
        const words = sessions.flatMap((s) => (s.name ? [s.name, s.id] : [s.id]));
        process.stdout.write(words.map((w) => w + '\n').join(''));
      } catch {
        // Nothing to offer.
      }
    });
}
