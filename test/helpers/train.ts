/**
 * A hand-written optimizer and training loop for checkpoint tests, independent of the optim
 * module: SGD with momentum (PyTorch's form: buf = momentum * buf + grad; w -= lr * buf), its
 * state dict in the { config, state } shape of neurite's Optimizer, and an epoch loop whose
 * data order and input noise both come from generators, so a resumed run only matches an
 * uninterrupted one if every piece of state was restored.
 */
import { noGrad } from '../../src/autograd';
import { DataLoader } from '../../src/data/loader';
import type { CheckpointOptimizer } from '../../src/io/checkpoint';
import type { Module } from '../../src/nn/module';
import { mean, sub, square } from '../../src/index';
import { add } from '../../src/ops/binary';
import { randNormal } from '../../src/ops/creation';
import { tidy } from '../../src/scope';
import { Tensor } from '../../src/tensor';

export class TestMomentumSGD implements CheckpointOptimizer {
  private buffers: Float32Array[] | null = null;

  constructor(readonly params: Tensor[], public lr: number, readonly momentum: number) {}

  step(): void {
    this.buffers ??= this.params.map((p) => new Float32Array(p.size));
    this.params.forEach((p, i) => {
      const g = p.grad!.data, buf = this.buffers![i]!, w = p.data;
      for (let k = 0; k < w.length; k++) {
        buf[k] = this.momentum * buf[k]! + g[k]!;
        w[k] -= this.lr * buf[k]!;
      }
    });
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  stateDict(): { config: Record<string, unknown>; state: Record<string, Tensor> } {
    const state: Record<string, Tensor> = {};
    this.buffers?.forEach((b, i) => (state[`${i}.momentum_buffer`] = new Tensor(b, this.params[i]!.shape)));
    return { config: { type: 'TestMomentumSGD', lr: this.lr, momentum: this.momentum }, state };
  }

  loadStateDict(sd: { config: Record<string, unknown>; state: Record<string, Tensor> }): void {
    const keys = Object.keys(sd.state);
    if (keys.length === 0) {
      this.buffers = null;
    } else {
      this.buffers = this.params.map((p, i) => {
        const t = sd.state[`${i}.momentum_buffer`];
        if (!t || t.size !== p.size) throw new RangeError(`TestMomentumSGD.loadStateDict: bad state for parameter ${i}`);
        return Float32Array.from(t.data);
      });
    }
    this.lr = sd.config.lr as number;
  }
}

/** Runs epochs [from, to) of a regression loop; the inputs get noise from the default generator. */
export function trainEpochs(model: Module, optimizer: TestMomentumSGD, loader: DataLoader, from: number, to: number): number[] {
  const losses: number[] = [];
  for (let epoch = from; epoch < to; epoch++) {
    for (const batch of loader) {
      const loss = tidy(() => {
        const noisy = add(batch.x, randNormal(batch.x.shape, 0, 0.05));
        const l = mean(square(sub(model.forward(noisy), batch.y)));
        optimizer.zeroGrad();
        l.backward();
        noGrad(() => optimizer.step());
        return l.item();
      });
      losses.push(loss);
    }
  }
  return losses;
}
