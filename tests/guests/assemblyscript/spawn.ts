// Spawning through the bootstrap exports (lunatic-abi.md §8.3): a function-table index as
// the first (i32) parameter, then none, one or two i64 values. Each child proves it ran the
// right function with the right values by answering a request; the root prints what came
// back. Spawns that name a bad table index, a missing export or the wrong parameter list
// must fail the child (reported to the root as a link-died message), never the root.
import { Mailbox, MessageKind, newTag, Params, Process, print } from "tycho-lunatic";
export * from "tycho-lunatic/bootstrap";

const WAIT_MS: u64 = 5000;

function answerOnce(text: string): void {
  let request = Mailbox.receive(null, WAIT_MS);
  assert(request.kind == MessageKind.Data, "no request arrived");
  request.replyText(text);
}

function noParameter(): void {
  answerOnce("ran in process " + Process.self().id.toString());
}

function oneParameter(value: i64): void {
  answerOnce(value.toString());
}

function twoParameters(first: i64, second: i64): void {
  answerOnce(first.toString() + " " + second.toString());
}

// Sends value² to the process `root`.
function square(value: i64, root: i64): void {
  let squared = new Uint8Array(8);
  store<i64>(squared.dataStart, value * value);
  new Process(<u64>root).send(squared);
}

function ask(spawned: Process): string {
  let reply = spawned.requestText("?", WAIT_MS);
  assert(reply.kind == MessageKind.Data, "no reply");
  assert(reply.senderId == spawned.id, "the reply names another sender");
  return reply.text();
}

// Spawns `name` with `params`, linked; the child must fail.
function expectChildFailure(what: string, name: string, params: Params): void {
  let tag = newTag();
  let spawned = Process.spawnExport(name, params, tag);
  assert(spawned.ok, "spawn itself failed: " + spawned.error);
  let notice = Mailbox.receive([tag], WAIT_MS);
  assert(notice.kind == MessageKind.LinkDied, what + ": the child did not fail");
  print(what + ": the child failed (link tag " + notice.tag.toString() + ")");
}

export function _start(): void {
  let first = Process.spawn(noParameter);
  assert(first.ok, first.error);
  let text = ask(first.process!);
  assert(text == "ran in process " + first.process!.id.toString(), "unexpected: " + text);
  print("no parameter: " + text);

  let second = Process.spawnWith(-42, oneParameter);
  assert(second.ok, second.error);
  print("one parameter: " + ask(second.process!));

  let third = Process.spawnWith2(i64.MIN_VALUE, i64.MAX_VALUE, twoParameters);
  assert(third.ok, third.error);
  print("two parameters: " + ask(third.process!));

  const CHILDREN = 100;
  let root = <i64>Process.self().id;
  for (let i = 1; i <= CHILDREN; i++) {
    assert(Process.spawnWith2(i, root, square).ok, "spawn failed");
  }
  let sum: i64 = 0;
  for (let i = 0; i < CHILDREN; i++) {
    let message = Mailbox.receive(null, WAIT_MS);
    assert(message.kind == MessageKind.Data && message.data.length == 8, "a square is missing");
    sum += load<i64>(message.data.dataStart);
  }
  print(CHILDREN.toString() + " children: sum of squares " + sum.toString());

  Process.dieWhenLinkDies = false;
  expectChildFailure("function index out of the table", "__lunatic_process_bootstrap", new Params().i32(99999));
  expectChildFailure("missing export", "__lunatic_process_boot", new Params().i32(noParameter.index));
  expectChildFailure("parameter missing", "__lunatic_process_bootstrap_parameter",
                     new Params().i32(oneParameter.index));
  print("ok");
}
