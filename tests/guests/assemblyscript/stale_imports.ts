// as-lunatic 0.12 declares lunatic::message::send_receive_skip_search without the reply
// tag that Lunatic v0.13 added; a v0.13 host refuses to load a module importing it
// (lunatic-abi.md §15.2), before anything runs. The library declares the v0.13 form instead.
import { print } from "tycho-lunatic";

@external("lunatic::message", "send_receive_skip_search")
declare function send_receive_skip_search(process_id: u64, timeout: u64): i32;

export function _start(): void {
  print("loaded");
  send_receive_skip_search(1, 0);
}
