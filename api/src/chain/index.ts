export * from "./chain-reader";
export * from "./contracts";
export * from "./deployment";
export * from "./embedded-node";
export * from "./errors";
export * from "./health";
export * from "./organizations";
export * from "./provider";
