/** Training loop, metrics and the data contract (see README.md here). */
export {
  fit, evaluate, predict, CHECKPOINT_FILE, type CheckpointOptions,
  type FitOptions, type EvaluateOptions, type PredictOptions, type History, type Callbacks, type BatchInfo,
  type EpochInfo, type EarlyStoppingOptions, type LossSpec, type LossFn, type LossName,
} from './fit';
export { accuracy, binaryAccuracy, mae, type Metric, type MetricFn } from './metrics';
export type { Batch, BatchSource, FitData, TensorPair } from './data';
