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
export { backendInfo, setNumThreads, getNumThreads, type BackendInfo } from './info';
export { conv2d, conv2dOutputSize, locallyConnected2d, type Conv2dOptions } from './ops/conv';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, globalAvgPool2d, type Pool2dOptions, type MaxPool2dOptions, type AvgPool2dOptions } from './ops/pool';
export { batchNorm2d, type BatchNorm2dOptions } from './ops/normalization';
export { Conv2d, LocallyConnected2d, type Conv2dLayerOptions } from './nn/conv';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, GlobalAvgPool2d } from './nn/pooling';
export { BatchNorm2d } from './nn/batchnorm';
export { BasicBlock } from './nn/residual';
export { LeNet5, lenet5, type LeNet5Options } from './models/lenet';
export { AlexNet, alexnet, type AlexNetOptions } from './models/alexnet';
export { VGG, vgg, VGG_CONFIGS, type VggOptions, type VggConfig } from './models/vgg';
export { ResNet, resnet18, resnet34, type ResNetOptions } from './models/resnet';
export { summary, type Summary, type SummaryRow } from './models/summary';
export { freeze, unfreeze, freezeAllExcept, replaceHead } from './models/finetune';
export { parseCifar10, readCifar10, loadCifar10, CIFAR10_CLASSES, type Cifar10Batch } from './data/cifar10';
export { randomCrop, randomHorizontalFlip, augmentCifar } from './data/augment';
