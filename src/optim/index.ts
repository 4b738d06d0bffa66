/** Optimizers, learning-rate schedules and gradient clipping (torch.optim and friends). */
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type RegularizationOptions } from './optimizer';
export { SGD, type SGDOptions } from './sgd';
export { Adam, AdamW, type AdamOptions } from './adam';
export { RMSprop, type RMSpropOptions } from './rmsprop';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR } from './scheduler';
export { clipGradValue, clipGradNorm } from './clip';
