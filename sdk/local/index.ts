export { File, FileArgsSchema, FILE_TYPE, type FileArgs, type FileInputs } from "./file.js";
export { Command, CommandArgsSchema, COMMAND_TYPE, type CommandArgs, type CommandInputs } from "./command.js";
