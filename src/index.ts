/**
 * neurite: deep learning for Node.js. Public entry point; everything users import is
 * re-exported here.
 */
export { Tensor, shapeSize, type Shape, type NestedArray } from './tensor';
export { tensor, scalar, zeros, ones, full, empty, zerosLike, onesLike, randUniform, randNormal, type RandomOptions } from './ops/creation';
export { reshape, flatten, squeeze, unsqueeze } from './ops/shape';
export { add, sub, mul, div, mulScalar } from './ops/binary';
export { relu, leakyRelu, sigmoid, tanh, exp, log, abs, sqrt, square, neg, softplus } from './ops/unary';
export { matmul, linear } from './ops/matmul';
export { sum, mean } from './ops/reduce';
export { softmax, logSoftmax } from './ops/softmax';
export { noGrad, isGradEnabled } from './autograd';
export { tidy, keep } from './scope';
export { memoryStats, setPoolLimit, type MemoryStats } from './memory';
export { Random, manualSeed, defaultRandom, type RandomState } from './random';
export { getBackend, setBackend, getBackendByName } from './backend/registry';
export type { Backend, BackendName, Kernels } from './backend/backend';
export { backendInfo, setNumThreads, getNumThreads, setIsa, getIsa, supportedIsas, type BackendInfo } from './info';
