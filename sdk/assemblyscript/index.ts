// Lunatic v0.13 processes in AssemblyScript: spawn, messages, links, monitors, registry.

// Loads the abort handler asconfig.json names, also for programs that spawn nothing.
import "./abort";

export { exit, monotonicMillis, print, printError } from "./io";
export { Mailbox, Message, MessageKind, NO_TIMEOUT } from "./mailbox";
export { Params } from "./params";
export { NO_LINK, Process, Spawned } from "./process";
export { Registry } from "./registry";
export { newTag } from "./tags";
