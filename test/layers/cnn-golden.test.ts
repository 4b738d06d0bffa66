/**
 * Replays test/fixtures/cnn-golden.safetensors (scripts/make-cnn-fixture.py, PyTorch 1.13):
 * the same network built from neurite layers, loaded from PyTorch's state dict by name, must
 * give PyTorch's outputs, input gradient, parameter gradients and updated running statistics.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, flatten, getBackend, MaxPool2d, noGrad, relu, setBackend, tanh,
  type Tensor,
} from '../../src/index';
import { Linear } from '../../src/nn/layers';
import { Module } from '../../src/nn/module';
import { BACKEND_NAMES, expectClose } from '../helpers/backends';
import { readSafetensors } from '../helpers/safetensors';

class GoldenNet extends Module {
  static override className = 'GoldenNet';
  conv1 = this.registerModule('conv1', new Conv2d(3, 8, 3, { stride: 2, padding: 1 }));
  bn1 = this.registerModule('bn1', new BatchNorm2d(8));
  conv2 = this.registerModule('conv2', new Conv2d(8, 8, 3, { padding: 2, dilation: 2, groups: 2 }));
  pool1 = new MaxPool2d(2);
  conv3 = this.registerModule('conv3', new Conv2d(8, 8, 3, { padding: 1, groups: 8, bias: false }));
  pool2 = new AvgPool2d(2, { stride: 1, padding: 1 });
  conv4 = this.registerModule('conv4', new Conv2d(8, 6, [1, 2], { stride: [1, 2], padding: [0, 1] }));
  fc = this.registerModule('fc', new Linear(6, 5));

  forward(x: Tensor): Tensor {
    let y = relu(this.bn1.forward(this.conv1.forward(x)));
    y = relu(this.conv2.forward(y));
    y = this.pool2.forward(this.conv3.forward(this.pool1.forward(y)));
    y = tanh(this.conv4.forward(y));
    return this.fc.forward(flatten(adaptiveAvgPool2d(y, 1), 1));
  }
}

const fixture = readSafetensors(join(__dirname, '../fixtures/cnn-golden.safetensors'));
const get = (name: string) => {
  const t = fixture.get(name);
  if (!t) throw new Error(`fixture lacks ${name}`);
  return t;
};

describe.each(BACKEND_NAMES)('PyTorch golden CNN on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  it('matches outputs, all gradients, running statistics and the eval output', () => {
    const model = new GoldenNet();
    const state = new Map([...fixture].filter(([k]) => k.startsWith('state.')).map(([k, v]) => [k.slice(6), v]));
    model.loadStateDict(state);
    const x = get('input').clone();
    x.requiresGrad = true;
    const y = model.forward(x);
    expectClose(y.data, get('output').data, 1e-4, 1e-5);
    y.backward(get('grad_output'));
    expectClose(x.grad!.data, get('grad.input').data, 1e-3, 1e-5);
    for (const [pname, p] of model.namedParameters()) {
      expect(p.grad, pname).not.toBeNull();
      expectClose(p.grad!.data, get(`grad.${pname}`).data, 1e-3, 1e-5);
    }
    for (const [bname, b] of model.namedBuffers()) expectClose(b.data, get(`after.${bname}`).data, 1e-4, 1e-6);
    model.eval();
    expectClose(noGrad(() => model.forward(x)).data, get('output_eval').data, 1e-4, 1e-5);
  });
});
