/**
 * Module forms of the losses in ops/loss.ts (torch.nn.CrossEntropyLoss and friends):
 * `new CrossEntropyLoss().forward(logits, labels)`. Each keeps its options (reduction, delta).
 */
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, hingeLoss, l1Loss, mseLoss, multiMarginLoss,
  pseudoHuberLoss, squaredHingeLoss, squaredMultiMarginLoss, type LossOptions, type Reduction,
} from '../ops/loss';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { registerModuleClass } from './registry';

/** Base of the loss modules: holds the reduction and applies one functional loss. */
export abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }
  protected abstract fn(y: Tensor, t: Tensor, options: LossOptions): Tensor;
  forward(y: Tensor, t: Tensor): Tensor {
    return this.fn(y, t, { reduction: this.reduction });
  }
  override getConfig(): Record<string, unknown> {
    return { reduction: this.reduction };
  }
}

/** max(0, 1 - y t), t in {-1, +1}. */
export class HingeLoss extends Loss {
  static override className = 'HingeLoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return hingeLoss(y, t, o); }
  static fromConfig(c: Record<string, unknown>): HingeLoss { return new HingeLoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** max(0, 1 - y t)^2. */
export class SquaredHingeLoss extends Loss {
  static override className = 'SquaredHingeLoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return squaredHingeLoss(y, t, o); }
  static fromConfig(c: Record<string, unknown>): SquaredHingeLoss { return new SquaredHingeLoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** Binary cross-entropy on probabilities. */
export class BCELoss extends Loss {
  static override className = 'BCELoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return binaryCrossEntropy(y, t, o); }
  static fromConfig(c: Record<string, unknown>): BCELoss { return new BCELoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** Binary cross-entropy on logits (stable). */
export class BCEWithLogitsLoss extends Loss {
  static override className = 'BCEWithLogitsLoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return binaryCrossEntropyWithLogits(y, t, o); }
  static fromConfig(c: Record<string, unknown>): BCEWithLogitsLoss { return new BCEWithLogitsLoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** Multiclass hinge sum_{j != t} max(0, 1 - (y_t - y_j)). */
export class MultiMarginLoss extends Loss {
  static override className = 'MultiMarginLoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return multiMarginLoss(y, t, o); }
  static fromConfig(c: Record<string, unknown>): MultiMarginLoss { return new MultiMarginLoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** Squared multiclass hinge. */
export class SquaredMultiMarginLoss extends Loss {
  static override className = 'SquaredMultiMarginLoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return squaredMultiMarginLoss(y, t, o); }
  static fromConfig(c: Record<string, unknown>): SquaredMultiMarginLoss { return new SquaredMultiMarginLoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** Softmax cross-entropy from logits; targets are class indices. */
export class CrossEntropyLoss extends Loss {
  static override className = 'CrossEntropyLoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return crossEntropy(y, t, o); }
  static fromConfig(c: Record<string, unknown>): CrossEntropyLoss { return new CrossEntropyLoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** (y - t)^2. */
export class MSELoss extends Loss {
  static override className = 'MSELoss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return mseLoss(y, t, o); }
  static fromConfig(c: Record<string, unknown>): MSELoss { return new MSELoss({ reduction: c.reduction as Reduction | undefined }); }
}

/** |y - t|. */
export class L1Loss extends Loss {
  static override className = 'L1Loss';
  protected fn(y: Tensor, t: Tensor, o: LossOptions): Tensor { return l1Loss(y, t, o); }
  static fromConfig(c: Record<string, unknown>): L1Loss { return new L1Loss({ reduction: c.reduction as Reduction | undefined }); }
}

/** delta^2 (sqrt(1 + ((y - t) / delta)^2) - 1). */
export class PseudoHuberLoss extends Module {
  // Not a Loss subclass: it has delta as well as the reduction.
  static override className = 'PseudoHuberLoss';
  readonly reduction: Reduction;
  readonly delta: number;
  constructor(options: LossOptions & { delta?: number } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.delta = options.delta ?? 1;
  }
  forward(y: Tensor, t: Tensor): Tensor {
    return pseudoHuberLoss(y, t, { reduction: this.reduction, delta: this.delta });
  }
  override getConfig(): Record<string, unknown> {
    return { reduction: this.reduction, delta: this.delta };
  }
  static fromConfig(c: Record<string, unknown>): PseudoHuberLoss {
    return new PseudoHuberLoss({ reduction: c.reduction as Reduction | undefined, delta: c.delta as number | undefined });
  }
}
for (const cls of [HingeLoss, SquaredHingeLoss, BCELoss, BCEWithLogitsLoss, MultiMarginLoss, SquaredMultiMarginLoss, CrossEntropyLoss, MSELoss, L1Loss, PseudoHuberLoss]) {
  registerModuleClass(cls);
}
