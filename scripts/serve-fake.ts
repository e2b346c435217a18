// `npm run serve-fake [-- --port N] [-- --token T]`: the research-server stand-in
// (test/support/wild-server.ts) on 127.0.0.1, for trying goals with
// `wild-plan plan --server-url <the URL it prints>`. It answers as WILD_SERVER.md describes
// (preflight, skills, sweeps and runs kept in memory); nothing runs experiments. Ctrl-C stops it.
// A tsx script, not a CLI command: the fake is test code and is not shipped in dist/.
import net from 'node:net';
import { parseArgs } from 'node:util';
import { startWildServer } from '../test/support/wild-server.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, token: { type: 'string' }, planning: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  strict: true,
});
if (values.help) {
  console.log(`Usage: npm run serve-fake [-- --port N] [-- --token TOKEN]

Starts the local stand-in for a Wild Loop V2 research server and prints its URL.
  --port N        listen on this port (default: any free one)
  --token TOKEN   require this X-Auth-Token, as a server with auth on does (give the
                  same token to wild-plan in $WILD_SERVER_TOKEN)
  --planning V    the planning prompt it serves: shipped (default, the one wild-plan
                  bundles), head (the newest upstream version) or absent (none)`);
  process.exit(0);
}
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`serve-fake: --port must be a port number from 0 to 65535 (got "${values.port}")`);
  process.exit(2);
}

const PLANNING = ['shipped', 'head', 'absent'] as const;
const planning = PLANNING.find((p) => p === (values.planning ?? 'shipped'));
if (planning === undefined) {
  console.error(`serve-fake: --planning must be one of ${PLANNING.join(', ')} (got "${values.planning}")`);
  process.exit(2);
}
const fake = await startWildServer({ token: values.token, planning });
// The fake picks a free port of its own; a fixed port is a loopback relay in front of it.
let url = fake.url;
let relay: net.Server | undefined;
if (port !== 0) {
  const server = net.createServer((client) => {
    const upstream = net.connect(fake.port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  relay = server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  }).catch(async (error: NodeJS.ErrnoException) => {
    await fake.stop();
    console.error(`serve-fake: cannot listen on 127.0.0.1:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`);
    process.exit(1);
  });
  url = `http://127.0.0.1:${port}`;
}

console.log(`Research server stand-in (test/support/wild-server.ts): ${url}`);
console.log(values.token ? 'Auth is on: pass the same token in $WILD_SERVER_TOKEN.' : 'Auth is off (no --token).');
console.log(`Try: npx wild-plan plan --server-url ${url} --goal "Does label smoothing help on CIFAR-10?" \\
       --agent claude-code --agent-env ANTHROPIC_API_KEY --workdir path/to/your/repo`);
console.log('Ctrl-C stops it.');

const stop = () => {
  relay?.close();
  void fake.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
