// Error resources (lunatic::error): the text of an error id, which is then freed.

import { drop, string_size, to_string } from "./bindings/error";

/** Reads the description of `errorId` and drops the error from the process's table. */
export function takeErrorText(errorId: u64): string {
  let size = string_size(errorId);
  let bytes = new ArrayBuffer(<i32>size);
  to_string(errorId, changetype<usize>(bytes));
  drop(errorId);
  return String.UTF8.decode(bytes);
}
