// The registry: names for processes, shared by every process of the program.

import { get, put, remove } from "./bindings/registry";
import { Process } from "./process";

const found = memory.data(16);

export class Registry {
  static put(name: string, process: Process): void {
    let bytes = String.UTF8.encode(name);
    put(changetype<usize>(bytes), <usize>bytes.byteLength, process.node, process.id);
  }

  /** The process registered under `name`, or null. */
  static get(name: string): Process | null {
    let bytes = String.UTF8.encode(name);
    if (get(changetype<usize>(bytes), <usize>bytes.byteLength, found, found + 8) != 0) return null;
    return new Process(load<u64>(found + 8), load<u64>(found));
  }

  static remove(name: string): void {
    let bytes = String.UTF8.encode(name);
    remove(changetype<usize>(bytes), <usize>bytes.byteLength);
  }
}
