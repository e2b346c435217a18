// Preflight: four checks in parallel cost about the slowest one. One check delayed 500 ms,
// against that request alone (target ≈ 1.0×); and a hung server's abort time.
import { runPreflight } from '../src/server/preflight.js';
import { startWildServer } from '../test/support/wild-server.js';
import { sideBySide, timeMs } from './stats.js';

export async function benchPreflight(runs = 7) {
  const server = await startWildServer();
  try {
    await server.setFault('/openapi.json', { kind: 'slow', ms: 500 });
    const parallel = () => timeMs(() => runPreflight({ serverUrl: server.url, timeoutMs: 5_000 }));
    const alone = () => timeMs(async () => (await fetch(`${server.url}/openapi.json`)).text());
    const delayed = await sideBySide(runs, parallel, alone);

    await server.clearFaults();
    await server.setFault('*', { kind: 'slow', ms: 60_000 });
    const timeoutMs = 1_000;
    let report: Awaited<ReturnType<typeof runPreflight>> | undefined;
    const hungMs = await timeMs(async () => (report = await runPreflight({ serverUrl: server.url, timeoutMs })));
    return { delayed, hung: { ms: hungMs, timeoutMs, attempts: report?.checks[0]?.attempts ?? 0, ok: report?.ok ?? false } };
  } finally {
    await server.close();
  }
}
