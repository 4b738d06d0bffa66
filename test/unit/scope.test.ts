import { describe, expect, it } from 'vitest';
import { add, keep, matmul, memoryStats, mul, ones, randNormal, relu, sum, tidy, zeros, type Tensor } from '../../src/index';

describe('dispose, tidy and keep', () => {
  it('a disposed tensor throws on access, and disposing twice is harmless', () => {
    const t = ones([3]);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.data).toThrow(/Tensor \[3\] was disposed/);
    expect(() => t.toArray()).toThrow(/was disposed/);
    t.dispose();
  });

  it('views of a disposed tensor are disposed too; disposing a view keeps the base', () => {
    const t = ones([2, 3]);
    const v = t.reshape([6]);
    v.dispose();
    expect(t.isDisposed).toBe(false);
    expect(t.toArray()).toEqual(new Array(6).fill(1));
    const w = t.reshape([3, 2]);
    t.dispose();
    expect(w.isDisposed).toBe(true);
  });

  it('tidy disposes what fn created except what it returns (tensors, arrays, objects)', () => {
    let inner: Tensor | undefined;
    const out = tidy(() => {
      inner = ones([4]);
      const a = add(inner, 1);
      return { a, list: [mul(a, 2)] };
    });
    expect(inner!.isDisposed).toBe(true);
    expect(out.a.toArray()).toEqual([2, 2, 2, 2]);
    expect(out.list[0]!.toArray()).toEqual([4, 4, 4, 4]);
  });

  it('a returned view keeps its base alive', () => {
    const v = tidy(() => ones([2, 2]).reshape([4]));
    expect(v.isDisposed).toBe(false);
    expect(v.toArray()).toEqual([1, 1, 1, 1]);
  });

  it('keep() survives nested tidy scopes; tensors from outside are untouched', () => {
    const outside = ones([2]);
    let kept: Tensor | undefined, dropped: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(add(outside, 1));
        dropped = add(outside, 2);
      });
      expect(dropped!.isDisposed).toBe(true);
    });
    expect(kept!.isDisposed).toBe(false);
    expect(outside.isDisposed).toBe(false);
  });

  it('returned tensors pass to the enclosing scope', () => {
    let mid: Tensor | undefined;
    tidy(() => {
      mid = tidy(() => ones([2]));
      expect(mid.isDisposed).toBe(false);
    });
    expect(mid!.isDisposed).toBe(true);
  });

  it('tidy disposes even when fn throws', () => {
    let t: Tensor | undefined;
    expect(() => tidy(() => { t = ones([2]); throw new Error('boom'); })).toThrow('boom');
    // The scope is closed: a later tensor is not registered in it.
    const later = ones([2]);
    expect(later.isDisposed).toBe(false);
    void t;
  });

  it('repeated tidy training steps reuse pooled buffers (allocatedBytes does not grow)', () => {
    const w = keep(randNormal([64, 32]));
    w.requiresGrad = true;
    const x = keep(randNormal([16, 64]));
    const step = () => tidy(() => {
      const loss = sum(relu(matmul(x, w)));
      loss.backward();
      w.zeroGrad();
      return loss.item();
    });
    for (let i = 0; i < 3; i++) step();
    const before = memoryStats().allocatedBytes;
    for (let i = 0; i < 50; i++) step();
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(memoryStats().pooledBytes).toBeGreaterThan(0);
  });

  it('zeros() after dispose reuses the buffer and clears it', () => {
    const a = ones([1000]);
    const buffer = a.data;
    a.dispose();
    const b = zeros([1000]);
    expect(b.data).toBe(buffer);
    expect(b.data.every((v) => v === 0)).toBe(true);
  });
});
