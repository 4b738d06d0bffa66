import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, loadFashionMnist, setBackend, trainLenet5 } from '../../src/index';
import { nativeUnavailableReason } from '../../src/backend/registry';

describe('zoo lenet5', () => {
  // Several epochs of training are only affordable on the native kernels; the js backend runs
  // the same code paths in the CNN gradient and golden tests.
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend('native'); });
  afterAll(() => setBackend(previous));

  it('reaches at least 85% test accuracy on the shipped Fashion-MNIST subset', async () => {
    expect(nativeUnavailableReason()).toBeUndefined();
    const { train, test } = loadFashionMnist({ layout: 'NCHW' });
    expect(train.x.shape).toEqual([10000, 1, 28, 28]);
    const result = await trainLenet5({ train, test, validateEachEpoch: false });
    expect(result.model.parameterCount()).toBe(61706);
    expect(result.history.epochs).toHaveLength(8);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.85);
  }, 300_000);

  it('rejects images that are not 28x28', async () => {
    const { test } = loadFashionMnist({ layout: 'flat', subset: { test: 20 } });
    await expect(trainLenet5({ train: { x: test.x.reshape([10, 1568]), y: test.y }, test })).rejects.toThrow(/does not hold 28x28 images/);
  });
});
