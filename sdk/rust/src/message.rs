//! The scratch message (each process has one slot that holds the message being written or
//! the one just received) and the bincode encoding messages travel in.

use crate::host;
use serde::{de::DeserializeOwned, Serialize};
use std::io;

/// The scratch message's data buffer as a byte stream: writes append, reads advance.
pub(crate) struct MessageRw;

impl io::Write for MessageRw {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(unsafe { host::message::write_data(buf.as_ptr(), buf.len()) })
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Read for MessageRw {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(unsafe { host::message::read_data(buf.as_mut_ptr(), buf.len()) })
    }
}

/// Replaces the scratch message with a data message tagged `tag` holding `value`.
pub(crate) fn write_message<M: Serialize>(tag: i64, value: &M) {
    unsafe { host::message::create_data(tag, 0) };
    bincode::serialize_into(MessageRw, value).expect("a message value that bincode can encode");
}

/// Decodes the data message in the scratch slot.
pub(crate) fn read_message<M: DeserializeOwned>() -> Result<M, bincode::Error> {
    bincode::deserialize_from(MessageRw)
}

/// The node this process runs on (0 when not distributed).
pub fn this_node() -> u64 {
    unsafe { host::distributed::node_id() }
}

/// Sends the scratch message to process `process` of node `node`: to a process of this node
/// with `lunatic::message::send`, to another node with `lunatic::distributed::send`.
pub(crate) fn send_scratch(node: u64, process: u64) {
    if node == this_node() {
        unsafe { host::message::send(process) };
    } else {
        let status = unsafe { host::distributed::send(node, process) };
        if status != 0 {
            panic!("sending to process {process} on node {node} failed with status {status}");
        }
    }
}
