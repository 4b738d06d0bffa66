import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../helpers/backends';
import { getBackend, setBackend } from '../../src/backend/registry';
import { memoryStats } from '../../src/memory';
import { Conv2d } from '../../src/nn/conv';
import { Flatten, Linear, ReLU, Sequential } from '../../src/nn/layers';
import { MaxPool2d } from '../../src/nn/pooling';
import { mlp } from '../../src/zoo/mlp';
import { RecurrentClassifier, targetStepSpecs, trainingStepWorkload, type StepSpec } from '../../src/bench/steps';

// Small versions of the benchmark's training steps: after the first step (which fills the
// pool), a step must take every buffer it needs from the pool.
const SMALL: StepSpec[] = [
  { name: 'mlp', build: () => mlp({ inputSize: 20, hidden: [16, 12], classes: 4 }), input: [8, 20], classes: 4 },
  {
    name: 'cnn',
    build: () => new Sequential(new Conv2d(2, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3)),
    input: [4, 2, 8, 8],
    classes: 3,
  },
  { name: 'lstm', build: () => new RecurrentClassifier('lstm', 5, 6, 3), input: [7, 4, 5], batch: 4, classes: 3 },
  { name: 'gru', build: () => new RecurrentClassifier('gru', 5, 6, 3), input: [7, 4, 5], batch: 4, classes: 3 },
];

describe.each(BACKEND_NAMES)('training steps reuse their buffers (%s)', (name) => {
  const before = getBackend();
  beforeAll(() => setBackend(name));
  afterAll(() => setBackend(before));

  it.each(SMALL.map((s) => [s.name, s] as const))('%s: no new pool allocations after the first steps', (_, spec) => {
    const step = trainingStepWorkload(spec).setup();
    step();
    step();
    const allocated = memoryStats().allocatedBytes;
    for (let i = 0; i < 4; i++) step();
    expect(memoryStats().allocatedBytes - allocated).toBe(0);
  });

  it('the steps change the parameters (the workload trains)', () => {
    const spec = SMALL[0]!;
    const model = spec.build();
    expect(model.parameters().length).toBeGreaterThan(0);
    const step = trainingStepWorkload({ ...spec, build: () => model }).setup();
    const w0 = Array.from(model.parameters()[0]!.data);
    step();
    expect(Array.from(model.parameters()[0]!.data)).not.toEqual(w0);
  });
});

describe('target step workloads', () => {
  it('cover every network of the targets, with unique names and keys', () => {
    const specs = targetStepSpecs();
    expect(specs.map((s) => s.key)).toEqual(['lenet5', 'cifar', 'lstm128', 'gru128', 'lstm512', 'gru512', 'mlp']);
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    for (const s of specs) expect(s.flops).toBeGreaterThan(0);
  });
});
