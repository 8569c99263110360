// Data messages (lunatic-abi.md §10): payloads with the sender's header, tags and selective
// receive, receive with a timeout, and request/reply through send_receive_skip_search with
// the v0.13 signature (process, reply tag, timeout).
import { Mailbox, Message, MessageKind, monotonicMillis, Process, print } from "tycho-lunatic";
export * from "tycho-lunatic/bootstrap";

const WAIT_MS: u64 = 5000;

// Answers requests with their text in upper case until it is sent "stop".
function shouter(): void {
  while (true) {
    let request = Mailbox.receive(null, WAIT_MS);
    assert(request.kind == MessageKind.Data, "the shouter got no request");
    let text = request.text();
    if (text == "stop") return;
    request.replyText(text.toUpperCase());
  }
}

// Sends the root an untagged message, then three tagged 10, 20 and 30.
function tagger(root: i64): void {
  let target = new Process(<u64>root);
  target.sendText("untagged");
  target.sendText("ten", 10);
  target.sendText("twenty", 20);
  target.sendText("thirty", 30);
}

// Returns a checksum of the payload it is sent, as a reply.
function summer(): void {
  let request = Mailbox.receive(null, WAIT_MS);
  assert(request.kind == MessageKind.Data, "the summer got no request");
  let sum: u64 = 0;
  for (let i = 0; i < request.data.length; i++) sum = sum * 31 + request.data[i];
  request.replyText(request.data.length.toString() + " bytes, checksum " + sum.toString());
}

// Takes no message out of its mailbox, so it never answers.
function ignorer(): void {
  Process.sleep(WAIT_MS);
}

function expectText(what: string, message: Message, wanted: string): void {
  assert(message.kind == MessageKind.Data, what + ": nothing arrived");
  let got = message.text();
  assert(got == wanted, what + ": got '" + got + "', wanted '" + wanted + "'");
}

export function _start(): void {
  let self = Process.self();

  // Selective receive: the oldest message with one of the tags; the others keep their order.
  // Once "thirty" is here, all four are (one sender's messages arrive in order), and the
  // untagged one never matches a receive with tags.
  assert(Process.spawnWith(<i64>self.id, tagger).ok, "spawn failed");
  let filters: i64[][] = [[30], [10, 20], [20, 30], [10, 20, 30], []];
  let order: string[] = [];
  for (let i = 0; i < filters.length; i++) {
    let lastChance = filters[i].length == 3;
    let message = Mailbox.receive(filters[i], lastChance ? 100 : WAIT_MS);
    if (message.kind == MessageKind.Timeout) {
      order.push("(timeout)");
      continue;
    }
    assert(message.kind == MessageKind.Data, "not a data message");
    assert(message.senderId != self.id, "the header names the wrong sender");
    order.push(message.text() + "/" + message.tag.toString());
  }
  print("selective receive: " + order.join(" "));

  // Nothing left: a receive with a timeout comes back after at least that long.
  let before = monotonicMillis();
  let nothing = Mailbox.receive(null, 80);
  let waited = monotonicMillis() - before;
  assert(nothing.kind == MessageKind.Timeout, "an empty mailbox gave a message");
  assert(waited >= 79, "the timeout ended early, after " + waited.toString() + " ms");
  print("empty mailbox: timeout after at least 80 ms");

  // Request/reply.
  let spawned = Process.spawn(shouter);
  assert(spawned.ok, spawned.error);
  let shouter_ = spawned.process!;
  self.sendText("already waiting", 5);
  let reply = shouter_.requestText("hello", WAIT_MS);
  expectText("request", reply, "HELLO");
  let again = shouter_.requestText("tycho", WAIT_MS);
  expectText("second request", again, "TYCHO");
  assert(again.tag != reply.tag, "two requests shared a tag");
  print("request/reply: " + reply.text() + " " + again.text());
  // The request did not take the message that was already waiting.
  let waiting = Mailbox.receive([5], WAIT_MS);
  expectText("message sent before the request", waiting, "already waiting");
  shouter_.sendText("stop");

  // A request nobody answers times out.
  let deaf = Process.spawn(ignorer);
  assert(deaf.ok, deaf.error);
  let started = monotonicMillis();
  let unanswered = deaf.process!.requestText("anyone?", 60);
  assert(unanswered.kind == MessageKind.Timeout, "a request to a process that never answers got a reply");
  assert(monotonicMillis() - started >= 59, "the request timed out early");
  deaf.process!.kill();
  print("unanswered request: timeout");

  // A large payload arrives whole.
  let big = new Uint8Array(100_000);
  let sum: u64 = 0;
  for (let i = 0; i < big.length; i++) {
    big[i] = <u8>(i * 7);
    sum = sum * 31 + big[i];
  }
  let summing = Process.spawn(summer);
  assert(summing.ok, summing.error);
  let checked = summing.process!.request(big, WAIT_MS);
  expectText("large payload", checked, "100000 bytes, checksum " + sum.toString());
  print("large payload: " + checked.text());
  print("ok");
}
