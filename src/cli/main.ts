import { Command, CommanderError } from 'commander';
import { KOJO_VERSION } from '../shared/version.js';
import { CliError, USAGE_ERROR } from './output.js';
import { describeUnwrapped, isSystemError } from '../shared/systemError.js';
import { closeAllClients } from './client.js';
import { register as registerNew } from './commands/new.js';
import { register as registerLs } from './commands/ls.js';
import { register as registerAttach } from './commands/attach.js';
import { register as registerLifecycle } from './commands/lifecycle.js';
import { register as registerYolo } from './commands/yolo.js';
import { register as registerTmux } from './commands/tmux.js';
import { register as registerAttachments } from './commands/attachments.js';
import { register as registerTools } from './commands/tools.js';
import { register as registerConfig } from './commands/config.js';
import { register as registerDaemon } from './commands/daemon.js';
import { register as registerSend } from './commands/send.js';
import { register as registerCapture } from './commands/capture.js';
import { register as registerLogs } from './commands/logs.js';
import { register as registerWait } from './commands/wait.js';
import { register as registerCompletion } from './commands/completion.js';
import { register as registerInstall } from './commands/install.js';
import { register as registerHook } from './commands/hook.js';
import { register as registerEvents } from './commands/events.js';
import { register as registerSystem } from './commands/system.js';
import { selectHost } from './remote/transport.js';
import { register as registerTop } from './commands/top.js';

function buildProgram(): Command {
  const program = new Command('kojo')
    .description('Run AI coding CLIs and terminals as sessions that outlive your shell; attach from anywhere.')
    .version(KOJO_VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      outputError: (message, write) => write(`kojo: ${message.replace(/^error: /, '')}`),
    })
    .exitOverride()
    .option(
      '--host <url>',
      'the daemon on another machine, through ssh: ssh://[user@]host[:port][/state-dir] (or KOJO_HOST)',
    )
    .hook('preAction', (command) => selectHost(command.opts<{ host?: string }>().host));
  for (const register of [
    registerNew,
    registerLs,
    registerAttach,
    registerLifecycle,
    registerYolo,
    registerTmux,
    registerAttachments,
    registerTools,
    registerConfig,
    registerDaemon,
    registerSend,
    registerCapture,
    registerLogs,
    registerWait,
    registerCompletion,
    registerInstall,
    registerHook,
    registerEvents,
    registerSystem,
    registerTop,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end normally; anything else is a usage error.
      process.exitCode = error.exitCode === 0 ? 0 : USAGE_ERROR;
      return;
    }
    if (error instanceof CliError) {
      if (error.message) process.stderr.write(`kojo: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    // An OS error nobody phrased: still one line that says what failed and why.
    const message = isSystemError(error) ? describeUnwrapped(error) : ((error as Error).message ?? String(error));
    process.stderr.write(`kojo: ${message}\n`);
    process.exitCode = 1;
  } finally {
    closeAllClients();
  }
}

// `kojo ls | head`: a closed pipe ends the command quietly, as it would a shell tool.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void main(process.argv);
