import type { Command } from 'commander';
import { connectDaemon } from '../client.js';
import { CliError } from '../output.js';
import { PlainText, lastLineBytes, lastLines } from '../plainText.js';
import { openStream } from '../stream.js';
import { exitStatusOf } from './wait.js';

interface LogsOptions {
  follow?: boolean;
  raw?: boolean;
  tail?: string;
}

export function register(program: Command): void {
  program
    .command('logs')
    .description(
      "print a session's recorded output as text (the output log when `output-log` is on, else the last 1 MB)",
    )
    .argument('<session>', 'ID, unique ID prefix, or name')
    .option('-f, --follow', 'keep printing new output until the session ends (exit status: its code)')
    .option('--raw', 'the bytes as the program wrote them, escapes included')
    .option('--tail <lines>', 'only the last N lines of what was recorded')
    .addHelpText(
      'after',
      '\nExamples:\n  kojo logs api\n  kojo logs -f api\n  kojo logs api --raw > api.out\n  kojo logs api --tail 50',
    )
    .action(async (ref: string, options: LogsOptions) => {
      const tail = options.tail === undefined ? undefined : Number(options.tail);
      if (tail !== undefined && (!Number.isSafeInteger(tail) || tail < 0)) {
        throw new CliError(`--tail takes a number of lines, not "${options.tail}"`, 2);
      }
      const follow = options.follow ?? false;
      const { socket, result, rest } = await openStream('session.logs', { session: ref, follow });
      const text = options.raw ? undefined : new PlainText();
      const out = (data: Buffer | string): void => {
        if (data.length > 0 && !process.stdout.write(data)) {
          socket.pause();
          process.stdout.once('drain', () => socket.resume());
        }
      };
      const convert = (bytes: Buffer): Buffer | string => (text ? text.push(bytes) : bytes);

      let recordedLeft = result.recorded;
      const held: Buffer[] = [];
      const recordedDone = (): void => {
        if (tail === undefined) return;
        const all = Buffer.concat(held);
        out(text ? lastLines(text.push(all), tail) : lastLineBytes(all, tail));
      };
      const onData = (chunk: Buffer): void => {
        if (recordedLeft > 0) {
          const part = chunk.subarray(0, recordedLeft);
          recordedLeft -= part.length;
          chunk = chunk.subarray(part.length);
          // With --tail the recorded part is needed whole; otherwise it streams through.
          if (tail === undefined) out(convert(part));
          else held.push(part);
          if (recordedLeft === 0) recordedDone();
        }
        if (chunk.length > 0) out(convert(chunk));
      };
      if (recordedLeft === 0) recordedDone();

      await new Promise<void>((resolve) => {
        socket.on('data', onData);
        socket.on('close', () => resolve());
        if (rest.length) onData(rest);
        socket.resume();
      });
      if (text) out(text.end());
      if (recordedLeft > 0) throw new CliError('lost connection to the kojo daemon');
      if (follow) process.exitCode = await howItEnded(result.id);
    });
}

/** The stream ended: the session did (its code), or the daemon went away (1). */
async function howItEnded(id: string): Promise<number> {
  let info;
  try {
    const client = await connectDaemon({ autostart: false });
    info = await client.call('session.get', { session: id });
    client.close();
  } catch {
    throw new CliError('lost connection to the kojo daemon');
  }
  if (info.status === 'exited') return exitStatusOf(info);
  throw new CliError(`the daemon ended the stream of ${id}`);
}
