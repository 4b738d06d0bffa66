// NEURITE_ISA at start-up, in child processes (the choice is made once, when the addon loads).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { supportedIsas } from '../../src/info';

const root = join(__dirname, '..', '..');

function child(code: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

// Loads the addon the way neurite does and prints its ISA, or the load error's code and message.
const LOAD_ADDON = `
  try { const a = require('node-gyp-build')(process.cwd()); console.log('isa=' + a.getIsa()); }
  catch (e) { console.log('error ' + e.code + ' ' + e.message); }`;

describe('NEURITE_ISA', () => {
  it.each(supportedIsas())('=%s forces that ISA', (isa) => {
    expect(child(LOAD_ADDON, { NEURITE_ISA: isa }).stdout).toBe(`isa=${isa}`);
  });

  it('unset picks the best supported ISA', () => {
    expect(child(LOAD_ADDON, { NEURITE_ISA: '' }).stdout).toBe(`isa=${supportedIsas()[0]}`);
  });

  it('an unknown or unsupported ISA makes the addon refuse to load with a clear error', () => {
    expect(child(LOAD_ADDON, { NEURITE_ISA: 'sse9' }).stdout).toMatch(/^error ERR_NEURITE_ISA NEURITE_ISA: unknown ISA "sse9"/);
    const missing = ['avx2', 'avx512', 'neon'].find((n) => !supportedIsas().includes(n));
    if (missing) {
      expect(child(LOAD_ADDON, { NEURITE_ISA: missing }).stdout).toMatch(
        new RegExp(`^error ERR_NEURITE_ISA NEURITE_ISA: ISA "${missing}" is not supported by this CPU or build \\(supported: `),
      );
    }
  });

  it('neurite then falls back to js and says why on stderr', () => {
    const r = child(`const n = require('./dist'); console.log(n.getBackend() + ' ' + n.backendInfo().isa);`, { NEURITE_ISA: 'sse9', NEURITE_BACKEND: '' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('js none');
    expect(r.stderr).toMatch(/neurite: native backend unavailable, using the js backend: NEURITE_ISA: unknown ISA "sse9"/);
  });
});
