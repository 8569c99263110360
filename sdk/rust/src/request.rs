//! Request and reply. The request carries a fresh tag and the sender; the reply comes back
//! with that tag, and the requester waits for it with
//! `lunatic::message::send_receive_skip_search`, which sends the request and then looks only
//! at messages arriving after it, so a full mailbox is not searched.

use crate::host;
use crate::mailbox::{timeout_millis, TIMED_OUT};
use crate::message::{read_message, send_scratch, this_node, write_message};
use crate::process::Process;
use crate::tag::Tag;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::time::Duration;

/// A request of type `T`, to be answered with an `R`.
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
pub struct Request<T, R> {
    tag: Tag,
    sender: Process<R>,
    message: T,
}

impl<T, R: Serialize + DeserializeOwned> Request<T, R> {
    pub fn message(&self) -> &T {
        &self.message
    }

    pub fn sender(&self) -> Process<R> {
        self.sender
    }

    /// Answers the request.
    pub fn reply(self, response: R) {
        self.sender.tag_send(self.tag, response);
    }
}

impl<T, R> Process<Request<T, R>>
where
    T: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
{
    /// Sends `message` and waits for the answer.
    pub fn request(&self, message: T) -> R {
        match self.request_timeout(message, None) {
            Some(response) => response,
            None => panic!("no answer to a request sent without a timeout"),
        }
    }

    /// Sends `message` and waits at most `timeout` (None: forever) for the answer.
    pub fn request_timeout(&self, message: T, timeout: Option<Duration>) -> Option<R> {
        let tag = Tag::new();
        write_message(tag.id(), &Request { tag, sender: Process::<R>::this(), message });
        let timeout = timeout_millis(timeout);
        let status = if self.node_id() == this_node() {
            unsafe { host::message::send_receive_skip_search(self.id(), tag.id(), timeout) }
        } else {
            send_scratch(self.node_id(), self.id());
            let tags = [tag.id()];
            unsafe { host::message::receive(tags.as_ptr(), tags.len(), timeout) }
        };
        match status {
            0 => Some(read_message().expect("an answer of the type asked for")),
            TIMED_OUT => None,
            other => panic!("waiting for an answer returned {other}"),
        }
    }
}
