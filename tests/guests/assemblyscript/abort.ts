// An AssemblyScript abort (here a failed assert) prints its message and source position and
// fails the process; the module imports no `env.abort` (Tycho would refuse to load it).
import { print } from "tycho-lunatic";

export function _start(): void {
  print("before the assert");
  let answer = 41;
  assert(answer == 42, "the answer is " + answer.toString() + ", not 42");
  print("after the assert");
}
