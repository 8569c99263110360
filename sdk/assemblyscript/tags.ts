// Tags for links and replies: per process, counting up from 1 (0 means "no tag").

let lastTag: i64 = 0;

/** A tag not yet handed out by this process. */
export function newTag(): i64 {
  return ++lastTag;
}
