import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  add, getBackend, isGradEnabled, matmul, mul, noGrad, ones, setBackend, sum, tensor, tidy,
} from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';

describe.each(BACKEND_NAMES)('autograd on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  const param = (values: number[]) => {
    const t = tensor(values);
    t.requiresGrad = true;
    return t;
  };

  it('accumulates gradients across backward() calls until zeroGrad()', () => {
    const w = param([1, 2, 3]);
    sum(mul(w, w)).backward();
    expect(w.grad!.toArray()).toEqual([2, 4, 6]);
    sum(mul(w, w)).backward();
    expect(w.grad!.toArray()).toEqual([4, 8, 12]);
    w.zeroGrad();
    expect(w.grad!.toArray()).toEqual([0, 0, 0]);
    sum(w).backward();
    expect(w.grad!.toArray()).toEqual([1, 1, 1]);
  });

  it('sums the gradients of a shared input over every path', () => {
    // y = sum(a * a + a * b + a): dy/da = 2a + b + 1, dy/db = a.
    const a = param([1, -2]), b = param([3, 4]);
    const y = sum(add(add(mul(a, a), mul(a, b)), a));
    y.backward();
    expect(a.grad!.toArray()).toEqual([2 + 3 + 1, -4 + 4 + 1]);
    expect(b.grad!.toArray()).toEqual([1, -2]);
  });

  it('diamond graphs: an intermediate used twice gets both contributions', () => {
    const x = param([2]);
    const h = mul(x, 3);
    const y = sum(add(mul(h, h), h)); // y = 9x^2 + 3x, dy/dx = 18x + 3
    y.backward();
    expect(x.grad!.item()).toBe(39);
    expect(h.grad).toBeNull(); // intermediate gradients are freed
  });

  it('retainGrad keeps an intermediate gradient', () => {
    const x = param([1, 2]);
    const h = mul(x, 2);
    h.retainGrad = true;
    sum(mul(h, h)).backward();
    expect(h.grad!.toArray()).toEqual([4, 8]);
  });

  it('noGrad records nothing and restores the previous mode, even on throw', () => {
    const w = param([1, 2]);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return sum(mul(w, w));
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(() => y.backward()).toThrow(/backward: tensor does not require grad/);
    expect(() => noGrad(() => { throw new Error('x'); })).toThrow('x');
    expect(isGradEnabled()).toBe(true);
  });

  it('detach cuts the graph but shares data', () => {
    const w = param([3]);
    const d = mul(w, 2).detach();
    expect(d.requiresGrad).toBe(false);
    const y = sum(add(mul(w, d), w)); // d is a constant 6: dy/dw = 6 + 1
    y.backward();
    expect(w.grad!.item()).toBe(7);
    const base = mul(w, 1);
    expect(base.detach().data).toBe(base.data);
  });

  it('backward errors name the problem', () => {
    const w = param([1, 2]);
    expect(() => mul(w, 2).backward()).toThrow(/backward: a gradient is needed for a non-scalar tensor of shape \[2\]/);
    expect(() => mul(w, 2).backward(ones([3]))).toThrow(/backward: gradient shape \[3\] != tensor shape \[2\]/);
    expect(() => ones([1]).backward()).toThrow(/does not require grad/);
    const y = mul(w, 2);
    y.backward(tensor([1, 10]));
    expect(w.grad!.toArray()).toEqual([2, 20]);
  });

  it('matmul gradients through tidy keep the leaf gradient', () => {
    const a = param([1, 2, 3, 4]).reshape([2, 2]);
    const leaf = a.root;
    const g = tidy(() => {
      sum(matmul(a, ones([2, 2]))).backward();
      return leaf.grad;
    });
    expect(g!.toArray()).toEqual([2, 2, 2, 2]);
    expect(leaf.grad!.isDisposed).toBe(false);
  });
});
