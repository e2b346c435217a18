import { describe, expect, it } from 'vitest';
import { asAgent, asRoot, ENV_PROGRAM } from '../../src/sandbox/privilege.js';

const account = { user: 'wild-agent', uid: 999, gid: 995 };

describe('asAgent', () => {
  it('as root, keeps the command and switches user in the child', () => {
    const run = asAgent('root', account, ['node', 'agent.mjs'], { PATH: '/usr/bin', HOME: '/tmp/h' });
    expect(run).toEqual({ argv: ['node', 'agent.mjs'], env: { PATH: '/usr/bin', HOME: '/tmp/h' }, uid: 999, gid: 995 });
  });

  it('through sudo, replaces the whole environment with exactly the given one', () => {
    const run = asAgent('sudo', account, ['node', 'agent.mjs', '; rm -rf /'], { PATH: '/usr/bin', WILD_X: 'a b\nc' });
    expect(run.argv).toEqual([
      'sudo',
      '-n',
      '-u',
      'wild-agent',
      '--',
      ENV_PROGRAM,
      '-i',
      'PATH=/usr/bin',
      'WILD_X=a b\nc',
      'node',
      'agent.mjs',
      '; rm -rf /',
    ]);
    expect(run.uid).toBeUndefined();
  });

  it('through sudo, refuses a program name env would read as one more variable', () => {
    expect(() => asAgent('sudo', account, ['A=b', 'x'], {})).toThrow('may not contain "="');
  });
});

describe('asRoot', () => {
  it('prefixes sudo only when not root, never prompting', () => {
    expect(asRoot('root', ['chown', 'x'])).toEqual(['chown', 'x']);
    expect(asRoot('sudo', ['chown', 'x'])).toEqual(['sudo', '-n', '--', 'chown', 'x']);
  });
});
