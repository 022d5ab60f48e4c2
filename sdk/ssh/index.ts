/** Machines reached over SSH. */
export { Host, HOST_TYPE, HostArgsSchema, type HostArgs, type HostInputs, type HostFacts } from "./host.js";
export { Command, COMMAND_TYPE, CommandArgsSchema, type CommandArgs, type CommandInputs } from "./command.js";
export { File, FILE_TYPE, FileArgsSchema, type FileArgs, type FileInputs } from "./file.js";
export { ConnectionSchema, HostKeySchema, describeConnection, type Connection } from "./connection.js";
export { toConnection, type ConnectionLike } from "./target.js";
