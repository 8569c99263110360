// Local or remote delivery, decided as as-lunatic does: a process on this node (the node
// id node_id() gives) is sent to through lunatic::message; only a process on another node
// goes through lunatic::distributed. On a single node node_id() is 0 and sending to another
// node traps (lunatic-abi.md §25), which a linked child shows without ending the root.
import { Mailbox, MessageKind, newTag, Process, print } from "tycho-lunatic";
export * from "tycho-lunatic/bootstrap";

const WAIT_MS: u64 = 5000;

function echo(): void {
  let request = Mailbox.receive(null, WAIT_MS);
  assert(request.kind == MessageKind.Data, "no request");
  request.replyText("echo: " + request.text());
}

// Sends to process `id` named as living on the next node.
function sendToOtherNode(id: i64): void {
  new Process(<u64>id, Process.thisNode + 1).sendText("across");
}

// Makes a request to process `id` named as living on the next node.
function requestFromOtherNode(id: i64): void {
  new Process(<u64>id, Process.thisNode + 1).requestText("across", WAIT_MS);
}

export function _start(): void {
  let self = Process.self();
  assert(self.node == Process.thisNode, "this process is not on this node");
  print("this node: " + Process.thisNode.toString() + ", module id " + Process.moduleId.toString());

  let spawned = Process.spawn(echo);
  assert(spawned.ok, spawned.error);
  let local = spawned.process!;
  assert(local.node == Process.thisNode, "a spawned process is on another node");
  let reply = local.requestText("local", WAIT_MS);
  assert(reply.kind == MessageKind.Data, "no local reply");
  assert(reply.senderNode == Process.thisNode && reply.senderId == local.id, "the reply's header is wrong");
  print("same node: " + reply.text());

  Process.dieWhenLinkDies = false;
  let sendTag = newTag();
  assert(Process.spawnWith(<i64>self.id, sendToOtherNode, sendTag).ok, "spawn failed");
  let sendDied = Mailbox.receive([sendTag], WAIT_MS);
  assert(sendDied.kind == MessageKind.LinkDied, "sending to another node did not fail on a single node");
  print("send to another node: the sender failed");

  let requestTag = newTag();
  assert(Process.spawnWith(<i64>self.id, requestFromOtherNode, requestTag).ok, "spawn failed");
  let requestDied = Mailbox.receive([requestTag], WAIT_MS);
  assert(requestDied.kind == MessageKind.LinkDied, "a request to another node did not fail on a single node");
  print("request to another node: the requester failed");

  // Nothing reached this process through either failed attempt.
  assert(Mailbox.receive(null, 150).kind == MessageKind.Timeout, "a message to another node arrived here");
  print("ok");
}
