import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam, CrossEntropyLoss, DataLoader, Dropout, Linear, ReLU, SGD, Sequential, StepLR, evaluate, fit, getBackend, manualSeed,
  memoryStats, predict, randNormal, setBackend, tensor, type Tensor,
} from '../../src/index';
import { CHECKPOINT_FILE, type Batch } from '../../src/train/index';
import { BACKEND_NAMES } from '../helpers/backends';

/** Three Gaussian blobs in 2-D, labels 0..2. */
function blobs(n: number, seed: number): { x: Tensor; y: Tensor } {
  manualSeed(seed);
  const noise = randNormal([n, 2], 0, 0.5);
  const centers = [[2, 0], [-1, 1.7], [-1, -1.7]];
  const x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x[2 * i] = centers[c]![0]! + noise.data[2 * i]!;
    x[2 * i + 1] = centers[c]![1]! + noise.data[2 * i + 1]!;
  }
  return { x: tensor(x, [n, 2]), y: tensor(y, [n]) };
}

function mlp(seed: number, dropout = 0): Sequential {
  manualSeed(seed);
  const layers = [new Linear(2, 16), new ReLU()];
  if (dropout > 0) layers.push(new Dropout(dropout));
  return new Sequential(...layers, new Linear(16, 3));
}

describe.each(BACKEND_NAMES)('fit on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  it('learns blobs, reports progress and validates', async () => {
    const train = blobs(600, 1), test = blobs(300, 2);
    const model = mlp(3);
    const batches: number[] = [];
    const history = await fit(model, train, {
      loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs: 5, batchSize: 32,
      metrics: ['accuracy'], validation: test, seed: 4,
      callbacks: {
        onBatchEnd: (b) => {
          batches.push(b.batch);
          expect(b.batches).toBe(19);
          expect(b.samplesPerSecond).toBeGreaterThan(0);
          expect(b.logs.accuracy).toBeGreaterThanOrEqual(0);
          if (b.batch === 0) expect(b.logs.loss).toBeCloseTo(b.loss, 6);
        },
      },
    });
    expect(history.stopReason).toBe('completed');
    expect(history.epochs).toHaveLength(5);
    expect(batches).toHaveLength(5 * 19);
    const first = history.epochs[0]!.logs, last = history.epochs[4]!.logs;
    expect(last.loss).toBeLessThan(first.loss!);
    expect(last.valAccuracy).toBeGreaterThan(0.9);
    const evaluated = await evaluate(model, test, { loss: new CrossEntropyLoss(), metrics: ['accuracy'] });
    expect(evaluated.accuracy).toBeCloseTo(last.valAccuracy!, 6);
    const out = await predict(model, test.x, { batchSize: 64 });
    expect(out.shape).toEqual([300, 3]);
    expect(model.training).toBe(true);
  });

  it('gives the same weights for the same seed (with shuffling and dropout)', async () => {
    const run = async () => {
      const model = mlp(5, 0.3);
      await fit(model, blobs(200, 6), { loss: 'crossEntropy', optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), epochs: 2, batchSize: 16, seed: 7 });
      return model.parameters().map((p) => Array.from(p.data));
    };
    const a = await run(), b = await run();
    expect(b).toEqual(a);
    const other = mlp(5, 0.3);
    await fit(other, blobs(200, 6), { loss: 'crossEntropy', optimizer: new SGD(other.parameters(), { lr: 0.1, momentum: 0.9 }), epochs: 2, batchSize: 16, seed: 8 });
    expect(other.parameters().map((p) => Array.from(p.data))).not.toEqual(a);
  });
});

