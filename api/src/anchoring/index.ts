export { AnchoringWorker, type AnchoringOptions, type WorkerDependencies } from "./worker";
export { LogTree, LogGapError } from "./log-tree";
export { ChainUnavailableError } from "./journal";
