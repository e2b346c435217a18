import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where a CLI command writes; tests pass collectors, the real CLI passes process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(file: string): Promise<string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    readFile: (file) => readFile(file, 'utf8'),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** A CLI misuse: printed with the command's usage, exit 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface IssueText {
  number?: number;
  title?: string;
  body?: string | null;
}

/**
 * An issue saved to a file: GitHub's issue JSON (`gh issue view --json number,title,body`,
 * or the REST shape), or markdown whose first `# ` heading is the title.
 */
export async function readIssueFile(io: CliIo, file: string): Promise<IssueText> {
  const text = await io.readFile(path.resolve(io.cwd, file)).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --issue-file ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  if (file.endsWith('.json')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new UsageError(`--issue-file ${file} is not valid JSON`);
    }
    const issue = (data ?? {}) as Record<string, unknown>;
    return {
      number: typeof issue.number === 'number' ? issue.number : undefined,
      title: typeof issue.title === 'string' ? issue.title : undefined,
      body: typeof issue.body === 'string' ? issue.body : null,
    };
  }
  const match = /^\s*#\s+(.+)\n?/.exec(text);
  return match ? { title: match[1]!.trim(), body: text.slice(match[0].length) } : { body: text };
}
