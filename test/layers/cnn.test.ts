import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alexnet, AvgPool2d, BatchNorm2d, Conv2d, conv2d, conv2dOutputSize, freeze, freezeAllExcept, GlobalAvgPool2d, lenet5,
  LocallyConnected2d, manualSeed, MaxPool2d, noGrad, randNormal, replaceHead, resnet18, resnet34, summary, tensor,
  tidy, vgg, zeros, Adam, crossEntropy, saveWeights, loadWeights,
} from '../../src/index';

describe('the course worked examples', () => {
  it('7x7 input, 3x3 filter: 5x5 at stride 1, 3x3 at stride 2', () => {
    expect(conv2dOutputSize(7, 7, 3)).toEqual([5, 5]);
    expect(conv2dOutputSize(7, 7, 3, { stride: 2 })).toEqual([3, 3]);
    const x = zeros([1, 1, 7, 7]);
    expect(conv2d(x, zeros([1, 1, 3, 3])).shape).toEqual([1, 1, 5, 5]);
    expect(conv2d(x, zeros([1, 1, 3, 3]), null, { stride: 2 }).shape).toEqual([1, 1, 3, 3]);
  });

  it('227x227x3, 96 filters 11x11 stride 4: 55x55x96 and 34,944 parameters', () => {
    const layer = new Conv2d(3, 96, 11, { stride: 4 });
    expect(layer.outputSize(227, 227)).toEqual([55, 55]);
    expect(layer.parameterCount()).toBe(34944);
  });

  it('32x32x3, 5 filters 3x3 stride 2 padding 1: 16x16x5 and 140 parameters', () => {
    const layer = new Conv2d(3, 5, 3, { stride: 2, padding: 1 });
    expect(layer.forward(zeros([1, 3, 32, 32])).shape).toEqual([1, 5, 16, 16]);
    expect(layer.parameterCount()).toBe(140);
  });

  it('an impossible output size is a RangeError showing the formula', () => {
    expect(() => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 5, 5])))
      .toThrow(/conv2d: output height is floor\(\(in \+ pad - \(dilation\*\(kernel-1\)\+1\)\) \/ stride\) \+ 1 = floor\(\(4 \+ 0 \+ 0 - \(1\*\(5-1\)\+1\)\) \/ 1\) \+ 1 = 0, must be >= 1/);
    expect(() => new MaxPool2d(3).forward(zeros([1, 1, 2, 2]))).toThrow(RangeError);
  });

  it('op argument errors name the argument and the values', () => {
    expect(() => conv2d(zeros([1, 3, 4, 4]), zeros([2, 4, 3, 3]))).toThrow(/input channels \(3\) != weight in-channels \(4\) \* groups \(1\)/);
    expect(() => conv2d(zeros([3, 4, 4]), zeros([2, 3, 3, 3]))).toThrow(/must be 4-D/);
    expect(() => conv2d(zeros([1, 3, 4, 4]), zeros([2, 3, 3, 3]), null, { stride: 0 })).toThrow(/stride must be an integer >= 1/);
    expect(() => conv2d(zeros([1, 4, 4, 4]), zeros([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/output channels \(3\) must be divisible by groups \(2\)/);
    expect(() => new Conv2d(3, 4, 3, { padding: [1, 2, 3] as never })).toThrow(/padding must be/);
  });
});

describe('parameter counts', () => {
  it('LeNet-5: 61,706 on 32x32, the same on the 28x28 variant', () => {
    expect(lenet5().parameterCount()).toBe(61706);
    const fm = lenet5({ inputSize: 28 });
    expect(fm.parameterCount()).toBe(61706);
    expect(fm.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
    expect(lenet5().forward(zeros([1, 1, 32, 32])).shape).toEqual([1, 10]);
  });

  it('ResNet-18 with 1000 classes: 11,689,512, with torchvision names', () => {
    const model = resnet18();
    expect(model.parameterCount()).toBe(11689512);
    const names = model.namedParameters().map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias']);
    expect(names).toContain('layer2.0.downsample.0.weight');
    expect(names).toContain('layer4.1.bn2.bias');
    expect(names.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    const buffers = model.namedBuffers().map(([n]) => n);
    expect(buffers.slice(0, 3)).toEqual(['bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked']);
    expect(model.stateDict().size).toBe(62 + 60); // torchvision resnet18: 122 state-dict entries
  });

  it("ResNet-18's state dict has torchvision's names and shapes (parameters in the same order)", () => {
    const ref = JSON.parse(readFileSync(join(__dirname, '../fixtures/resnet18-state-dict.json'), 'utf8')) as { parameters: number; state_dict: [string, number[]][] };
    const model = resnet18();
    expect(model.parameterCount()).toBe(ref.parameters);
    const ours = [...model.stateDict()].map(([name, t]) => `${name} [${t.shape.join(',')}]`);
    const theirs = ref.state_dict.map(([name, shape]) => `${name} [${shape.join(',')}]`);
    expect([...ours].sort()).toEqual([...theirs].sort());
    const isBuffer = (n: string) => /running_mean|running_var|num_batches_tracked/.test(n);
    expect(model.namedParameters().map(([n]) => n)).toEqual(ref.state_dict.map(([n]) => n).filter((n) => !isBuffer(n)));
  });

  it('ResNet-34: 21,797,672; CIFAR variants run on 32x32', () => {
    expect(resnet34().parameterCount()).toBe(21797672);
    const small = resnet18({ inputSize: 32, width: 4, numClasses: 10 });
    expect(noGrad(() => small.eval().forward(zeros([1, 3, 32, 32]))).shape).toEqual([1, 10]);
  });

  it('AlexNet (torchvision: 61,100,840) and VGG-16 (138,357,544); small variants on 32x32', () => {
    expect(alexnet().parameterCount()).toBe(61100840);
    expect(vgg({ config: 'vgg16' }).parameterCount()).toBe(138357544);
    const a = alexnet({ variant: 'cifar', width: 0.125, hidden: 32 });
    expect(noGrad(() => a.eval().forward(zeros([2, 3, 32, 32]))).shape).toEqual([2, 10]);
    const v = vgg({ config: [8, 'M', 16, 'M', 16, 'M'], batchNorm: true, small: true, hidden: 16 });
    expect(noGrad(() => v.eval().forward(zeros([2, 3, 32, 32]))).shape).toEqual([2, 10]);
  });
});

describe('BatchNorm2d', () => {
  it('normalizes with batch statistics in training and updates the running ones', () => {
    manualSeed(1);
    const bn = new BatchNorm2d(2, { momentum: 0.5 });
    const x = randNormal([4, 2, 3, 3], 3, 2);
    const y = bn.forward(x);
    for (let c = 0; c < 2; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 4; n++) for (let i = 0; i < 9; i++) vals.push(y.data[(n * 2 + c) * 9 + i]!);
      const m = vals.reduce((a, b) => a + b) / vals.length;
      const v = vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length;
      expect(Math.abs(m)).toBeLessThan(1e-5);
      expect(Math.abs(v - 1)).toBeLessThan(1e-3);
      const xs: number[] = [];
      for (let n = 0; n < 4; n++) for (let i = 0; i < 9; i++) xs.push(x.data[(n * 2 + c) * 9 + i]!);
      const xm = xs.reduce((a, b) => a + b) / xs.length;
      const xv = xs.reduce((a, b) => a + (b - xm) ** 2, 0) / (xs.length - 1);
      expect(bn.runningMean.data[c]).toBeCloseTo(0.5 * xm, 5);
      expect(bn.runningVar.data[c]).toBeCloseTo(0.5 + 0.5 * xv, 4);
    }
    expect(bn.numBatchesTracked.item()).toBe(1);
  });

  it('uses the running statistics in eval mode and leaves them unchanged', () => {
    const bn = new BatchNorm2d(1);
    bn.runningMean.data[0] = 2;
    bn.runningVar.data[0] = 4;
    bn.weight!.data[0] = 3;
    bn.bias!.data[0] = 1;
    bn.eval();
    const y = bn.forward(tensor([6, 0], [2, 1, 1, 1]));
    expect(y.data[0]).toBeCloseTo(((6 - 2) / Math.sqrt(4 + 1e-5)) * 3 + 1, 5);
    expect(y.data[1]).toBeCloseTo(((0 - 2) / Math.sqrt(4 + 1e-5)) * 3 + 1, 5);
    expect([bn.runningMean.data[0], bn.runningVar.data[0], bn.numBatchesTracked.item()]).toEqual([2, 4, 0]);
  });
});

describe('layers', () => {
  it('pooling layers default the stride to the kernel size', () => {
    const x = randNormal([1, 2, 6, 6]);
    expect(new MaxPool2d(2).forward(x).shape).toEqual([1, 2, 3, 3]);
    expect(new AvgPool2d(3, { stride: 1, padding: 1 }).forward(x).shape).toEqual([1, 2, 6, 6]);
    expect(new GlobalAvgPool2d().forward(x).shape).toEqual([1, 2, 1, 1]);
    expect(new LocallyConnected2d(2, 3, 6, 3).forward(x).shape).toEqual([1, 3, 4, 4]);
  });

  it('getConfig rebuilds the same layer', () => {
    const conv = new Conv2d(4, 6, [3, 1], { stride: 2, padding: [1, 0], dilation: 2, groups: 2, bias: false });
    const copy = Conv2d.fromConfig(JSON.parse(JSON.stringify(conv.getConfig())) as Record<string, unknown>);
    expect(copy.getConfig()).toEqual(conv.getConfig());
    expect(copy.weight.shape).toEqual([6, 2, 3, 1]);
  });
});

describe('summary', () => {
  it('lists each layer with its output shape and parameter count, and the totals', () => {
    const model = lenet5({ inputSize: 28 });
    const s = summary(model, [1, 28, 28], { print: false });
    expect(s.rows.map((r) => r.outputShape)).toEqual([
      [1, 6, 28, 28], [1, 6, 28, 28], [1, 6, 14, 14], [1, 16, 10, 10], [1, 16, 10, 10], [1, 16, 5, 5],
      [1, 400], [1, 120], [1, 120], [1, 84], [1, 84], [1, 10],
    ]);
    expect(s.rows.map((r) => r.params)).toEqual([156, 0, 0, 2416, 0, 0, 0, 48120, 0, 10164, 0, 850]);
    expect(s.totalParams).toBe(61706);
    expect(s.text).toContain('features.0 (Conv2d)');
    expect(s.text).toContain('Total params: 61,706');
    expect(model.training).toBe(true);
  });

  it('follows a residual network through its blocks and counts frozen parameters as non-trainable', () => {
    const model = resnet18({ inputSize: 32, width: 2 });
    freeze(model, ['conv1', 'bn1']);
    const s = summary(model, [3, 8, 8], { print: false });
    expect(s.rows[0]!.name).toBe('conv1');
    expect(s.rows.some((r) => r.name === 'layer2.0.downsample.1')).toBe(true);
    expect(s.rows.at(-1)!.outputShape).toEqual([1, 10]);
    expect(s.nonTrainableParams).toBe(2 * 3 * 9 + 4);
    expect(s.totalParams).toBe(model.parameterCount());
  });
});

describe('fine-tuning', () => {
  it('loads a state dict from safetensors by name, then trains only the unfrozen part; frozen weights stay bit-identical', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-ft-'));
    const path = join(dir, 'pretrained.safetensors');
    manualSeed(3);
    const pretrained = resnet18({ inputSize: 32, width: 4, numClasses: 10 });
    // Non-default running statistics, so loading them is visible.
    pretrained.bn1.runningMean.data.fill(0.25);
    saveWeights(pretrained, path);

    manualSeed(4);
    const model = resnet18({ inputSize: 32, width: 4, numClasses: 10 });
    expect(model.conv1.weight.data).not.toEqual(pretrained.conv1.weight.data);
    expect(loadWeights(model, path)).toEqual({ missing: [], unexpected: [] });
    for (const [name, t] of pretrained.stateDict()) expect(Array.from(model.stateDict().get(name)!.data), name).toEqual(Array.from(t.data));

    const head = replaceHead(model, 3);
    expect(head.weight.shape).toEqual([3, 32]);
    const frozen = freezeAllExcept(model, ['layer4', 'fc']);
    expect(frozen).toContain('conv1.weight');
    expect(frozen).not.toContain('fc.weight');
    expect(freeze(model, ['layer4.1'])).toContain('layer4.1.conv2.weight');
    const before = new Map(model.namedParameters().map(([n, p]) => [n, new Float32Array(p.data)]));
    const optimizer = new Adam(model.trainableParameters(), { lr: 0.01 });
    const x = randNormal([4, 3, 8, 8]);
    const y = tensor([0, 1, 2, 1], [4]);
    for (let step = 0; step < 2; step++) {
      tidy(() => {
        optimizer.zeroGrad();
        crossEntropy(model.forward(x), y).backward();
        optimizer.step();
      });
    }
    const isFrozen = (name: string) => frozen.includes(name) || name.startsWith('layer4.1.');
    for (const [name, p] of model.namedParameters()) {
      const same = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).equals(Buffer.from(before.get(name)!.buffer));
      expect(same, name).toBe(isFrozen(name));
      if (isFrozen(name)) expect(p.grad, name).toBeNull();
    }
  });
});
