/** Layers, losses as modules, initializers and the module registry (torch.nn). */
export { Module, type StateDict } from './module';
export { Sequential, Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Dropout, Flatten, type LinearOptions } from './layers';
export {
  Loss, HingeLoss, SquaredHingeLoss, BCELoss, BCEWithLogitsLoss, MultiMarginLoss, SquaredMultiMarginLoss,
  CrossEntropyLoss, MSELoss, L1Loss, PseudoHuberLoss,
} from './loss';
export { registerModuleClass, getModuleClass, registeredModuleClasses, moduleFromConfig, moduleToConfig, type ModuleClass, type ModuleConfig } from './registry';
export * as init from './init';