describe('fit (event loop, abort, early stopping, data sources)', () => {
  it('yields to the event loop: a timer set during training fires before training ends', async () => {
    const model = mlp(1);
    let firedAtBatch = -1, batchesSeen = 0;
    await fit(model, blobs(300, 1), {
      loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 2, batchSize: 10,
      callbacks: {
        onBatchEnd: (b) => {
          batchesSeen++;
          if (b.epoch === 0 && b.batch === 0) setTimeout(() => { firedAtBatch = batchesSeen; }, 0);
        },
      },
    });
    expect(firedAtBatch).toBeGreaterThan(0);
    expect(firedAtBatch).toBeLessThan(batchesSeen);
  });

  it('stops cleanly on an AbortSignal', async () => {
    const model = mlp(1);
    const controller = new AbortController();
    let seen = 0;
    const history = await fit(model, blobs(300, 1), {
      loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 10, batchSize: 10, signal: controller.signal,
      callbacks: { onBatchEnd: (b) => { seen++; if (b.batch === 3) controller.abort(); } },
    });
    expect(history.stopReason).toBe('aborted');
    expect(seen).toBe(4);
    expect(history.epochs).toHaveLength(0);
    expect(model.parameters().every((p) => p.data.every(Number.isFinite))).toBe(true);
    const again = await fit(model, blobs(30, 1), { loss: 'crossEntropy', optimizer: new Adam(model.parameters()), signal: controller.signal });
    expect(again.stopReason).toBe('aborted');
  });

  it('stops early when the monitored value stops improving, and can restore the best weights', async () => {
    const model = mlp(2);
    const data = blobs(90, 3);
    // lr 0: the validation loss never improves after the first epoch.
    const history = await fit(model, data, {
      loss: 'crossEntropy', optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 20, validation: data,
      earlyStopping: { monitor: 'valLoss', patience: 2 },
    });
    expect(history.stopReason).toBe('earlyStopping');
    expect(history.epochs).toHaveLength(4);
    expect(history.bestEpoch).toBe(0);

    // Monitoring the training loss with mode 'max' makes epoch 0 the best; its weights come back.
    const m2 = mlp(2);
    let afterFirst: number[][] = [];
    const h2 = await fit(m2, data, {
      loss: 'crossEntropy', optimizer: new SGD(m2.parameters(), { lr: 0.1 }), epochs: 30,
      earlyStopping: { monitor: 'loss', mode: 'max', patience: 1, restoreBest: true },
      callbacks: { onEpochEnd: (e) => { if (e.epoch === 0) afterFirst = m2.parameters().map((p) => Array.from(p.data)); } },
    });
    expect(h2.stopReason).toBe('earlyStopping');
    expect(h2.epochs).toHaveLength(3);
    expect(h2.bestEpoch).toBe(0);
    expect(m2.parameters().map((p) => Array.from(p.data))).toEqual(afterFirst);
    await expect(fit(mlp(1), data, { loss: 'crossEntropy', optimizer: new SGD(mlp(1).parameters()), earlyStopping: { monitor: 'valNope' } }))
      .rejects.toThrow(/valNope/);
  });

  it('takes arrays of batches and async iterables, and rejects one-shot generators', async () => {
    const { x, y } = blobs(60, 1);
    const batches: Batch[] = [0, 1, 2].map((i) => ({
      x: tensor(Array.from(x.data.subarray(i * 40, i * 40 + 40)), [20, 2]),
      y: tensor(Array.from(y.data.subarray(i * 20, i * 20 + 20)), [20]),
    }));
    const model = mlp(1);
    const h = await fit(model, batches, { loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 3 });
    expect(h.epochs).toHaveLength(3);
    expect(batches.every((b) => !b.x.isDisposed)).toBe(true);
    const asyncSource = { async *[Symbol.asyncIterator]() { for (const b of batches) yield b; } };
    const h2 = await fit(model, asyncSource, { loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 2 });
    expect(h2.epochs).toHaveLength(2);
    function* once() { for (const b of batches) yield b; }
    await expect(fit(model, once(), { loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 2 })).rejects.toThrow(/no batches in epoch 2/);
    await expect(fit(model, { x, y: tensor([1, 2]) }, { loss: 'crossEntropy', optimizer: new Adam(model.parameters()) })).rejects.toThrow(/same first dimension/);
    await expect(fit(model, { x, y }, { loss: 'nope' as 'mseLoss', optimizer: new Adam(model.parameters()) })).rejects.toThrow(/unknown loss/);
  });

  it('clips gradients before each step (by value and by global norm)', async () => {
    const data = blobs(30, 5);
    const change = async (clip: { clipGradValue?: number; clipGradNorm?: number }) => {
      const model = mlp(6);
      const before = model.parameters().map((p) => Float32Array.from(p.data));
      await fit(model, data, { loss: 'crossEntropy', optimizer: new SGD(model.parameters(), { lr: 1 }), batchSize: 30, ...clip });
      return model.parameters().flatMap((p, i) => Array.from(p.data, (v, k) => v - before[i]![k]!));
    };
    const byValue = await change({ clipGradValue: 1e-3 });
    expect(Math.max(...byValue.map(Math.abs))).toBeLessThanOrEqual(1e-3 * 1.001);
    expect(Math.max(...byValue.map(Math.abs))).toBeGreaterThan(0.9e-3);
    const byNorm = await change({ clipGradNorm: 0.01 });
    expect(Math.hypot(...byNorm)).toBeCloseTo(0.01, 4);
    const unclipped = await change({});
    expect(Math.hypot(...unclipped)).toBeGreaterThan(0.05);
  });

  it('reuses buffers: a second epoch allocates no new memory', async () => {
    const model = mlp(1);
    const data = blobs(320, 1);
    const allocated: number[] = [];
    await fit(model, data, {
      loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 3, batchSize: 32, metrics: ['accuracy'],
      callbacks: { onEpochEnd: () => { allocated.push(memoryStats().allocatedBytes); } },
    });
    expect(allocated[2]).toBe(allocated[1]);
  });
});

