// Runs a real agent CLI (an AgentPreset) on the prompt: gets the CLI at its pinned version,
// gives it a throw-away HOME, the allow-listed environment and the prompt on stdin, stops
// it (and all it started) at the time limit or when it keeps failing to reach its model,
// and hands back its final message as the transcript, with stats and tool steps.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readInside } from '../sandbox/safe-fs.js';
import { isHttpUrl } from '../text/url.js';
import { probeEndpoint, unreachableSentence } from './endpoint.js';
import { assertForwardable, buildAgentEnv } from '../sandbox/environment.js';
import { jsonLines, type StreamError } from './events/common.js';
import { explainErrors, type ExplainedFailure } from './events/errors.js';
import { EXACT_VERSION, defaultAgentCacheDir, resolveAgentBinary, type ResolvedBinary } from './install.js';
import { DEFAULT_PRICES, runCost, type PriceTable } from './prices.js';
import { capProblems, type AgentPreset, type TurnLimit, type UnreachableWatch } from './presets/preset.js';
import { DEFAULT_KILL_GRACE_MS, runCaptured } from './process.js';
import { newRunTag, RUN_TAG_ENV, stopTagged } from '../sandbox/sweep.js';
import { describeStop, type AgentRunner, type AgentRunRequest, type AgentRunResult, type AgentStop } from './runner.js';

export interface PresetRunnerOptions {
  preset: AgentPreset;
  /** Exact CLI version; default the preset's pinned one. */
  version?: string;
  model?: string;
  /** Provider base URL (`agent-base-url`). */
  baseUrl?: string;
  /** Runner variables passed on to the agent (`agent-env`), e.g. the provider's API key. */
  forwardEnv?: readonly string[];
  /** `max-turns`: passed to the CLI's own flag, or enforced from its stream (TurnLimit). */
  maxTurns?: number;
  /** `max-budget-usd`, for a CLI with a spending cap of its own. */
  maxBudgetUsd?: number;
  /** Prices for the cost estimate; default DEFAULT_PRICES (`model-prices` adds to them). */
  prices?: PriceTable;
  /** Where CLIs are installed; default defaultAgentCacheDir(). */
  cacheDir?: string;
  /** Use the CLI on PATH when it is the wanted version (default true). */
  usePath?: boolean;
  killGraceMs?: number;
  maxStderrBytes?: number;
  /** Progress lines (installing, version found on PATH). */
  log?: (line: string) => void;
  /** A CLI already at hand (installed elsewhere, or a test double): no PATH lookup, no install. */
  binary?: ResolvedBinary;
}

/** The settings cannot work for this agent; the message names each input. */
export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

export class PresetRunner implements AgentRunner {
  readonly name: string;
  private binary?: Promise<ResolvedBinary>;

  constructor(private readonly options: PresetRunnerOptions) {
    const { preset } = options;
    this.name = preset.name;
    const capped = { model: options.model, baseUrl: options.baseUrl, maxTurns: options.maxTurns, maxBudgetUsd: options.maxBudgetUsd };
    const problems = [...preset.check(capped), ...capProblems(preset, capped)];
    if (options.version !== undefined && !EXACT_VERSION.test(options.version)) {
      problems.push(`input \`agent-version\` "${options.version}" must be an exact version like ${preset.defaultVersion}`);
    }
    if (problems.length > 0) throw new AgentConfigError(`agent ${preset.name}:\n- ${problems.join('\n- ')}`);
    assertForwardable(options.forwardEnv ?? []); // fail at configuration time, before installing
  }

  /** Gets the CLI (PATH, cache, or an install now). run() calls it; call it early to install during setup. */
  prepare(): Promise<ResolvedBinary> {
    const { preset } = this.options;
    if (this.options.binary) return Promise.resolve(this.options.binary);
    this.binary ??= resolveAgentBinary(
      {
        packageName: preset.packageName,
        version: this.options.version ?? preset.defaultVersion,
        bin: preset.bin,
        native: preset.nativeBinaries?.(),
      },
      { cacheDir: this.options.cacheDir ?? defaultAgentCacheDir(), usePath: this.options.usePath, log: this.options.log },
    ).catch((error: unknown) => {
      this.binary = undefined; // a later run may try again
      throw error;
    });
    return this.binary;
  }

