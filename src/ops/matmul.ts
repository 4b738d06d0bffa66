/** Matrix products on the GEMM kernels: matmul (2-D and batched 3-D) and linear. */
import { gradBuffer, gradTarget, record } from '../autograd';
import { backend } from '../backend/registry';
import { acquire } from '../memory';
import { describe, formatShape, Tensor } from '../tensor';

function checkTensor(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
}

/**
 * Matrix product. a is (M, K) and b is (K, N), giving (M, N); or a is (B, M, K) and b is
 * (B, K, N), giving (B, M, N).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  if (a.rank === 2 && b.rank === 2) {
    const [M, K] = a.shape as [number, number];
    const [K2, N] = b.shape as [number, number];
    if (K !== K2) throw new RangeError(`matmul: a ${formatShape(a.shape)} and b ${formatShape(b.shape)}: inner dimensions ${K} != ${K2}`);
    const out = new Tensor(acquire(M * N), [M, N]);
    backend().sgemm(false, false, M, N, K, 1, a.data, K, b.data, N, 0, out.data, N);
    return record(out, 'matmul', [a, b], (dout) => {
      const B = backend();
      const da = gradBuffer(a);
      if (da) B.sgemm(false, true, M, K, N, 1, dout, N, b.data, N, 1, da, K); // dA += dC B^T
      const db = gradBuffer(b);
      if (db) B.sgemm(true, false, K, N, M, 1, a.data, K, dout, N, 1, db, N); // dB += A^T dC
    });
  }
  if (a.rank === 3 && b.rank === 3) {
    const [Bt, M, K] = a.shape as [number, number, number];
    const [Bt2, K2, N] = b.shape as [number, number, number];
    if (Bt !== Bt2 || K !== K2) {
      throw new RangeError(`matmul: a ${formatShape(a.shape)} and b ${formatShape(b.shape)} do not match (batch ${Bt} vs ${Bt2}, inner ${K} vs ${K2})`);
    }
    const out = new Tensor(acquire(Bt * M * N), [Bt, M, N]);
    backend().sgemmBatched(false, false, M, N, K, 1, a.data, K, M * K, b.data, N, K * N, 0, out.data, N, M * N, Bt);
    return record(out, 'matmul', [a, b], (dout) => {
      const B = backend();
      const da = gradBuffer(a);
      if (da) B.sgemmBatched(false, true, M, K, N, 1, dout, N, M * N, b.data, N, K * N, 1, da, K, M * K, Bt);
      const db = gradBuffer(b);
      if (db) B.sgemmBatched(true, false, K, N, M, 1, a.data, K, M * K, dout, N, M * N, 1, db, N, K * N, Bt);
    });
  }
  throw new RangeError(`matmul: expected two 2-D or two 3-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
}

/**
 * y = x W^T + b, as torch.nn.functional.linear. x is (N, in), weight is (out, in), bias is
 * (out) or omitted; y is (N, out).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('linear', 'x', x);
  checkTensor('linear', 'weight', weight);
  if (x.rank !== 2 || weight.rank !== 2) {
    throw new RangeError(`linear: x must be 2-D (got ${formatShape(x.shape)}) and weight 2-D (got ${formatShape(weight.shape)})`);
  }
  const [N, I] = x.shape as [number, number];
  const [O, I2] = weight.shape as [number, number];
  if (I !== I2) throw new RangeError(`linear: x has ${I} features but weight ${formatShape(weight.shape)} expects ${I2}`);
  if (bias) {
    checkTensor('linear', 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== O) {
      throw new RangeError(`linear: bias must have shape [${O}], got ${formatShape(bias.shape)}`);
    }
  }
  const B = backend();
  const out = new Tensor(acquire(N * O), [N, O]);
  B.sgemm(false, true, N, O, I, 1, x.data, I, weight.data, I, 0, out.data, O);
  if (bias) B.biasAddForward(out.data, bias.data, N, O);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, 'linear', inputs, (dout) => {
    const K = backend();
    const dx = gradTarget(x);
    if (dx) K.sgemm(false, false, N, I, O, 1, dout, O, weight.data, I, dx.accumulate ? 1 : 0, dx.data, I); // dx (+)= dy W
    const dw = gradTarget(weight);
    if (dw) K.sgemm(true, false, O, I, N, 1, dout, O, x.data, I, dw.accumulate ? 1 : 0, dw.data, I); // dW (+)= dy^T x
    const db = bias ? gradBuffer(bias) : null;
    if (db) K.biasAddBackward(dout, db, N, O);
  });
}
