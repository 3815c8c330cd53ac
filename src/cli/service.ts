// The service definitions `kojo daemon install` writes: a systemd user unit
// (Linux) or a launchd agent (macOS), running `kojo daemon run` with the
// absolute paths found at install time.
import os from 'node:os';
import path from 'node:path';
import { DAEMON_NODE_FLAGS } from '../shared/limits.js';

/** First line of every file install writes: uninstall removes only such a file. */
export const MARKER = 'Written by `kojo daemon install`';

export interface ServiceSpec {
  node: string;
  cli: string;
  /** Set only when the user set KOJO_HOME. */
  kojoHome?: string;
  path?: string;
}

export interface ServiceFile {
  file: string;
  content: string;
  kind: 'systemd' | 'launchd';
}

export const SYSTEMD_UNIT = 'kojo.service';
export const LAUNCHD_LABEL = 'dev.kojo.daemon';

export function serviceFile(spec: ServiceSpec, platform = process.platform, env = process.env): ServiceFile {
  if (platform === 'darwin') {
    return {
      kind: 'launchd',
      file: path.join(os.homedir(), 'Library/LaunchAgents', `${LAUNCHD_LABEL}.plist`),
      content: launchdPlist(spec),
    };
  }
  const config = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return { kind: 'systemd', file: path.join(config, 'systemd/user', SYSTEMD_UNIT), content: systemdUnit(spec) };
}

/** A word in a systemd command line or assignment: quoted, with `%` (specifiers) doubled. */
function systemdQuote(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/%/g, '%%')}"`;
}

export function systemdUnit(spec: ServiceSpec): string {
  const env = [
    ...(spec.kojoHome !== undefined ? [`Environment=${systemdQuote(`KOJO_HOME=${spec.kojoHome}`)}`] : []),
    ...(spec.path !== undefined ? [`Environment=${systemdQuote(`PATH=${spec.path}`)}`] : []),
  ];
  return [
    `# ${MARKER}; \`kojo daemon uninstall\` removes it.`,
    '[Unit]',
    'Description=kojo daemon: AI coding CLIs and terminals as long-lived sessions',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[spec.node, ...DAEMON_NODE_FLAGS, spec.cli, 'daemon', 'run'].map(systemdQuote).join(' ')}`,
    ...env,
    'Restart=on-failure',
    // tmux-backed sessions live in kojo's tmux server, a child of the daemon:
    // stopping or restarting the daemon must not take them down with it.
    'KillMode=process',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function launchdPlist(spec: ServiceSpec): string {
  const env: Array<[string, string]> = [];
  if (spec.kojoHome !== undefined) env.push(['KOJO_HOME', spec.kojoHome]);
  if (spec.path !== undefined) env.push(['PATH', spec.path]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${MARKER}; \`kojo daemon uninstall\` removes it. -->`,
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key><string>${LAUNCHD_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...[spec.node, ...DAEMON_NODE_FLAGS, spec.cli, 'daemon', 'run'].map((arg) => `    <string>${xml(arg)}</string>`),
    '  </array>',
    ...(env.length
      ? [
          '  <key>EnvironmentVariables</key>',
          '  <dict>',
          ...env.map(([k, v]) => `    <key>${k}</key><string>${xml(v)}</string>`),
          '  </dict>',
        ]
      : []),
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