describe('fit checkpoints', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'neurite-fit-'));
    dirs.push(d);
    return d;
  };

  it('resuming from a checkpoint ends with the same weights as an uninterrupted run', async () => {
    const data = blobs(120, 9);
    const setup = () => {
      const model = mlp(4, 0.2);
      const optimizer = new Adam(model.parameters(), { lr: 0.01 });
      return { model, optimizer, scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }) };
    };
    const weights = (m: Sequential) => m.parameters().map((p) => Array.from(p.data));
    for (const source of ['pair', 'loader'] as const) {
      const makeData = () => (source === 'pair' ? data : new DataLoader(data.x, data.y, { batchSize: 16, shuffle: true, seed: 3 }));
      const full = setup();
      const hFull = await fit(full.model, makeData(), { loss: 'crossEntropy', optimizer: full.optimizer, scheduler: full.scheduler, epochs: 4, batchSize: 16, seed: 11 });

      const dir = tmp();
      const first = setup();
      await fit(first.model, makeData(), { loss: 'crossEntropy', optimizer: first.optimizer, scheduler: first.scheduler, epochs: 2, batchSize: 16, seed: 11, checkpoint: { dir } });
      manualSeed(999); // disturb the generator: the checkpoint must restore it
      const second = setup();
      const hResumed = await fit(second.model, makeData(), { loss: 'crossEntropy', optimizer: second.optimizer, scheduler: second.scheduler, epochs: 4, batchSize: 16, seed: 11, resumeFrom: dir });
      expect(weights(second.model), source).toEqual(weights(full.model));
      expect(hResumed.epochs.map((e) => e.logs.loss)).toEqual(hFull.epochs.map((e) => e.logs.loss));
      expect(second.optimizer.getLr()).toEqual(full.optimizer.getLr());
    }
  });

  it('saves every N epochs and always the last; a missing checkpoint is a clear error', async () => {
    const dir = tmp();
    const model = mlp(1);
    const saved: number[] = [];
    let last = '';
    await fit(model, blobs(30, 1), {
      loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 5, checkpoint: { dir, every: 2 },
      callbacks: {
        onEpochBegin: () => {
          const f = join(dir, CHECKPOINT_FILE);
          const t = existsSync(f) ? `${statSync(f).ino}:${statSync(f).mtimeMs}` : '';
          if (t !== last) saved.push(saved.length);
          last = t;
        },
      },
    });
    expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(true);
    expect(saved.length).toBe(2); // after epochs 2 and 4 (seen at the start of epochs 3 and 5)
    await expect(fit(model, blobs(30, 1), { loss: 'crossEntropy', optimizer: new Adam(model.parameters()), resumeFrom: join(dir, 'nope') }))
      .rejects.toThrow(/no checkpoint at/);
    await expect(fit(model, blobs(30, 1), { loss: 'crossEntropy', optimizer: new SGD(model.parameters()), resumeFrom: dir }))
      .rejects.toThrow(/holds Adam state, the optimizer given is SGD/);
  });
});
