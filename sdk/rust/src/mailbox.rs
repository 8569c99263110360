//! A process's mailbox, typed by the messages it receives.

use crate::host;
use crate::message::read_message;
use crate::tag::Tag;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::time::Duration;

/// What a receive returned.
#[derive(Debug)]
pub enum MailboxResult<M> {
    Message(M),
    /// A data message arrived but did not decode as `M`.
    DeserializationFailed(bincode::Error),
    TimedOut,
    /// A linked process failed (only when link failures are caught); the tag of the link.
    LinkDied(Tag),
    /// A monitored process ended; its id.
    ProcessDied(u64),
}

impl<M> MailboxResult<M> {
    /// The message, or a panic naming what came instead.
    pub fn unwrap(self) -> M {
        match self {
            MailboxResult::Message(message) => message,
            MailboxResult::DeserializationFailed(error) => panic!("a message did not decode: {error}"),
            MailboxResult::TimedOut => panic!("the receive timed out"),
            MailboxResult::LinkDied(tag) => panic!("linked process with tag {} died", tag.id()),
            MailboxResult::ProcessDied(id) => panic!("monitored process {id} died"),
        }
    }
}

/// The calling process's mailbox, for messages of type `M`.
pub struct Mailbox<M> {
    _message: PhantomData<M>,
}

const RECEIVE_DATA: u32 = 0;
const RECEIVE_LINK_DIED: u32 = 1;
const RECEIVE_PROCESS_DIED: u32 = 2;
pub(crate) const TIMED_OUT: u32 = 9027;
pub(crate) const NO_TIMEOUT: u64 = u64::MAX;

pub(crate) fn timeout_millis(timeout: Option<Duration>) -> u64 {
    match timeout {
        Some(duration) => u64::try_from(duration.as_millis()).unwrap_or(NO_TIMEOUT - 1),
        None => NO_TIMEOUT,
    }
}

impl<M: DeserializeOwned> Mailbox<M> {
    /// The mailbox of the calling process. Messages of another type sent to it fail to
    /// decode.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Mailbox<M> {
        Mailbox { _message: PhantomData }
    }

    /// Waits for the next message.
    pub fn receive(&self) -> M {
        self.try_receive(&[], None).unwrap()
    }

    /// Waits for the next message, at most `timeout`.
    pub fn receive_timeout(&self, timeout: Duration) -> MailboxResult<M> {
        self.try_receive(&[], Some(timeout))
    }

    /// Waits for the oldest message tagged with one of `tags`.
    pub fn tag_receive(&self, tags: &[Tag]) -> M {
        self.try_receive(tags, None).unwrap()
    }

    /// The oldest message (tagged with one of `tags`, unless empty), waiting at most
    /// `timeout` (None: forever).
    pub fn try_receive(&self, tags: &[Tag], timeout: Option<Duration>) -> MailboxResult<M> {
        let tags: Vec<i64> = tags.iter().map(|tag| tag.id()).collect();
        let status = unsafe { host::message::receive(tags.as_ptr(), tags.len(), timeout_millis(timeout)) };
        match status {
            RECEIVE_DATA => match read_message() {
                Ok(message) => MailboxResult::Message(message),
                Err(error) => MailboxResult::DeserializationFailed(error),
            },
            RECEIVE_LINK_DIED => MailboxResult::LinkDied(Tag::from_id(unsafe { host::message::get_tag() })),
            RECEIVE_PROCESS_DIED => MailboxResult::ProcessDied(unsafe { host::message::get_process_id() }),
            TIMED_OUT => MailboxResult::TimedOut,
            other => panic!("lunatic::message::receive returned {other}"),
        }
    }

    /// From now on a failing linked process no longer ends this one: its death arrives as
    /// `MailboxResult::LinkDied` with the link's tag.
    pub fn catch_link_failure(self) -> Mailbox<M> {
        unsafe { host::process::die_when_link_dies(0) };
        self
    }
}
