/**
 * Learning-rate schedules (torch.optim.lr_scheduler): call step() once per epoch, after the
 * epoch's optimizer steps. Each schedule sets every group's lr from its initial lr, in closed form:
 *
 *   StepLR              lr = lr0 * gamma^floor(epoch / stepSize)
 *   ExponentialLR       lr = lr0 * gamma^epoch
 *   CosineAnnealingLR   lr = etaMin + (lr0 - etaMin) * (1 + cos(pi * epoch / tMax)) / 2
 */
import { describe } from '../tensor';
import type { Optimizer } from './optimizer';

export abstract class LRScheduler {
  /** Epochs completed (step() calls so far). */
  lastEpoch = 0;
  protected readonly baseLrs: number[];

  constructor(readonly optimizer: Optimizer<{ lr: number }>) {
    this.baseLrs = optimizer.getLr();
  }

  /** The lr of group `i` at epoch `epoch`. */
  protected abstract lrAt(baseLr: number, epoch: number): number;

  /** Advances one epoch and updates the optimizer's learning rates. */
  step(): void {
    this.lastEpoch += 1;
    this.apply();
  }

  getLastLr(): number[] {
    return this.optimizer.getLr();
  }

  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(state: { lastEpoch: number }): void {
    if (!state || !Number.isInteger(state.lastEpoch) || state.lastEpoch < 0) {
      throw new RangeError(`${this.constructor.name}.loadStateDict: lastEpoch must be an integer >= 0, got ${describe(state?.lastEpoch)}`);
    }
    this.lastEpoch = state.lastEpoch;
    this.apply();
  }

  private apply(): void {
    this.baseLrs.forEach((lr, i) => this.optimizer.setLr(this.lrAt(lr, this.lastEpoch), i));
  }
}

function positive(cls: string, name: string, v: unknown, integer = false): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${cls}: ${name} must be a ${integer ? 'positive integer' : 'finite number > 0'}, got ${describe(v)}`);
  }
  return v;
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer<{ lr: number }>, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    this.stepSize = positive('StepLR', 'stepSize', options?.stepSize, true);
    this.gamma = positive('StepLR', 'gamma', options.gamma ?? 0.1);
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer<{ lr: number }>, options: { gamma: number }) {
    super(optimizer);
    this.gamma = positive('ExponentialLR', 'gamma', options?.gamma);
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** epoch;
  }
}

/** Cosine annealing from the initial lr to etaMin over tMax epochs (then back up, periodically). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer<{ lr: number }>, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    this.tMax = positive('CosineAnnealingLR', 'tMax', options?.tMax, true);
    const etaMin = options.etaMin ?? 0;
    if (typeof etaMin !== 'number' || !(etaMin >= 0)) throw new RangeError(`CosineAnnealingLR: etaMin must be a number >= 0, got ${describe(etaMin)}`);
    this.etaMin = etaMin;
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
