/**
 * Metrics for fit()/evaluate(): a metric maps one batch's predictions and targets to a
 * number (the batch mean); the epoch value is the mean over samples. Built in:
 *
 *   'accuracy'        predictions (N, C) scores, targets (N) class indices: share with argmax == target
 *   'binaryAccuracy'  predictions and targets of the same size: share with (y > 0.5) == (t > 0.5)
 *   'mae'             mean |y - t|
 */
import { describe, formatShape, type Tensor } from '../tensor';

export type MetricFn = (prediction: Tensor, target: Tensor) => number;

export interface Metric {
  name: string;
  fn: MetricFn;
}

/** Share of rows whose highest score is at the target class index. */
export function accuracy(prediction: Tensor, target: Tensor): number {
  if (prediction.rank !== 2 || target.size !== prediction.shape[0]) {
    throw new RangeError(`accuracy: needs predictions (N, C) and N class indices, got ${formatShape(prediction.shape)} and ${formatShape(target.shape)} (for one output per sample use 'binaryAccuracy')`);
  }
  const [N, C] = prediction.shape as [number, number];
  const p = prediction.data, t = target.data;
  let correct = 0;
  for (let r = 0; r < N; r++) {
    let best = 0, bestValue = p[r * C]!;
    for (let j = 1; j < C; j++) {
      const v = p[r * C + j]!;
      if (v > bestValue) { bestValue = v; best = j; }
    }
    if (best === t[r]) correct++;
  }
  return N === 0 ? 0 : correct / N;
}

/** Share of elements on the same side of 0.5 as the target (probabilities vs 0/1 labels). */
export function binaryAccuracy(prediction: Tensor, target: Tensor): number {
  if (prediction.size !== target.size) {
    throw new RangeError(`binaryAccuracy: predictions ${formatShape(prediction.shape)} and targets ${formatShape(target.shape)} differ in size`);
  }
  const p = prediction.data, t = target.data;
  let correct = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0.5 === t[i]! > 0.5) correct++;
  return p.length === 0 ? 0 : correct / p.length;
}

/** Mean absolute error. */
export function mae(prediction: Tensor, target: Tensor): number {
  if (prediction.size !== target.size) {
    throw new RangeError(`mae: predictions ${formatShape(prediction.shape)} and targets ${formatShape(target.shape)} differ in size`);
  }
  const p = prediction.data, t = target.data;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - t[i]!);
  return p.length === 0 ? 0 : s / p.length;
}

const BUILT_IN: Record<string, MetricFn> = { accuracy, binaryAccuracy, mae };

/** Normalizes metric options: names of built-ins, { name, fn } objects, or named functions. */
export function resolveMetrics(fn: string, metrics: unknown): Metric[] {
  if (metrics === undefined) return [];
  if (!Array.isArray(metrics)) throw new TypeError(`${fn}: metrics must be an array, got ${describe(metrics)}`);
  return metrics.map((m) => {
    if (typeof m === 'string') {
      if (!Object.prototype.hasOwnProperty.call(BUILT_IN, m)) {
        throw new RangeError(`${fn}: unknown metric "${m}" (built in: ${Object.keys(BUILT_IN).join(', ')})`);
      }
      return { name: m, fn: BUILT_IN[m]! };
    }
    if (typeof m === 'function' && m.name) return { name: m.name, fn: m as MetricFn };
    if (m && typeof m === 'object' && typeof m.name === 'string' && typeof m.fn === 'function') return m as Metric;
    throw new TypeError(`${fn}: a metric must be a name, a named function or { name, fn }, got ${describe(m)}`);
  });
}
