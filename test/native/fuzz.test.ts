/**
 * Fuzzes every function the native addon exports (specs in binding-specs.ts). The fuzzer runs
 * in a child process (fuzz-child.ts, compiled here with tsc), so a crash fails this test with
 * the call that was running instead of killing the test runner.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAddon } from '../../src/backend/registry';
import { BINDING_SPECS } from './binding-specs';

const root = join(__dirname, '..', '..');
const outDir = join(root, 'node_modules', '.cache', 'neurite-fuzz');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'neurite-fuzz-'));
  mkdirSync(outDir, { recursive: true });
  const tsc = spawnSync(process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--ignoreConfig', '--outDir', outDir, '--rootDir', join(root, 'test'),
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck',
    '--types', 'node', join(root, 'test', 'native', 'fuzz-child.ts'),
  ], { encoding: 'utf8', cwd: root });
  if (tsc.status !== 0) throw new Error(`compiling the fuzzer failed:\n${tsc.stdout}${tsc.stderr}`);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('binding fuzz', () => {
  it('has a spec for every function the addon exports, and none for functions it lacks', () => {
    const addon = nativeAddon()!.addon;
    const exported = Object.keys(addon).filter((k) => typeof addon[k] === 'function').sort();
    const specified = BINDING_SPECS.map((s) => s.fn).sort();
    expect(exported.filter((k) => !specified.includes(k)), 'exported functions without a spec in binding-specs.ts').toEqual([]);
    expect(specified.filter((k) => !exported.includes(k)), 'specs for functions the addon does not export').toEqual([]);
  });

  it('every binding succeeds on valid calls and throws TypeError/RangeError with a code on bad ones, never crashes', () => {
    const last = join(tmp, 'last-call.txt');
    const child = spawnSync(process.execPath, [join(outDir, 'native', 'fuzz-child.js')], {
      encoding: 'utf8',
      cwd: root,
      // About 15 s alone; generous, since a loaded 2-core machine runs other test files beside it.
      timeout: 240_000,
      env: { ...process.env, NEURITE_ROOT: root, NEURITE_FUZZ_LAST: last, NEURITE_FUZZ_RUNS: '400' },
    });
    let inProgress = '';
    try { inProgress = readFileSync(last, 'utf8').trim(); } catch { /* no call made */ }
    if (child.signal !== null || child.status === null) {
      throw new Error(`the fuzzer died (${child.signal ?? 'no exit status'}) during: ${inProgress}\n${child.stderr}`);
    }
    const lines = child.stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1] ?? '{}') as {
      counts?: Record<string, { ok: number; TypeError: number; RangeError: number }>;
      failure?: string; missing?: string[]; stale?: string[];
    };
    expect(report.failure, 'fuzz failure').toBeUndefined();
    expect(report.missing ?? [], 'exported functions without a spec').toEqual([]);
    expect(child.status, child.stderr).toBe(0);
    // Every spec ran, with calls that succeeded and calls that were refused.
    for (const spec of BINDING_SPECS) {
      const c = report.counts?.[spec.fn];
      expect(c, spec.fn).toBeDefined();
      expect(c!.ok, `${spec.fn} successful calls`).toBeGreaterThan(0);
      expect(c!.TypeError, `${spec.fn} TypeErrors`).toBeGreaterThan(0);
      if (spec.args.some((a) => a.kind !== 'number' && a.kind !== 'bool')) {
        expect(c!.RangeError, `${spec.fn} RangeErrors`).toBeGreaterThan(0);
      }
    }
  }, 300_000);
});
