// AssemblyScript's abort (failed assert, out-of-bounds index, explicit abort()) reports the
// message and its source position on standard error, then traps, so the process fails
// and its links and monitors are told. asconfig.json routes `abort` here, which keeps the
// module from importing `env.abort` (a Lunatic host links only lunatic::* and WASI imports).

import { printError } from "./io";

export function lunaticAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  let text = "abort: " + (message !== null ? message : "(no message)");
  if (file !== null) text += " at " + file + ":" + line.toString() + ":" + column.toString();
  printError(text);
  unreachable();
}
