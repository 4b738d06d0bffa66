import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  add, div, exp, leakyRelu, linear, log, logSoftmax, matmul, mean, mul, mulScalar, randNormal, randUniform,
  relu, reshape, sigmoid, softmax, softplus, sqrt, square, sub, sum, tanh, abs, manualSeed, setBackend,
  getBackend, type Tensor,
} from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

/** A fixed random weighting, so checks see every output element (not just their sum). */
function weightedSum(y: Tensor): Tensor {
  const w = randUniform(y.shape, 0.5, 1.5);
  return sum(mul(y, w));
}

describe.each(BACKEND_NAMES)('op gradients on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  const seeded = (seed: number) => { manualSeed(seed); };

  it('add/sub/mul/div with broadcasting', () => {
    seeded(1);
    const a = randNormal([3, 4]), b = randNormal([4]), c = randUniform([3, 1], 1, 2);
    gradCheck((a, b, c) => { manualSeed(9); return weightedSum(div(mul(add(a, b), sub(a, c)), c)); }, [a, b, c]);
  });

  it('matmul 2-D and batched', () => {
    seeded(2);
    gradCheck((a, b) => { manualSeed(9); return weightedSum(matmul(a, b)); }, [randNormal([5, 3]), randNormal([3, 4])]);
    gradCheck((a, b) => { manualSeed(9); return weightedSum(matmul(a, b)); }, [randNormal([2, 3, 4]), randNormal([2, 4, 5])]);
  });

  it('linear with bias', () => {
    seeded(3);
    gradCheck((x, w, b) => { manualSeed(9); return weightedSum(linear(x, w, b)); }, [randNormal([4, 6]), randNormal([3, 6]), randNormal([3])]);
  });

  it('activations', () => {
    seeded(4);
    // Keep relu-type inputs away from the kink at 0.
    const x = randUniform([20], 0.1, 2);
    const signs = randUniform([20], 0, 1).data.map((u) => (u < 0.5 ? -1 : 1));
    x.data.forEach((v, i) => (x.data[i] = v * signs[i]!));
    for (const f of [relu, (t: Tensor) => leakyRelu(t, 0.1), sigmoid, tanh, exp, softplus, square, abs]) {
      gradCheck((x) => { manualSeed(9); return weightedSum(f(x)); }, [x]);
    }
    const pos = randUniform([10], 0.5, 2);
    gradCheck((x) => { manualSeed(9); return weightedSum(log(x)); }, [pos]);
    gradCheck((x) => { manualSeed(9); return weightedSum(sqrt(x)); }, [pos]);
  });

  it('softmax and logSoftmax', () => {
    seeded(5);
    gradCheck((x) => { manualSeed(9); return weightedSum(softmax(x)); }, [randNormal([3, 5])]);
    gradCheck((x) => { manualSeed(9); return weightedSum(logSoftmax(x)); }, [randNormal([3, 5])]);
  });

  it('sum, mean, reshape, mulScalar', () => {
    seeded(6);
    gradCheck((x) => { manualSeed(9); return weightedSum(sum(x, 1)); }, [randNormal([2, 3, 4])]);
    gradCheck((x) => { manualSeed(9); return weightedSum(mean(x, 0, true)); }, [randNormal([2, 3, 4])]);
    gradCheck((x) => { manualSeed(9); return weightedSum(mulScalar(reshape(x, [6, -1]), -3)); }, [randNormal([2, 3, 4])]);
  });

  it('a tensor used twice gets both gradients', () => {
    seeded(7);
    gradCheck((x) => { manualSeed(9); return weightedSum(mul(x, tanh(x))); }, [randNormal([8])]);
  });
});
