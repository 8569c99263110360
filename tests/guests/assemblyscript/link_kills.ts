// By default (die_when_link_dies on) a linked child's failure ends the parent too
// (lunatic-abi.md §7.2): the root never prints "survived" and the run fails.
import { Mailbox, newTag, Process, print } from "tycho-lunatic";
export * from "tycho-lunatic/bootstrap";

function failNow(): void {
  assert(false, "child failing on purpose");
}

export function _start(): void {
  let spawned = Process.spawn(failNow, newTag());
  assert(spawned.ok, spawned.error);
  print("spawned a linked child that fails");
  Mailbox.receive(null, 5000);
  print("survived");
}
