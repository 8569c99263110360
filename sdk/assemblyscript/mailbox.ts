// Receiving: data messages, link-died and process-died notifications, and timeouts.

import { data_size, get_process_id, get_tag, read_data, receive } from "./bindings/message";
import { deliver, HEADER_SIZE, writeMessage } from "./delivery";

/** "Wait forever" for every timeout parameter. */
export const NO_TIMEOUT: u64 = u64.MAX_VALUE;

/** What `Mailbox.receive` returned; the values are the host's `receive` results. */
export enum MessageKind {
  Data = 0,
  LinkDied = 1,
  ProcessDied = 2,
  Timeout = 9027,
}

export class Message {
  /** The tag (0 if none); for LinkDied the link's tag. */
  tag: i64 = 0;
  /** For ProcessDied: the process that ended. */
  diedProcess: u64 = 0;
  /** For Data: who sent it (from the message header). */
  senderNode: u64 = 0;
  senderId: u64 = 0;
  /** For Data: the payload after the header. */
  data: Uint8Array = new Uint8Array(0);

  constructor(public kind: MessageKind) {}

  /** Reads the message now in the scratch slot (after a receive that returned `kind`). */
  static fromScratch(kind: MessageKind): Message {
    let message = new Message(kind);
    if (kind == MessageKind.Timeout) return message;
    message.tag = get_tag();
    message.diedProcess = get_process_id();
    if (kind != MessageKind.Data) return message;
    let size = <i32>data_size();
    let bytes = new Uint8Array(size);
    let read = read_data(bytes.dataStart, <usize>size);
    assert(read == <usize>size, "short read of a data message");
    if (size >= <i32>HEADER_SIZE) {
      message.senderNode = load<u64>(bytes.dataStart);
      message.senderId = load<u64>(bytes.dataStart + 8);
      message.data = bytes.subarray(<i32>HEADER_SIZE);
    } else {
      message.data = bytes;
    }
    return message;
  }

  /** The payload as UTF-8 text. */
  text(): string {
    return String.UTF8.decode(this.data.buffer.slice(this.data.byteOffset, this.data.byteOffset + this.data.byteLength));
  }

  /** Answers a request: sends `data` to the sender with this message's tag. */
  reply(data: Uint8Array): i32 {
    writeMessage(this.tag, data.dataStart, <usize>data.byteLength);
    return deliver(this.senderNode, this.senderId);
  }

  replyText(text: string): i32 {
    return this.reply(Uint8Array.wrap(String.UTF8.encode(text)));
  }
}

export class Mailbox {
  /**
   * Takes the oldest message, or with `tags` the oldest whose tag is one of them, waiting up
   * to `timeoutMs` milliseconds (NO_TIMEOUT: forever). A timeout gives a Message of kind Timeout.
   */
  static receive(tags: i64[] | null = null, timeoutMs: u64 = NO_TIMEOUT): Message {
    let result: i32;
    if (tags === null || tags.length == 0) {
      result = receive(0, 0, timeoutMs);
    } else {
      result = receive(tags.dataStart, <usize>tags.length, timeoutMs);
    }
    return Message.fromScratch(<MessageKind>result);
  }
}
