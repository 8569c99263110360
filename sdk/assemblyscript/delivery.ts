// Building data messages and handing them to the host. Every message starts with a header
// naming its sender (node id, process id), so that the receiver can reply. Whether a message
// goes through lunatic::message or lunatic::distributed is decided here and only here: the
// distributed namespace is used only for a process on another node than the caller's.

import { node_id, send as send_to_node, send_receive_skip_search as request_on_node } from "./bindings/distributed";
import { create_data, send, send_receive_skip_search, write_data } from "./bindings/message";
import { process_id } from "./bindings/process";

export const HEADER_SIZE: usize = 16;
const header = memory.data(<i32>HEADER_SIZE);

/** Puts a new data message with `tag`, the sender header and `len` bytes at `ptr` in the scratch slot. */
export function writeMessage(tag: i64, ptr: usize, len: usize): void {
  create_data(tag, <u64>(HEADER_SIZE + len));
  store<u64>(header, node_id());
  store<u64>(header + 8, process_id());
  write_data(header, HEADER_SIZE);
  if (len > 0) write_data(ptr, len);
}

/** Sends the scratch message to process `id` on node `node`: 0 on success, else the host's status. */
export function deliver(node: u64, id: u64): i32 {
  if (node == node_id()) return send(id);
  return send_to_node(node, id);
}

/** Sends the scratch message and waits for the reply tagged `tag`: 0 with the reply in the scratch slot, 9027 on timeout. */
export function deliverAndWait(node: u64, id: u64, tag: i64, timeout: u64): i32 {
  if (node == node_id()) return send_receive_skip_search(id, tag, timeout);
  return request_on_node(node, id, tag, timeout);
}
