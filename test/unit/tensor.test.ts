import { describe, expect, it } from 'vitest';
import { Tensor, empty, full, ones, onesLike, reshape, scalar, tensor, zeros, zerosLike, flatten, squeeze, unsqueeze } from '../../src/index';

describe('tensor creation', () => {
  it('infers shapes from nested arrays and copies values', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toNested()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(t.data).toBeInstanceOf(Float32Array);
    const src = new Float32Array([1, 2, 3, 4]);
    const u = tensor(src, [2, 2]);
    src[0] = 9;
    expect(u.toArray()).toEqual([1, 2, 3, 4]);
    expect(tensor(new Float32Array([7, 8])).shape).toEqual([2]);
    expect(tensor([]).shape).toEqual([0]);
  });

  it('makes scalars and fills', () => {
    expect(scalar(3).shape).toEqual([]);
    expect(scalar(3).item()).toBe(3);
    expect(zeros([2, 3]).toArray()).toEqual(new Array(6).fill(0));
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 2.5).toArray()).toEqual([2.5, 2.5]);
    const t = ones([4, 1]);
    expect(zerosLike(t).shape).toEqual([4, 1]);
    expect(onesLike(t).toArray()).toEqual([1, 1, 1, 1]);
    expect(empty([0, 5]).size).toBe(0);
    expect(full([2, 2], 1).fill(4).toArray()).toEqual([4, 4, 4, 4]);
  });

  it('rounds values to float32', () => {
    expect(tensor([0.1]).item()).toBe(Math.fround(0.1));
  });

  it('rejects bad input with messages naming the function and argument', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: nested arrays are ragged/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(RangeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: 3 values do not fill shape \[2, 2\]/);
    expect(() => tensor('abc' as unknown as number[], [3])).toThrow(TypeError);
    expect(() => tensor([1, 'x'] as unknown as number[], [2])).toThrow(/tensor: values\[1\] must be a number/);
    expect(() => zeros([2, -1])).toThrow(/full: shape\[1\] must be a non-negative integer, got -1/);
    expect(() => zeros([1.5])).toThrow(RangeError);
    expect(() => zeros('3' as unknown as number[])).toThrow(TypeError);
    expect(() => full([2], 'x' as unknown as number)).toThrow(/full: value must be a number/);
    expect(() => scalar(null as unknown as number)).toThrow(/scalar: value must be a number, got null/);
    expect(() => new Tensor(new Float32Array(3), [2, 2])).toThrow(/Tensor: data has 3 elements, shape \[2, 2\] needs 4/);
    expect(() => new Tensor([1, 2] as unknown as Float32Array, [2])).toThrow(TypeError);
    expect(() => ones([3]).item()).toThrow(/item: tensor has 3 elements, expected 1/);
  });
});

describe('reshape and view', () => {
  it('share data with the original', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const v = t.reshape([3, 2]);
    expect(v.shape).toEqual([3, 2]);
    expect(v.data).toBe(t.data);
    v.data[0] = 10;
    expect(t.toArray()[0]).toBe(10);
    expect(t.view([6]).data).toBe(t.data);
    expect(reshape(t, [1, 6, 1]).shape).toEqual([1, 6, 1]);
    expect(v.root).toBe(t);
  });

  it('infer one -1 dimension', () => {
    const t = zeros([4, 6]);
    expect(t.reshape([-1]).shape).toEqual([24]);
    expect(t.reshape([2, -1, 3]).shape).toEqual([2, 4, 3]);
    expect(t.reshape([-1, 8]).shape).toEqual([3, 8]);
    expect(zeros([0, 3]).reshape([-1, 3]).shape).toEqual([0, 3]);
  });

  it('reject impossible shapes naming the function', () => {
    const t = zeros([4, 6]);
    expect(() => t.reshape([5, 5])).toThrow(/reshape: cannot reshape \[4, 6\] \(24 elements\) to \[5, 5\] \(25 elements\)/);
    expect(() => t.reshape([-1, -1])).toThrow(/reshape: only one dimension can be -1/);
    expect(() => t.reshape([-1, 5])).toThrow(/reshape: cannot reshape \[4, 6\]/);
    expect(() => t.reshape([2.5, -1])).toThrow(/reshape: shape\[0\] must be a non-negative integer or -1, got 2.5/);
    expect(() => t.reshape([-2, 12])).toThrow(RangeError);
    expect(() => zeros([0, 3]).reshape([0, -1])).toThrow(RangeError);
  });

  it('flatten, squeeze and unsqueeze share data too', () => {
    const t = zeros([2, 1, 3, 1]);
    expect(flatten(t).shape).toEqual([2, 3]);
    expect(flatten(t, 0).shape).toEqual([6]);
    expect(squeeze(t).shape).toEqual([2, 3]);
    expect(squeeze(t, 1).shape).toEqual([2, 3, 1]);
    expect(squeeze(t, 0).shape).toEqual([2, 1, 3, 1]);
    expect(unsqueeze(t, -1).shape).toEqual([2, 1, 3, 1, 1]);
    expect(unsqueeze(t, 0).data).toBe(t.data);
    expect(() => unsqueeze(t, 6)).toThrow(/unsqueeze: dim must be in \[-5, 4\], got 6/);
    expect(() => squeeze(t, 4)).toThrow(/squeeze: dim must be in/);
    expect(() => flatten(t, 3, 1)).toThrow(/flatten: need 0 <= startDim/);
  });
});
