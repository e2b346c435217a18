import { httpRequest } from './http.js';
import { judge, normaliseServerUrl, type ServerClientOptions } from './preflight.js';
import { MemoryListSchema } from './schemas.js';
import type { Memory } from '../prompt/memories.js';

// The server's active memories, for the prompt's `memories` variable. A server without the
// memory bank (404: older deployments) has none to give; that is not an error.

export class MemoryFetchError extends Error {
  override name = 'MemoryFetchError';
}

export async function fetchActiveMemories(opts: ServerClientOptions): Promise<Memory[]> {
  const path = '/memories?active_only=true';
  const result = await httpRequest({
    url: `${normaliseServerUrl(opts.serverUrl)}${path}`,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    attempts: opts.attempts,
    fetch: opts.fetch,
    sleep: opts.sleep,
    random: opts.random,
  });
  if (result.kind === 'answer' && result.status === 404) return [];
  const verdict = judge(result, MemoryListSchema, opts.token);
  if (!verdict.ok) throw new MemoryFetchError(`GET ${path}: ${verdict.reason}`);
  // The server filters already; an entry marked inactive all the same is left out, as the engine would.
  return (verdict.value ?? []).filter((m) => m.is_active !== false);
}
