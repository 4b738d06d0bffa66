import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run';

const tmp = mkdtempSync(join(tmpdir(), 'neurite-cli-examples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('neurite example commands', () => {
  it('adding trains a cell for a few steps and reports the held-out MSE against chance', async () => {
    const r = await runCli(['adding', '--cell', 'gru', '--seq-len', '10', '--hidden', '8', '--batch', '8', '--steps', '5']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^adding problem, gru at T=10 \(backend /);
    expect(r.stdout).toMatch(/gru: held-out MSE \d+\.\d{4} vs chance 0\.1\d{3} after 5 steps/);
  });

  it('charlm trains a few steps and prints a sample per temperature', async () => {
    const r = await runCli([
      'charlm', '--hidden', '8', '--seq-len', '8', '--batch', '4', '--steps', '3', '--temperature', '0.5,1', '--length', '20',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/held-out \d+\.\d{3} bits\/char \(uniform \d+\.\d{3}, unigram \d+\.\d{3}\) after 3 steps/);
    expect(r.stdout).toMatch(/0\.5/);
  });

  it('autoencoders --quick writes the figures', async () => {
    const out = join(tmp, 'figures');
    const r = await runCli(['autoencoders', '--quick', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PCA/);
    for (const f of ['reconstructions.png', 'vae-samples.png', 'gan-samples.png', 'codes-2d.png', 'pca-2d.png']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  }, 240_000);

  it.each([
    [['adding', '--cell', 'lstmx'], /^neurite adding: --cell must be one of lstm, gru, mgu, rnn, got "lstmx"/],
    [['charlm', '--temperature', 'hot'], /^neurite charlm: --temperature needs positive numbers separated by commas, got "hot"/],
    [['autoencoders', '--epochs', '0'], /^neurite autoencoders: --epochs must be/],
  ])('%j is a usage error: exit 2, one line on stderr', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
