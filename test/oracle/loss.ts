/** The loss formulas written as plainly as possible, in float64: the reference for both backends. */

export type PointwiseName = 'hinge' | 'squaredHinge' | 'binaryCrossEntropy' | 'binaryCrossEntropyWithLogits' | 'mse' | 'l1' | 'pseudoHuber';
export type ClassName = 'multiMargin' | 'squaredMultiMargin' | 'crossEntropy';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function pointwiseOracle(kind: PointwiseName, y: ArrayLike<number>, t: ArrayLike<number>, delta = 1): { values: number[]; grads: number[] } {
  const values: number[] = [], grads: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const a = y[i]!, b = t[i]!;
    switch (kind) {
      case 'hinge': values.push(Math.max(0, 1 - a * b)); grads.push(1 - a * b > 0 ? -b : 0); break;
      case 'squaredHinge': values.push(Math.max(0, 1 - a * b) ** 2); grads.push(-2 * b * Math.max(0, 1 - a * b)); break;
      case 'binaryCrossEntropy': values.push(-(b * Math.log(a) + (1 - b) * Math.log(1 - a))); grads.push(-b / a + (1 - b) / (1 - a)); break;
      case 'binaryCrossEntropyWithLogits': {
        const p = sigmoid(a);
        values.push(-(b * Math.log(p) + (1 - b) * Math.log(1 - p)));
        grads.push(p - b);
        break;
      }
      case 'mse': values.push((a - b) ** 2); grads.push(2 * (a - b)); break;
      case 'l1': values.push(Math.abs(a - b)); grads.push(Math.sign(a - b)); break;
      case 'pseudoHuber': {
        const r = (a - b) / delta;
        values.push(delta * delta * (Math.sqrt(1 + r * r) - 1));
        grads.push((a - b) / Math.sqrt(1 + r * r));
        break;
      }
    }
  }
  return { values, grads };
}

/** y is (N, C) row-major, t holds N class indices. Per-row losses and the (N, C) gradient. */
export function classOracle(kind: ClassName, y: ArrayLike<number>, t: ArrayLike<number>, N: number, C: number): { values: number[]; grads: number[] } {
  const values: number[] = [], grads = new Array<number>(N * C).fill(0);
  for (let r = 0; r < N; r++) {
    const row = Array.from({ length: C }, (_, j) => y[r * C + j]!);
    const k = t[r]!;
    if (kind === 'crossEntropy') {
      const m = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
      values.push(-(row[k]! - m - Math.log(z)));
      row.forEach((v, j) => (grads[r * C + j] = Math.exp(v - m) / z - (j === k ? 1 : 0)));
      continue;
    }
    let loss = 0;
    for (let j = 0; j < C; j++) {
      if (j === k) continue;
      const margin = Math.max(0, 1 - (row[k]! - row[j]!));
      loss += kind === 'multiMargin' ? margin : margin * margin;
      const g = margin > 0 ? (kind === 'multiMargin' ? 1 : 2 * margin) : 0;
      grads[r * C + j] += g;
      grads[r * C + k] -= g;
    }
    values.push(loss);
  }
  return { values, grads };
}
