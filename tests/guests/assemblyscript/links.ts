// Links and monitors (lunatic-abi.md §7): with die_when_link_dies off, a linked child's
// failure arrives as a link-died message carrying the link's tag, whether the link was made
// at spawn or later; a normal end is not reported through a link; a monitor reports every
// end with the process id; a killed process is gone.
import { Mailbox, MessageKind, newTag, Process, print } from "tycho-lunatic";
export * from "tycho-lunatic/bootstrap";

const WAIT_MS: u64 = 5000;

// Waits for "go", then fails with an AssemblyScript abort.
function failAfterGo(): void {
  let go = Mailbox.receive(null, WAIT_MS);
  assert(go.kind == MessageKind.Data, "no go");
  assert(false, "failing on purpose");
}

// Waits for "go", then returns normally.
function endAfterGo(): void {
  Mailbox.receive(null, WAIT_MS);
}

function sleepLong(): void {
  Process.sleep(60_000);
}

function spawnOrFail(entry: () => void, link: i64 = 0): Process {
  let spawned = Process.spawn(entry, link);
  assert(spawned.ok, spawned.error);
  return spawned.process!;
}

export function _start(): void {
  Process.dieWhenLinkDies = false;

  // Linked at spawn: the failure comes back with the spawn's link tag.
  let spawnTag = newTag();
  let linkedAtSpawn = spawnOrFail(failAfterGo, spawnTag);
  linkedAtSpawn.sendText("go");
  let died = Mailbox.receive(null, WAIT_MS);
  assert(died.kind == MessageKind.LinkDied, "no link-died message");
  assert(died.tag == spawnTag, "the link-died message has another tag");
  assert(died.diedProcess == 0, "a link-died message names no process");
  print("linked at spawn: failure reported with tag " + died.tag.toString());

  // Linked afterwards with Process.link: the tag given there.
  let later = spawnOrFail(failAfterGo);
  let laterTag = later.link(4242);
  later.sendText("go");
  let diedLater = Mailbox.receive([laterTag], WAIT_MS);
  assert(diedLater.kind == MessageKind.LinkDied, "no link-died message for a later link");
  print("linked later: failure reported with tag " + diedLater.tag.toString());

  // A monitor reports a normal end with the process id; the link reports nothing.
  let normal = spawnOrFail(endAfterGo, newTag());
  normal.monitor();
  normal.sendText("go");
  let ended = Mailbox.receive(null, WAIT_MS);
  assert(ended.kind == MessageKind.ProcessDied, "the monitor did not report the end");
  assert(ended.diedProcess == normal.id, "the process-died message names another process");
  assert(!normal.alive, "an ended process still exists");
  let silence = Mailbox.receive(null, 150);
  assert(silence.kind == MessageKind.Timeout, "a normal end came through the link");
  print("normal end: reported by the monitor, not by the link");

  // Kill: the process goes away and its monitor says so.
  let sleeper = spawnOrFail(sleepLong);
  sleeper.monitor();
  assert(sleeper.alive, "the sleeper is not running");
  sleeper.kill();
  let killed = Mailbox.receive(null, WAIT_MS);
  assert(killed.kind == MessageKind.ProcessDied && killed.diedProcess == sleeper.id, "kill was not reported");
  assert(!sleeper.alive, "a killed process still exists");
  print("kill: the process is gone");

  // A monitor also reports a failure; stop_monitoring stops it.
  let watched = spawnOrFail(failAfterGo);
  watched.monitor();
  watched.stopMonitoring();
  let watchedAgain = spawnOrFail(failAfterGo);
  watchedAgain.monitor();
  watched.sendText("go");
  watchedAgain.sendText("go");
  let failed = Mailbox.receive(null, WAIT_MS);
  assert(failed.kind == MessageKind.ProcessDied && failed.diedProcess == watchedAgain.id,
         "the monitored failure was not the one reported");
  assert(Mailbox.receive(null, 150).kind == MessageKind.Timeout, "a process no longer monitored was reported");
  print("monitor: failure reported, none after stop_monitoring");
  print("ok");
}
