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
export { PCA, symmetricEigen, type PCAConfig } from './decomposition/pca';
export { RgbaImage, decodePng, type Rgb } from './viz/image';
export { imageGrid, type ImageGridOptions } from './viz/grid';
export { scatterPlot, CLASS_COLORS, type ScatterPlotOptions } from './viz/scatter';
export {
  reparameterize, klDivergenceStdNormal, ganDiscriminatorLoss, ganGeneratorLoss, type ReparameterizeOptions, type KlOptions,
  type GanDiscriminatorLossOptions,
} from './generative/functional';
export {
  Autoencoder, corrupt, reconstructionLoss, type AutoencoderOptions, type Noise, type OutputActivation,
} from './generative/autoencoder';
export { VariationalAutoencoder, type VAEParts, type VAEOptions, type VAELoss } from './generative/vae';
export { GAN, type GANOptions, type GANStepResult, type StepOptimizer } from './generative/gan';
export {
  hingeLoss, squaredHingeLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, multiMarginLoss,
  squaredMultiMarginLoss, crossEntropy, mseLoss, l1Loss, pseudoHuberLoss,
  type Reduction, type LossOptions, type PseudoHuberOptions,
} from './ops/loss';
export {
  Optimizer, SGD, Adam, AdamW, RMSprop, LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR,
  clipGradValue, clipGradNorm,
  type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type RegularizationOptions,
  type SGDOptions, type AdamOptions, type RMSpropOptions,
} from './optim/index';
export {
  Module, Sequential, Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Dropout, Flatten,
  Loss, HingeLoss, SquaredHingeLoss, BCELoss, BCEWithLogitsLoss, MultiMarginLoss, SquaredMultiMarginLoss,
  CrossEntropyLoss, MSELoss, L1Loss, PseudoHuberLoss,
  init, type StateDict, type LinearOptions,
} from './nn/index';
export { registerModuleClass, getModuleClass, registeredModuleClasses, moduleToConfig, moduleFromConfig, type ModuleClass, type ModuleConfig } from './nn/registry';
export {
  calculateGain, calculateFans, xavierUniform, xavierNormal, kaimingUniform, kaimingNormal,
  glorotUniform, glorotNormal, heUniform, heNormal, uniform_, normal_,
  type Nonlinearity, type InitOptions, type XavierOptions, type KaimingOptions,
} from './nn/init';
export { dropout, type DropoutOptions } from './ops/dropout';
export {
  fit, evaluate, predict, accuracy, binaryAccuracy, mae,
  type FitOptions, type EvaluateOptions, type PredictOptions, type History, type Callbacks, type BatchInfo,
  type EpochInfo, type EarlyStoppingOptions, type LossSpec, type LossFn, type LossName, type Metric, type MetricFn,
  type BatchSource, type FitData, type TensorPair,
} from './train/index';
export { mlp, trainMlp, type MlpOptions, type TrainMlpOptions, type TrainMlpResult, type LabelledSplit } from './zoo/mlp';
export { smallCnn, type SmallCnnOptions } from './zoo/cifar-cnn';
export { parseIdx, readIdx, readIdxImages, readIdxLabels, idxImagesToTensor, idxLabelsToTensor, type IdxArray, type IdxDtype, type ImageLayout } from './data/idx';
export { loadFashionMnist, fashionMnistSubsetDir, balancedIndices, FASHION_MNIST_CLASSES, type FashionMnist, type FashionMnistOptions, type LabelledData } from './data/fashion-mnist';
export { DataLoader, batches, type Batch, type BatchOptions } from './data/loader';
export { FormatError, type FormatErrorCode } from './io/errors';
export { serializeSafetensors, parseSafetensors, saveSafetensors, loadSafetensors, saveWeights, loadWeights, type SafetensorsContents, type SafetensorsDtype } from './io/safetensors';
export { saveModel, loadModel, readModelConfig } from './io/model';
export { saveCheckpoint, loadCheckpoint, serializeCheckpoint, restoreCheckpoint, type CheckpointContents, type CheckpointState, type CheckpointOptimizer } from './io/checkpoint';
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
export { RNN, LSTM, GRU, MGU, RecurrentBase, type RecurrentOptions, type RnnOptions, type LstmOptions, type GruOptions, type RecurrentState, type RunOptions, type RecurrentResult } from './nn/recurrent';
export { recurrentScan, cellGates, type CellSpec, type ScanWeights, type ScanOptions } from './ops/recurrent';
export { narrow0, swapAxes01 } from './ops/sequence';
export { StepOutput, SequenceClassifier, Seq2Seq, oneHotStep, sequenceCrossEntropy, type SequenceClassifierOptions } from './nn/sequence';
export { linearAutoencoder, shallowAutoencoder, deepAutoencoder, mlpVae, mlpGan, type MlpGanOptions } from './generative/models';
export { trainLenet5, type TrainLenet5Options, type TrainLenet5Result, type Lenet5Split } from './zoo/lenet5';
export { runAdding, addingBatch, type AddingCell, type AddingOptions, type AddingResult } from './examples/adding';
export { runCharLm, sampleText, CharVocab, type CharLmOptions, type CharLmResult, type CharModel } from './examples/charlm';
export { runAutoencoderComparison, type AutoencoderComparisonOptions, type AutoencoderComparisonResult, type ComparisonRow } from './examples/autoencoders';
