// How the Actions runner reads an action's output, written from actions/runner
// (src/Runner.Common/ActionCommand.cs TryParseV2/TryParse and
// src/Runner.Worker/ActionCommandManager.cs TryProcessCommand): each line is tried as a
// `::name props::data` command (after trimming leading whitespace) and then as a legacy
// `##[name props]data` command found anywhere in the line; names compare case-insensitively;
// `stop-commands` pauses everything until a line whose command name is the token.

export interface RunCommand {
  name: string;
  data: string;
  line: number;
}

const REGISTERED = [
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'set-env',
  'set-output',
  'save-state',
  'error',
  'warning',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
];
// .NET char.IsWhiteSpace, which String.TrimStart uses; it includes U+0085 where JS does not.
const DOTNET_LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function parse(line: string, registered: Set<string>): { name: string; data: string } | null {
  const v2 = line.replace(DOTNET_LEADING_SPACE, '');
  if (v2.startsWith('::')) {
    const end = v2.indexOf('::', 2);
    if (end >= 0) {
      const info = v2.slice(2, end);
      const name = info.split(' ')[0]!;
      if (registered.has(name.toLowerCase())) return { name: name.toLowerCase(), data: v2.slice(end + 2) };
    }
  }
  const start = line.indexOf('##[');
  if (start < 0) return null;
  const close = line.indexOf(']', start);
  if (close < 0) return null;
  const name = line.slice(start + 3, close).split(' ')[0]!;
  return registered.has(name.toLowerCase()) ? { name: name.toLowerCase(), data: line.slice(close + 1) } : null;
}

/** The commands the runner would run for `output`, and whether it ends with processing stopped. */
export function runnerCommands(output: string): { commands: RunCommand[]; stopped: boolean } {
  const registered = new Set(REGISTERED);
  const commands: RunCommand[] = [];
  let stopToken: string | null = null;
  output.split(/\r\n|\r|\n/).forEach((line, index) => {
    const command = parse(line, registered);
    if (command === null) return;
    if (stopToken !== null) {
      if (command.name === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase());
        stopToken = null;
      }
      return;
    }
    if (command.name === 'stop-commands') {
      stopToken = command.data;
      registered.add(stopToken.toLowerCase());
      return;
    }
    commands.push({ ...command, line: index });
  });
  return { commands, stopped: stopToken !== null };
}
