// The registry (lunatic-abi.md §12): a name put by one process is seen by another, with
// this node's id; a removed name is gone.
import { Mailbox, MessageKind, Process, Registry, print } from "tycho-lunatic";
export * from "tycho-lunatic/bootstrap";

const WAIT_MS: u64 = 5000;

// Finds "root" in the registry and greets it with its own name for it.
function greeter(): void {
  let root = Registry.get("root");
  assert(root !== null, "the child does not find 'root'");
  assert(root!.node == Process.thisNode, "the registry entry names another node");
  root!.sendText("hello from " + Process.self().id.toString());
}

// Answers a request with whether "root" is registered.
function looker(): void {
  let request = Mailbox.receive(null, WAIT_MS);
  request.replyText(Registry.get("root") === null ? "not found" : "found");
}

export function _start(): void {
  assert(Registry.get("root") === null, "a fresh registry has 'root'");
  let self = Process.self();
  Registry.put("root", self);
  let found = Registry.get("root");
  assert(found !== null && found.id == self.id && found.node == self.node, "put then get disagree");

  let spawned = Process.spawn(greeter);
  assert(spawned.ok, spawned.error);
  let greeting = Mailbox.receive(null, WAIT_MS);
  assert(greeting.kind == MessageKind.Data, "no greeting");
  assert(greeting.text() == "hello from " + spawned.process!.id.toString(), "wrong greeting");
  print("child found the root: " + greeting.text());

  Registry.remove("root");
  assert(Registry.get("root") === null, "removed, yet found");
  let asked = Process.spawn(looker);
  assert(asked.ok, asked.error);
  let answer = asked.process!.requestText("root?", WAIT_MS);
  assert(answer.kind == MessageKind.Data, "no answer");
  print("after remove, a child says: " + answer.text());

  // A name with non-ASCII characters travels as UTF-8.
  Registry.put("wörker ✓", spawned.process!);
  let unicode = Registry.get("wörker ✓");
  assert(unicode !== null && unicode.id == spawned.process!.id, "a UTF-8 name was not found");
  assert(Registry.get("worker ✓") === null, "another name matched");
  print("UTF-8 name: found");
  print("ok");
}
