// Where the pipeline reports progress: GitHub's log (annotations, groups) in the action,
// standard error in the CLI. Steps take a Log so they never import @actions/core.

export interface Log {
  info(message: string): void;
  warning(message: string, where?: { file?: string; line?: number }): void;
  error(message: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Logs to a stream as plain lines; `verbose: false` keeps only warnings and errors. */
export function streamLog(write: (line: string) => void, verbose = true): Log {
  return {
    info: (message) => {
      if (verbose) write(message);
    },
    warning: (message, where) => write(`warning: ${where?.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : ''}${message}`),
    error: (message) => write(`error: ${message}`),
    group: async (title, fn) => {
      if (verbose) write(`── ${title}`);
      return fn();
    },
  };
}

export const silentLog: Log = streamLog(() => {}, false);
