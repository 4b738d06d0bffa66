import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, getBackend, hingeLoss, l1Loss, manualSeed,
  mseLoss, multiMarginLoss, pseudoHuberLoss, randNormal, randUniform, setBackend, squaredHingeLoss,
  squaredMultiMarginLoss, tensor, type Tensor,
} from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

const near = (t: Tensor, v: number, digits = 5) => expect(t.item()).toBeCloseTo(v, digits);

describe.each(BACKEND_NAMES)('losses on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  it('hinge and squared hinge by hand', () => {
    const y = tensor([0.5, -2, 3, 2]), t = tensor([1, 1, -1, 1]);
    // margins 1 - y t: 0.5, 3, 4, -1 -> max(0, .): 0.5, 3, 4, 0
    near(hingeLoss(y, t), (0.5 + 3 + 4 + 0) / 4);
    near(hingeLoss(y, t, { reduction: 'sum' }), 7.5);
    near(squaredHingeLoss(y, t), (0.25 + 9 + 16) / 4);
  });

  it('binary cross-entropy by hand, on probabilities and on logits', () => {
    const p = tensor([0.9, 0.2, 0.5]), t = tensor([1, 0, 1]);
    near(binaryCrossEntropy(p, t, { reduction: 'sum' }), -(Math.log(0.9) + Math.log(0.8) + Math.log(0.5)));
    const z = tensor([2, -1, 0]);
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    near(binaryCrossEntropyWithLogits(z, t), -(Math.log(s(2)) + Math.log(1 - s(-1)) + Math.log(0.5)) / 3);
    // Stable for large logits: the naive form would give log(0).
    near(binaryCrossEntropyWithLogits(tensor([50, -50]), tensor([0, 1]), { reduction: 'sum' }), 100, 3);
  });

  it('multiclass hinge, its square and cross-entropy by hand', () => {
    const y = tensor([[1, 2, 0.5], [3, -1, 2.5]]), t = tensor([1, 0]);
    // row 0, t=1 (y_t=2): j=0: max(0, 1-(2-1))=0; j=2: max(0, 1-1.5)=0 -> 0
    // row 1, t=0 (y_t=3): j=1: max(0, 1-4)=0; j=2: max(0, 1-0.5)=0.5 -> 0.5
    near(multiMarginLoss(y, t), 0.5 / 2);
    near(squaredMultiMarginLoss(y, t, { reduction: 'sum' }), 0.25);
    const lse = (a: number[]) => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
    near(crossEntropy(y, t), ((lse([1, 2, 0.5]) - 2) + (lse([3, -1, 2.5]) - 3)) / 2);
    near(crossEntropy(tensor([[1000, 0], [0, 1000]]), tensor([0, 0]), { reduction: 'sum' }), 1000, 3);
  });

  it('regression losses by hand', () => {
    const y = tensor([1, -2, 0.5]), t = tensor([0, 1, 0.5]);
    near(mseLoss(y, t), (1 + 9 + 0) / 3);
    near(l1Loss(y, t, { reduction: 'sum' }), 4);
    const d = 2, ph = (r: number) => d * d * (Math.sqrt(1 + (r / d) ** 2) - 1);
    near(pseudoHuberLoss(y, t, { delta: d }), (ph(1) + ph(-3) + 0) / 3);
  });

  it('finite-difference gradients of every loss', () => {
    manualSeed(31);
    const signs = randUniform([12], 0, 1).data.map((u) => (u < 0.5 ? -1 : 1));
    const pm = tensor(Array.from(signs), [3, 4]);
    // Hinge: keep y t away from the kink at 1.
    const yh = randUniform([3, 4], -3, 3);
    yh.data.forEach((v, i) => { if (Math.abs(1 - v * signs[i]!) < 0.1) yh.data[i] = v + 0.3; });
    gradCheck((y) => hingeLoss(y, pm), [yh]);
    gradCheck((y) => squaredHingeLoss(y, pm, { reduction: 'sum' }), [yh]);
    const probs = randUniform([3, 4], 0.1, 0.9), soft = randUniform([3, 4], 0, 1);
    gradCheck((y) => binaryCrossEntropy(y, soft), [probs], { eps: 1e-3 });
    gradCheck((y) => binaryCrossEntropyWithLogits(y, soft, { reduction: 'sum' }), [randNormal([3, 4], 0, 3)]);
    const a = randNormal([3, 4]), b = randNormal([3, 4]);
    gradCheck((y, t) => mseLoss(y, t), [a, b]);
    gradCheck((y, t) => pseudoHuberLoss(y, t, { delta: 0.7, reduction: 'sum' }), [a, b]);
    gradCheck((y, t) => l1Loss(y, t), [a, b], { eps: 1e-3 });
    const labels = tensor([2, 0, 3, 1, 1]);
    const scores = randNormal([5, 4], 0, 2);
    gradCheck((y) => crossEntropy(y, labels), [scores]);
    // Margins: nudge scores so that no 1 - (y_t - y_j) sits within eps of the kink at 0.
    const s2 = tensor([[0.1, 2.3, -1, 0.4], [1.5, 0.2, 3, -2], [0, 0.3, 0.9, 2.1], [2, 1.6, -0.5, 0], [-1, 0.7, 1.2, 0.45]]);
    gradCheck((y) => multiMarginLoss(y, labels), [s2]);
    gradCheck((y) => squaredMultiMarginLoss(y, labels, { reduction: 'sum' }), [s2]);
  });

  it('checks shapes, reductions and class indices with clear errors', () => {
    expect(() => mseLoss(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/same shape/);
    expect(() => crossEntropy(tensor([[1, 2]]), tensor([2]))).toThrow(/target\[0\] must be a class index/);
    expect(() => crossEntropy(tensor([1, 2]), tensor([0]))).toThrow(/2-D/);
    expect(() => mseLoss(tensor([1]), tensor([1]), { reduction: 'none' as 'sum' })).toThrow(/reduction/);
    expect(() => pseudoHuberLoss(tensor([1]), tensor([1]), { delta: 0 })).toThrow(/delta/);
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(/probabilities in \[0, 1\], got 1.5 at 1/);
    expect(binaryCrossEntropy(tensor([0, 1]), tensor([0, 1])).item()).toBe(0);
    expect(binaryCrossEntropy(tensor([0]), tensor([1])).item()).toBe(100); // log clamped at -100, as PyTorch
  });
});
