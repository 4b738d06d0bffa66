import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runAutoencoderComparison } from '../../src/examples/autoencoders';

const dir = mkdtempSync(join(tmpdir(), 'neurite-ae-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('autoencoder comparison example (quick mode)', () => {
  it('prints the table and writes PNGs that decode to the expected sizes', { timeout: 180_000 }, () => {
    const lines: string[] = [];
    const result = runAutoencoderComparison({ quick: true, outDir: dir, log: (l) => lines.push(l) });
    expect(result.rows.map((r) => r.method.split(' ')[0])).toEqual(['PCA', 'autoencoder', 'deep']);
    for (const r of result.rows) {
      expect(r.codeSize).toBe(30);
      expect(Number.isFinite(r.errorPerImage) && r.errorPerImage > 0).toBe(true);
      expect(r.errorPerPixel).toBeCloseTo(r.errorPerImage / 784, 8);
    }
    // Progress lines for every training run, and the table header.
    for (const name of ['autoencoder: epoch 1/1', 'deep autoencoder: epoch 1/1', 'VAE: epoch 1/1', 'GAN: epoch 1/1']) {
      expect(lines.some((l) => l.includes(name)), name).toBe(true);
    }
    expect(lines.some((l) => l.startsWith('method'))).toBe(true);

    const sizes = Object.fromEntries(result.figures.map((f) => {
      const png = PNG.sync.read(readFileSync(f));
      return [basename(f), [png.width, png.height]];
    }));
    // 28x28 images at scale 2 with 2-pixel gaps: 8 columns and rows of samples.
    expect(sizes['vae-samples.png']).toEqual([2 + 8 * 58, 2 + 8 * 58]);
    expect(sizes['gan-samples.png']).toEqual([2 + 8 * 58, 2 + 8 * 58]);
    // Four rows (originals, PCA, AE, deep AE) of 12 images, plus room for the row labels.
    expect(sizes['reconstructions.png']![1]).toBe(2 + 4 * 58);
    expect(sizes['reconstructions.png']![0]).toBeGreaterThan(2 + 12 * 58);
    expect(sizes['codes-2d.png']).toEqual([640, 480]);
    expect(sizes['pca-2d.png']).toEqual([640, 480]);
  });
});
