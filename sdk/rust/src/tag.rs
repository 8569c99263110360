//! Message tags: a receive can select messages by tag, and a linked process's death is
//! reported with the tag of the link.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, Ordering};

/// Tags 1 to 128 are reserved; fresh ones count up from 129. Every process is an instance
/// of its own, so the counter is per process.
static NEXT_TAG: AtomicI64 = AtomicI64::new(129);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag(i64);

impl Tag {
    /// A tag this process has not handed out before.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Tag {
        Tag(NEXT_TAG.fetch_add(1, Ordering::Relaxed))
    }

    /// No tag: a message without one matches only a receive that takes any message.
    pub const fn none() -> Tag {
        Tag(0)
    }

    pub const fn from_id(id: i64) -> Tag {
        Tag(id)
    }

    pub const fn id(self) -> i64 {
        self.0
    }
}
