// Processes: spawning through the bootstrap exports, messages, links, monitors.

import { module_id as distributed_module_id, node_id } from "./bindings/distributed";
import * as host from "./bindings/process";
import { deliver, deliverAndWait, writeMessage } from "./delivery";
import { takeErrorText } from "./errors";
import { Message, MessageKind, NO_TIMEOUT } from "./mailbox";
import { Params } from "./params";
import { newTag } from "./tags";

/** The `link` argument that spawns without linking. */
export const NO_LINK: i64 = 0;
const SAME_CONFIG: i64 = -1;
const SAME_MODULE: i64 = -1;

// Receives the id (or error id) a spawn writes back.
const spawnedId = memory.data(8);

/** A process that was spawned, or the host's reason why not. */
export class Spawned {
  constructor(public process: Process | null, public error: string) {}

  get ok(): bool {
    return this.process !== null;
  }
}

export class Process {
  constructor(public readonly id: u64, public readonly node: u64 = node_id()) {}

  /** The calling process. */
  static self(): Process {
    return new Process(host.process_id());
  }

  /** Spawns `entry` in a new process of this module (export __lunatic_process_bootstrap). */
  static spawn(entry: () => void, link: i64 = NO_LINK): Spawned {
    return Process.spawnExport("__lunatic_process_bootstrap", new Params().i32(entry.index), link);
  }

  /** Spawns `entry(value)` (export __lunatic_process_bootstrap_parameter). */
  static spawnWith(value: i64, entry: (value: i64) => void, link: i64 = NO_LINK): Spawned {
    let params = new Params().i32(entry.index).i64(value);
    return Process.spawnExport("__lunatic_process_bootstrap_parameter", params, link);
  }

  /** Spawns `entry(first, second)` (export __lunatic_process_bootstrap_two_parameters). */
  static spawnWith2(first: i64, second: i64, entry: (first: i64, second: i64) => void, link: i64 = NO_LINK): Spawned {
    let params = new Params().i32(entry.index).i64(first).i64(second);
    return Process.spawnExport("__lunatic_process_bootstrap_two_parameters", params, link);
  }

  /**
   * Spawns the export `name` of this module with `params`, with this process's configuration.
   * A non-zero `link` links the child, which reports its failure with that tag.
   */
  static spawnExport(name: string, params: Params, link: i64 = NO_LINK): Spawned {
    let entry = String.UTF8.encode(name);
    let status = host.spawn(link, SAME_CONFIG, SAME_MODULE, changetype<usize>(entry), <usize>entry.byteLength,
                            params.ptr, params.byteLength, spawnedId);
    let id = load<u64>(spawnedId);
    if (status != 0) return new Spawned(null, takeErrorText(id));
    return new Spawned(new Process(id), "");
  }

  /** Sleeps at least `ms` milliseconds; messages keep arriving meanwhile. */
  static sleep(ms: u64): void {
    host.sleep_ms(ms);
  }

  /**
   * true (the default): a linked process's failure kills this one. false: it arrives as a
   * LinkDied message carrying the link's tag.
   */
  static set dieWhenLinkDies(die: bool) {
    host.die_when_link_dies(die ? 1 : 0);
  }

  /** This node's id (0 when not distributed). */
  static get thisNode(): u64 {
    return node_id();
  }

  /** This module's id on the control server (0 when not distributed). */
  static get moduleId(): u64 {
    return distributed_module_id();
  }

  /** Sends `data` with `tag` (0: untagged). 0 when sent; a remote send can report failures. */
  send(data: Uint8Array, tag: i64 = 0): i32 {
    writeMessage(tag, data.dataStart, <usize>data.byteLength);
    return deliver(this.node, this.id);
  }

  sendText(text: string, tag: i64 = 0): i32 {
    return this.send(Uint8Array.wrap(String.UTF8.encode(text)), tag);
  }

  /**
   * Sends `data` under a fresh tag and waits up to `timeoutMs` for the reply with that tag,
   * without looking at messages already waiting. Kind Timeout if none came.
   */
  request(data: Uint8Array, timeoutMs: u64 = NO_TIMEOUT): Message {
    let tag = newTag();
    writeMessage(tag, data.dataStart, <usize>data.byteLength);
    let status = deliverAndWait(this.node, this.id, tag, timeoutMs);
    return Message.fromScratch(status == 0 ? MessageKind.Data : MessageKind.Timeout);
  }

  requestText(text: string, timeoutMs: u64 = NO_TIMEOUT): Message {
    return this.request(Uint8Array.wrap(String.UTF8.encode(text)), timeoutMs);
  }

  /** Links with this process; its failure is reported with the returned tag. */
  link(tag: i64 = newTag()): i64 {
    host.link(tag, this.id);
    return tag;
  }

  unlink(): void {
    host.unlink(this.id);
  }

  /** Asks for a ProcessDied message when this process ends, however it ends. */
  monitor(): void {
    host.monitor(this.id);
  }

  stopMonitoring(): void {
    host.stop_monitoring(this.id);
  }

  kill(): void {
    host.kill(this.id);
  }

  /** Whether the process is still running. */
  get alive(): bool {
    return host.exists(this.id) != 0;
  }
}
