import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface ProcessRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process, KiB (from /usr/bin/time when present). */
  maxRssKb?: number;
}

/** Runs a command to its end; with `measureRss`, through GNU time for the peak RSS. */
export function runProcess(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; measureRss?: boolean } = {},
): Promise<ProcessRun> {
  const [file, ...args] = options.measureRss ? ['/usr/bin/time', '-f', 'wild-plan-rss=%M', ...argv] : argv;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file!, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /wild-plan-rss=(\d+)/.exec(stderr);
      resolve({ ms: performance.now() - start, code, stdout, stderr, maxRssKb: rss ? Number(rss[1]) : undefined });
    });
  });
}
