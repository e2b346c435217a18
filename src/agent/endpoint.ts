// After an agent failed to reach its model endpoint, one TCP connect from the runner tells
// "connection refused" from "host not found" from "no answer": the CLIs mostly say only
// "unable to connect". Never used before a run: behind a proxy the runner's own view of the
// network can differ from the agent's, so this only sharpens a failure already seen.
import { connect } from 'node:net';
import { parseHttpUrl } from '../text/url.js';

export type EndpointProbe = 'refused' | 'host not found' | 'no answer' | 'reachable' | 'unknown';

export async function probeEndpoint(url: string, timeoutMs = 3_000): Promise<EndpointProbe> {
  const parsed = parseHttpUrl(url);
  if (!parsed) return 'unknown';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: EndpointProbe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('no answer'), timeoutMs);
    socket.once('connect', () => done('reachable'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') done('refused');
      else if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') done('host not found');
      else if (error.code === 'ETIMEDOUT' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') done('no answer');
      else done('unknown');
    });
  });
}

/** The sentence for an endpoint the agent could not reach, sharpened by a probe. */
export function unreachableSentence(endpoint: string, probe: EndpointProbe): string {
  const why: Record<EndpointProbe, string> = {
    refused: 'connection refused',
    'host not found': 'host not found',
    'no answer': 'no answer: a firewall, or the wrong host or port',
    reachable: 'the agent could not connect, though the runner can: check proxy settings forwarded in `agent-env`',
    unknown: 'connection failed',
  };
  return `the model endpoint at ${endpoint} is unreachable (${why[probe]})`;
}
