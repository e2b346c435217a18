// A scripted model provider on 127.0.0.1 for the real agent CLIs: it speaks OpenAI chat
// completions (opencode), the OpenAI Responses API (codex) and Anthropic Messages (Claude
// Code), and plays the planning session the prompt asks for, choosing its step from how
// many tool results the request already holds:
//   0  → call the shell tool with the prompt's own preflight curl lines,
//   1  → write tasks.md (the write tool when one is offered, else the shell),
//   2+ → final text with <plan>…</plan>, <summary> and <promise>DONE</promise>.
// A request that offers no tools (title generation, topic detection) gets plain text.
// Tool arguments are filled from the schema the CLI offers (`command` vs `cmd`,
// `filePath` vs `file_path`), so a CLI release that renames a field still gets a valid call.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname } from 'node:path';
import {
  allText,
  countToolResults,
  offeredTools,
  sendAnthropic,
  sendChat,
  sendResponses,
  type Api,
  type OfferedTool,
  type Turn,
} from './model-wire.js';

export interface ModelScript {
  /** The tasks markdown the model writes and returns in <plan>. */
  plan: string;
  summary?: string;
  /** Step 0's shell command; default: the prompt's preflight curl lines joined by `&&`. */
  shellCommand?: (prompt: string) => string;
  /** Requests holding this many tool results are never answered (a stalled provider). */
  stallAt?: number;
  /** Every request that offers the shell gets another shell call, never a final answer (for turn caps). */
  endlessTools?: boolean;
}

export interface ModelRequest {
  api: Api;
  path: string;
  headers: http.IncomingHttpHeaders;
  toolResults: number;
  tools: string[];
  /** What the server answered: the tool it called, 'text', 'plain', 'stalled' or 'unknown'. */
  answer: string;
  body: Record<string, unknown>;
}

export interface ModelServer {
  url: string;
  requests: ModelRequest[];
  /** Shell commands the server asked for, in order. */
  shellCommands: string[];
  stop(): Promise<void>;
}

const SHELL_TOOLS = /^(bash|shell|exec_command|shell_command|local_shell)$/i;
const WRITE_TOOLS = /^(write|write_file|create_file)$/i;

export async function startModelServer(script: ModelScript): Promise<ModelServer> {
  const requests: ModelRequest[] = [];
  const shellCommands: string[] = [];
  const sockets = new Set<Socket>();
  let calls = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const api: Api | undefined = path.endsWith('/chat/completions')
        ? 'chat'
        : path.endsWith('/responses')
          ? 'responses'
          : path.endsWith('/messages')
            ? 'anthropic'
            : undefined;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // not JSON: recorded as is, answered 404 below
      }
      const record: ModelRequest = { api: api ?? 'chat', path, headers: req.headers, toolResults: 0, tools: [], answer: 'unknown', body };
      requests.push(record);
      if (api === undefined || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      record.toolResults = countToolResults(api, body);
      const tools = offeredTools(api, body);
      record.tools = tools.map((tool) => tool.name);
      if (tools.length > 0 && script.stallAt !== undefined && record.toolResults >= script.stallAt) {
        record.answer = 'stalled'; // never answered: the agent's time limit has to end it
        return;
      }
      const turn = chooseTurn(tools, record.toolResults, allText(body).join('\n'), `call_${++calls}`);
      record.answer = turn.kind === 'tool' ? turn.name : tools.length === 0 ? 'plain' : 'text';
      const model = String(body.model ?? 'scripted');
      if (api === 'chat') sendChat(res, turn, model, body.stream === true);
      else if (api === 'responses')
        sendResponses(res, turn, model); // codex always streams
      else sendAnthropic(res, turn, model, body.stream === true);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function chooseTurn(tools: OfferedTool[], toolResults: number, prompt: string, callId: string): Turn {
    if (tools.length === 0) return { kind: 'text', text: 'Wild research plan' };
    const shell = tools.find((tool) => SHELL_TOOLS.test(tool.name));
    if (script.endlessTools && shell) {
      const command = `echo turn ${toolResults + 1}`;
      shellCommands.push(command);
      return { kind: 'tool', name: shell.name, args: shellArgs(shell, command, `Turn ${toolResults + 1}`), callId };
    }
    if (toolResults === 0 && shell) {
      const command = script.shellCommand?.(prompt) ?? preflightCommand(prompt);
      shellCommands.push(command);
      return { kind: 'tool', name: shell.name, args: shellArgs(shell, command, 'Server preflight'), callId };
    }
    if (toolResults === 1) {
      const tasksPath = prompt.match(/write this to (.+?)\)\s*$/m)?.[1]?.trim() ?? 'tasks.md';
      const writer = tools.find((tool) => WRITE_TOOLS.test(tool.name));
      if (writer) return { kind: 'tool', name: writer.name, args: writeArgs(writer, tasksPath, script.plan), callId };
      if (shell) {
        const command = `mkdir -p '${dirname(tasksPath)}' && cat > '${tasksPath}' <<'WILD_PLAN_EOF'\n${script.plan}\nWILD_PLAN_EOF`;
        shellCommands.push(command);
        return { kind: 'tool', name: shell.name, args: shellArgs(shell, command, 'Write tasks.md'), callId };
      }
    }
    const summary = script.summary ?? 'Planned the research in five phases.';
    return {
      kind: 'text',
      text: `I wrote the plan.\n\n<plan>\n${script.plan}\n</plan>\n\n<summary>${summary}</summary>\n\n<promise>DONE</promise>`,
    };
  }

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    shellCommands,
    async stop() {
      for (const socket of sockets) socket.destroy(); // stalled requests would hold close() forever
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The prompt's server preflight, run as the prompt writes it. */
export function preflightCommand(prompt: string): string {
  const lines = [...prompt.matchAll(/^curl -sf \S+ >\/dev\/null$/gm)].map((match) => match[0]);
  return [...lines, 'echo PREFLIGHT_OK'].join(' && ');
}

function shellArgs(tool: OfferedTool, command: string, description: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const key = 'command' in tool.properties ? 'command' : 'cmd' in tool.properties ? 'cmd' : 'command';
  const type = tool.properties[key]?.type;
  args[key] = type === 'array' || (Array.isArray(type) && type.includes('array')) ? ['bash', '-lc', command] : command;
  return fillRequired(tool, args, description);
}

function writeArgs(tool: OfferedTool, path: string, content: string): Record<string, unknown> {
  const key = ['filePath', 'file_path', 'path'].find((name) => name in tool.properties) ?? 'file_path';
  return fillRequired(tool, { [key]: path, content }, 'Write tasks.md');
}

/** Required fields the script does not care about (opencode's bash wants a description). */
function fillRequired(tool: OfferedTool, args: Record<string, unknown>, description: string): Record<string, unknown> {
  for (const name of tool.required) {
    if (name in args) continue;
    const type = tool.properties[name]?.type;
    args[name] = type === 'number' || type === 'integer' ? 60_000 : type === 'boolean' ? false : description;
  }
  return args;
}
