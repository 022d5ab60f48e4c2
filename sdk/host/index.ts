/** Host building blocks: files, services and health gates on any machine drydock reaches. */
export * from "./common.js";
export * from "./files.js";
export * from "./service.js";
export * from "./gate.js";
