import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Adam, Dropout, SGD, fit, Linear, loadCheckpoint, loadFashionMnist, manualSeed, ReLU, saveCheckpoint, Sequential,
} from '../../src/index';

function bytesOf(model: Sequential): Buffer {
  return Buffer.concat(model.parameters().map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength)));
}

function setup(initSeed: number) {
  manualSeed(initSeed);
  const model = new Sequential(new Linear(784, 32), new ReLU(), new Dropout(0.2), new Linear(32, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  return { model, optimizer };
}

describe('fit resumed from a checkpoint', () => {
  it('continues to the same weights as an uninterrupted run (Adam, dropout, shuffling)', async () => {
    const { train } = loadFashionMnist({ layout: 'flat', subset: { train: 600, test: 10 } });
    const options = { loss: 'crossEntropy' as const, batchSize: 50 };

    const full = setup(1);
    await fit(full.model, train, { ...options, optimizer: full.optimizer, epochs: 4, seed: 7 });

    const first = setup(1);
    await fit(first.model, train, { ...options, optimizer: first.optimizer, epochs: 2, seed: 7 });
    const path = join(mkdtempSync(join(tmpdir(), 'neurite-fit-')), 'ckpt.safetensors');
    saveCheckpoint(path, { model: first.model, optimizer: first.optimizer, epoch: 2 });

    const resumed = setup(99);
    manualSeed(12345);
    const { epoch } = loadCheckpoint(path, { model: resumed.model, optimizer: resumed.optimizer });
    expect(epoch).toBe(2);
    await fit(resumed.model, train, { ...options, optimizer: resumed.optimizer, epochs: 4 - epoch });

    expect(bytesOf(resumed.model).equals(bytesOf(full.model))).toBe(true);
    expect(bytesOf(first.model).equals(bytesOf(full.model))).toBe(false);
  });

  it('refuses optimizer state of another optimizer type, changing nothing', () => {
    const a = setup(1);
    const path = join(mkdtempSync(join(tmpdir(), 'neurite-fit-')), 'ckpt.safetensors');
    saveCheckpoint(path, { model: a.model, optimizer: a.optimizer, epoch: 1 });
    const b = setup(2);
    const before = bytesOf(b.model);
    const sgd = new SGD(b.model.parameters(), { lr: 0.1, momentum: 0.9 });
    expect(() => loadCheckpoint(path, { model: b.model, optimizer: sgd })).toThrow(/the checkpoint holds Adam state, the optimizer given is SGD/);
    expect(bytesOf(b.model).equals(before)).toBe(true);
  });
});