  async run(request: AgentRunRequest): Promise<AgentRunResult> {
    const { preset, model, baseUrl, maxTurns, maxBudgetUsd } = this.options;
    const binary = await this.prepare();
    if (binary.installMs !== undefined)
      this.options.log?.(`installed ${preset.packageName}@${binary.version} in ${Math.round(binary.installMs / 1000)} s`);
    const isolation = request.isolation;
    // Outside the workdir: nothing of it is committed. mkdtemp makes it 0700.
    const runDir = await mkdtemp(join(tmpdir(), `wild-${preset.name}-`));
    // Isolated: until reclaimed, runDir is the agent user's (through sudo, not ours to read).
    let lent = false;
    const reclaim = async () => {
      if (!lent) return;
      lent = false;
      await isolation!.reclaim(runDir);
    };
    try {
      const home = join(runDir, 'home');
      const xdg = {
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_STATE_HOME: join(home, '.local', 'state'),
      };
      const invocation = preset.invocation({
        prompt: request.prompt,
        workdir: request.workdir,
        runDir,
        model,
        baseUrl,
        maxTurns,
        maxBudgetUsd,
      });
      for (const dir of [home, ...Object.values(xdg), ...(invocation.makeDirs ?? [])]) await mkdir(dir, { recursive: true });
      // The preset's variables win over the caller's and the forwarded ones: its HOME and
      // endpoint are what keep the run isolated and pointed at the right provider. The tag
      // marks every process of this run (see sandbox/sweep.ts).
      // Isolated, the isolation's variables (USER, TMPDIR, git's safe.directory) come first;
      // the preset's own HOME still wins, inside runDir, which the agent user gets for the run.
      const tag = newRunTag();
      const env = buildAgentEnv(
        process.env,
        { ...request.env, ...isolation?.env, HOME: home, ...xdg, ...invocation.env, [RUN_TAG_ENV]: tag },
        this.options.forwardEnv,
      );
      if (isolation) {
        // The CLI may sit in a cache under a home the agent user cannot enter.
        await isolation.reach(binary.path);
        lent = true;
        await isolation.grant(runDir);
      }

      const watchdog = new AbortController();
      let gaveUp = false;
      const watchEndpoint = lineWatcher(preset.unreachable, () => {
        gaveUp = true;
        watchdog.abort();
      });
      let pastCap = false;
      const watchTurns = turnWatcher(preset.turnLimit, maxTurns, () => {
        pastCap = true;
        watchdog.abort();
      });
      const watch = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
        watchEndpoint(stream, chunk);
        if (stream === 'stdout') watchTurns(chunk);
      };
      const captured = await runCaptured({
        argv: [binary.path, ...invocation.args],
        cwd: request.workdir,
        env,
        stdin: request.prompt,
        timeoutMs: request.timeoutMs,
        signal: request.signal ? AbortSignal.any([request.signal, watchdog.signal]) : watchdog.signal,
        killGraceMs: this.options.killGraceMs,
        maxOutputBytes: request.maxOutputBytes,
        maxStderrBytes: this.options.maxStderrBytes,
        label: `${preset.name} \`${binary.path}\``,
        onOutput: watch,
        isolation: isolation?.process,
      });
      // What escaped the process group (a tool command's `setsid`, `nohup … &`) goes too.
      // (Isolated, runCaptured already waited until no process of the agent user was left.)
      await stopTagged(RUN_TAG_ENV, tag, this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      await reclaim();

      const parsed = preset.parse(captured.stdout);
      // Written by the agent's CLI, in a directory its user had: read back never through a link.
      const lastMessage = invocation.lastMessageFile ? readInside(runDir, relative(runDir, invocation.lastMessageFile)) : null;
      if (lastMessage?.kind === 'refused') this.options.log?.(`${lastMessage.reason}: ignored`);
      const fromFile = lastMessage?.kind === 'file' ? lastMessage.text : '';
      const finalText = fromFile.trim() !== '' ? fromFile : parsed.finalText;
      const aborted = captured.aborted && request.signal?.aborted === true;
      const stop = stopOf({ parsed, pastCap, limit: preset.turnLimit, maxTurns, maxBudgetUsd });
      let failure: string | undefined;
      if (!aborted && stop && (pastCap || captured.exitCode !== 0 || finalText === null)) {
        failure = `${preset.name} ${describeStop(stop)} before it finished; raise \`${stop.reason === 'max-turns' ? 'max-turns' : 'max-budget-usd'}\` if the plan needs more`;
      } else if (!aborted && (gaveUp || captured.timedOut || captured.exitCode !== 0 || finalText === null)) {
        const errors = [...parsed.errors, ...watchedLines(preset.unreachable, captured.stderrTail)];
        const explained = await sharpen(explainErrors(errors, { configured: baseUrl, fallback: preset.defaultEndpoint }));
        if (gaveUp)
          failure = `${explained ?? 'the model endpoint is unreachable'}; stopped ${preset.name} after repeated failed connection attempts`;
        else if (captured.timedOut)
          failure = `${preset.name} did not finish within the time limit${explained ? `; its last error: ${explained}` : ''}`;
        else failure = explained ?? (captured.exitCode === 0 ? `${preset.name} ended without a final message` : undefined);
      }
      const usedModel = model ?? parsed.model;
      const cost = runCost(
        { model: usedModel, inputTokens: parsed.inputTokens, outputTokens: parsed.outputTokens, cliCostUsd: parsed.costUsd },
        this.options.prices ?? DEFAULT_PRICES,
      );
      return {
        transcript: finalText ?? '',
        stderrTail: failure ? `${captured.stderrTail.trimEnd()}\nwild-plan: ${failure}`.trimStart() : captured.stderrTail,
        exitCode: captured.exitCode,
        signal: captured.signal,
        timedOut: captured.timedOut,
        truncated: captured.truncated,
        aborted,
        durationMs: captured.durationMs,
        stats: {
          agent: preset.name,
          version: binary.version,
          model: usedModel,
          turns: parsed.turns,
          toolCalls: parsed.steps.length,
          inputTokens: parsed.inputTokens,
          outputTokens: parsed.outputTokens,
          costUsd: cost?.usd,
          costSource: cost?.source,
          pricedModel: cost?.model !== undefined && cost.price ? { model: cost.model, ...cost.price } : undefined,
          unpriced:
            cost === undefined && (parsed.inputTokens !== undefined || parsed.outputTokens !== undefined) ? (usedModel ?? '') : undefined,
        },
        steps: parsed.steps,
        failure,
        stop,
      };
    } finally {
      // Through sudo we cannot remove what the agent user owns until it is ours again.
      await reclaim().catch(() => {});
      await rm(runDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    }
  }
}

/** Counts watched lines in a row; calls `giveUp` once there are enough. Never throws. */
function lineWatcher(watch: UnreachableWatch | undefined, giveUp: () => void): (stream: 'stdout' | 'stderr', chunk: Buffer) => void {
  if (!watch) return () => {};
  const partial = { stdout: '', stderr: '' };
  let strikes = 0;
  let done = false;
  return (stream, chunk) => {
    const lines = (partial[stream] + chunk.toString('utf8')).split('\n');
    partial[stream] = (lines.pop() ?? '').slice(-64 * 1024); // a line never ends: keep it bounded
    for (const line of lines) {
      if (stream === watch.stream && watch.pattern.test(line)) strikes += 1;
      else if (stream === 'stdout' && line.trim() !== '') strikes = 0; // the agent made progress
      if (strikes >= watch.giveUpAfter && !done) {
        done = true;
        giveUp();
      }
    }
  };
}

/**
 * Counts model turns in the CLI's JSON lines as they arrive (TurnLimit.turnCounter) and calls
 * `stop` once, when a turn past `maxTurns` begins. Never throws.
 */
function turnWatcher(limit: TurnLimit, maxTurns: number | undefined, stop: () => void): (chunk: Buffer) => void {
  if (maxTurns === undefined || !limit.turnCounter) return () => {};
  const counter = limit.turnCounter();
  let partial = '';
  let turns = 0;
  let done = false;
  return (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    // A line can be megabytes (a file the agent wrote): kept whole, the tail cut keeps it bounded.
    partial = (lines.pop() ?? '').slice(-16 * 1024 * 1024);
    for (const event of jsonLines(lines.join('\n'))) {
      turns += counter(event);
      if (turns > maxTurns && !done) {
        done = true;
        stop();
      }
    }
  };
}

/** The cap that ended the run, if one did: the CLI's word, wild-plan's own stop, or a soft cap reached. */
function stopOf(run: {
  parsed: { stopReason?: AgentStop['reason']; turns?: number };
  pastCap: boolean;
  limit: TurnLimit;
  maxTurns?: number;
  maxBudgetUsd?: number;
}): AgentStop | undefined {
  const { parsed, maxTurns, maxBudgetUsd } = run;
  if (parsed.stopReason === 'max-turns' && maxTurns !== undefined) return { reason: 'max-turns', limit: maxTurns, by: 'cli' };
  if (parsed.stopReason === 'max-budget' && maxBudgetUsd !== undefined) return { reason: 'max-budget', limit: maxBudgetUsd, by: 'cli' };
  if (run.pastCap && maxTurns !== undefined) return { reason: 'max-turns', limit: maxTurns, by: 'wild-plan' };
  // A soft cap reached: the CLI told the model at its last turn to answer without tools.
  if (run.limit.kind === 'soft' && maxTurns !== undefined && (parsed.turns ?? 0) >= maxTurns) {
    return { reason: 'max-turns', limit: maxTurns, by: 'cli' };
  }
  return undefined;
}

/** Watched lines left in a stream's tail, as errors to explain (OpenCode logs them to stderr). */
function watchedLines(watch: UnreachableWatch | undefined, text: string): StreamError[] {
  if (!watch || watch.stream !== 'stderr') return [];
  return text
    .split('\n')
    .filter((line) => watch.pattern.test(line))
    .map((message) => ({ message }));
}

/** "connection failed" says little: a TCP probe of a URL endpoint tells refused from not found. */
async function sharpen(explained: ExplainedFailure | undefined): Promise<string | undefined> {
  if (!explained) return undefined;
  if (explained.kind !== 'unreachable' || !isHttpUrl(explained.endpoint)) return explained.message;
  return unreachableSentence(explained.endpoint, await probeEndpoint(explained.endpoint));
}
