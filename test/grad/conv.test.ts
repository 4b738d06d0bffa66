import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  adaptiveAvgPool2d, avgPool2d, BasicBlock, batchNorm2d, BatchNorm2d, conv2d, Conv2d, getBackend, globalAvgPool2d,
  locallyConnected2d, LocallyConnected2d, manualSeed, maxPool2d, mul, randNormal, randUniform, setBackend, sum, type Tensor,
} from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

function weightedSum(y: Tensor): Tensor {
  manualSeed(99);
  return sum(mul(y, randUniform(y.shape, 0.5, 1.5)));
}

/** Values spread apart so max pooling has no near-ties that a finite step could flip. */
function distinct(shape: number[], seed: number): Tensor {
  manualSeed(seed);
  const t = randUniform(shape, 0, 1);
  const n = t.size;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => t.data[a]! - t.data[b]!);
  order.forEach((idx, rank) => (t.data[idx] = (rank - n / 2) * 0.1));
  return t;
}

describe.each(BACKEND_NAMES)('CNN gradients on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  it('conv2d: stride, asymmetric padding, dilation, bias', () => {
    manualSeed(1);
    gradCheck((x, w, b) => weightedSum(conv2d(x, w, b, { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2] })),
      [randNormal([2, 3, 6, 5]), randNormal([4, 3, 3, 2]), randNormal([4])]);
  });

  it('conv2d: groups, depthwise and 1x1', () => {
    manualSeed(2);
    gradCheck((x, w) => weightedSum(conv2d(x, w, null, { groups: 2, padding: 1 })), [randNormal([2, 4, 5, 4]), randNormal([6, 2, 3, 3])]);
    gradCheck((x, w) => weightedSum(conv2d(x, w, null, { groups: 3, stride: 2, padding: 1 })), [randNormal([1, 3, 5, 5]), randNormal([3, 1, 3, 3])]);
    gradCheck((x, w, b) => weightedSum(conv2d(x, w, b)), [randNormal([2, 3, 4, 3]), randNormal([5, 3, 1, 1]), randNormal([5])]);
  });

  it('locallyConnected2d', () => {
    manualSeed(3);
    gradCheck((x, w, b) => weightedSum(locallyConnected2d(x, w, b, { stride: 2, padding: 1 })),
      [randNormal([2, 2, 5, 4]), randNormal([3, 3, 3, 2, 2, 2]), randNormal([3, 3, 3])]);
  });

  it('maxPool2d and avgPool2d with stride and padding', () => {
    gradCheck((x) => weightedSum(maxPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 0] })), [distinct([2, 2, 5, 4], 4)], { eps: 1e-3 });
    manualSeed(5);
    gradCheck((x) => weightedSum(avgPool2d(x, 3, { stride: 2, padding: 1 })), [randNormal([2, 2, 5, 6])]);
    gradCheck((x) => weightedSum(avgPool2d(x, 2, { padding: 1, countIncludePad: false })), [randNormal([1, 2, 5, 5])]);
  });

  it('adaptive and global average pooling', () => {
    manualSeed(6);
    gradCheck((x) => weightedSum(adaptiveAvgPool2d(x, [2, 3])), [randNormal([2, 2, 5, 7])]);
    gradCheck((x) => weightedSum(globalAvgPool2d(x)), [randNormal([2, 3, 4, 4])]);
  });

  it('batchNorm2d in training mode (input, weight, bias)', () => {
    manualSeed(7);
    gradCheck((x, g, b) => weightedSum(batchNorm2d(x, { weight: g, bias: b, training: true })),
      [randNormal([3, 2, 3, 2]), randNormal([2]), randNormal([2])], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
  });

  it('layers: Conv2d, LocallyConnected2d, BatchNorm2d', () => {
    manualSeed(8);
    const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
    gradCheck((x, w, b) => { void w; void b; return weightedSum(conv.forward(x)); }, [randNormal([2, 2, 5, 5]), conv.weight, conv.bias!]);
    const lc = new LocallyConnected2d(2, 2, [4, 4], 2, { stride: 2 });
    gradCheck((x) => weightedSum(lc.forward(x)), [randNormal([2, 2, 4, 4]), lc.weight, lc.bias!]);
    const bn = new BatchNorm2d(3);
    gradCheck((x) => weightedSum(bn.forward(x)), [randNormal([4, 3, 2, 2]), bn.weight!, bn.bias!], { rtol: 3e-2, atol: 3e-3 });
  });

  it('a residual BasicBlock (skip connection, downsample) in training mode', () => {
    manualSeed(9);
    const block = new BasicBlock(2, 4, 2);
    const x = randNormal([3, 2, 4, 4]);
    gradCheck((x) => weightedSum(block.forward(x)),
      [x, block.conv1.weight, block.bn2.bias!, block.downsample!.at(0)!.getParameter('weight')!],
      { eps: 1e-3, rtol: 5e-2, atol: 5e-3, maxElements: 12 });
    const same = new BasicBlock(3, 3, 1);
    gradCheck((x) => weightedSum(same.forward(x)), [randNormal([2, 3, 3, 3]), same.conv2.weight], { eps: 1e-3, rtol: 5e-2, atol: 5e-3, maxElements: 12 });
  });
});
