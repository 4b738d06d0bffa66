import { describe, expect, it } from 'vitest';
import { backendInfo } from '../../src/index';
import { runCli } from './run';

describe('neurite info', () => {
  it('prints the version, backend with its reason, SIMD path, threads and addon source', async () => {
    const r = await runCli(['info']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const version = backendInfo().version;
    expect(r.stdout).toContain(`neurite ${version}`);
    expect(r.stdout).toMatch(/backend\s+native \(default: the native addon loaded\)/);
    expect(r.stdout).toMatch(/simd\s+(avx512|avx2|neon|generic)/);
    expect(r.stdout).toMatch(/threads\s+\d+/);
    expect(r.stdout).toMatch(/addon\s+(prebuild|local build) \(/);
  });

  it('--json gives backendInfo() plus the reason', async () => {
    const r = await runCli(['info', '--json', '--threads', '1']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info.version).toBe(backendInfo().version);
    expect(info.backend).toBe('native');
    expect(info.threads).toBe(1);
    expect(info.reason).toBe('default: the native addon loaded');
    expect(['prebuild', 'local build']).toContain(info.addonSource);
  });

  it('reports the js backend and why when asked for it', async () => {
    const env = await runCli(['info', '--json'], { env: { NEURITE_BACKEND: 'js' } });
    expect(JSON.parse(env.stdout)).toMatchObject({ backend: 'js', isa: 'none', reason: 'chosen with NEURITE_BACKEND=js' });
    const flag = await runCli(['info', '--json', '--backend', 'js']);
    expect(JSON.parse(flag.stdout)).toMatchObject({ backend: 'js', reason: 'chosen with --backend js' });
  });
});

describe('neurite usage', () => {
  it('prints the command list on --help and with no command', async () => {
    for (const args of [['--help'], []]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: neurite <command>/);
      expect(r.stdout).toMatch(/\n {2}info /);
    }
  });

  it('prints the version on --version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(backendInfo().version);
  });

  it('has --help on every command', async () => {
    const list = (await runCli(['--help'])).stdout;
    const names = [...list.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]!);
    expect(names).toContain('info');
    for (const name of names) {
      const r = await runCli([name, '--help']);
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`^Usage: neurite ${name}`));
      expect(r.stdout, name).toContain('--help');
    }
  });

  it.each([
    [['frobnicate'], /^neurite: unknown command "frobnicate"/],
    [['info', '--nope'], /^neurite info: unknown option --nope/],
    [['info', '--threads', 'two'], /^neurite info: --threads must be an integer, got "two"/],
    [['info', '--threads', '0'], /^neurite info: --threads must be in \[1, 1024\], got 0/],
    [['info', '--threads'], /^neurite info: --threads needs a value/],
    [['info', '--backend', 'gpu'], /^neurite info: --backend must be one of native, js, got "gpu"/],
    [['info', 'extra'], /^neurite info: unexpected argument "extra"/],
  ])('%j is a usage error: exit 2, one line on stderr', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
