import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, manualSeed, mlp, randNormal, randUniform, saveModel, tensor, trainMlp } from '../../src/index';

describe('zoo mlp', () => {
  it('is 784-256-128-10 with PyTorch Sequential names', () => {
    const m = mlp();
    expect(m.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`)).toEqual([
      '0.weight:256x784', '0.bias:256', '2.weight:128x256', '2.bias:128', '4.weight:10x128', '4.bias:10',
    ]);
    expect(mlp({ hidden: [8], dropProbability: 0.2, inputSize: 4, classes: 3 }).namedChildren().map(([, c]) => c.className))
      .toEqual(['Linear', 'ReLU', 'Dropout', 'Linear']);
  });

  it('trainMlp learns a separable toy problem and is reproducible', async () => {
    // Class = which quarter of the 16 features holds the largest sum.
    manualSeed(1);
    const make = (n: number) => {
      const x = randUniform([n, 16], 0, 1);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const c = i % 4;
        y[i] = c;
        for (let j = 0; j < 4; j++) x.data[i * 16 + c * 4 + j] += 1;
      }
      return { x, y: tensor(y, [n]) };
    };
    const train = make(400), test = make(100);
    const run = () => trainMlp({ train, test, inputSize: 16, hidden: [32], classes: 4, epochs: 3, batchSize: 20, lr: 0.01, seed: 3 });
    const a = await run();
    expect(a.testAccuracy).toBeGreaterThan(0.95);
    expect(a.history.epochs).toHaveLength(3);
    const b = await run();
    expect(b.model.parameters().map((p) => Array.from(p.data))).toEqual(a.model.parameters().map((p) => Array.from(p.data)));
    await expect(trainMlp({ train, test })).rejects.toThrow(/784 features/);
  });
});

describe('npm start', () => {
  it('trains on the shipped Fashion-MNIST subset and prints the test accuracy', () => {
    const root = join(__dirname, '..', '..');
    // One epoch keeps the test short; npm start runs eight.
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'start.cjs'), '--epochs', '1'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/10000 training, 2000 test images/);
    expect(r.stdout).toMatch(/epoch 1\/1 +loss/);
    const accuracy = Number(/test accuracy: ([\d.]+)%/.exec(r.stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(70);
    const bad = spawnSync(process.execPath, [join(root, 'scripts', 'start.cjs'), '--nope'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown or incomplete argument "--nope"/);
  });
});

describe('saving the zoo MLP', () => {
  it('saveModel/loadModel rebuild the architecture from its config and give the same outputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-mlp-'));
    try {
      manualSeed(2);
      const model = mlp({ dropProbability: 0.1 }).eval();
      saveModel(model, dir);
      const copy = loadModel(dir).eval();
      expect(copy.namedChildren().map(([, c]) => c.className)).toEqual(model.namedChildren().map(([, c]) => c.className));
      const x = randNormal([3, 784]);
      expect(Array.from(copy.forward(x).data)).toEqual(Array.from(model.forward(x).data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
