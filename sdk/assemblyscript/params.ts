// Spawn parameters as the host reads them: consecutive 17-byte records, a type byte (0x7F
// i32, 0x7E i64) followed by the value as a 128-bit little-endian integer.

const RECORD_SIZE: usize = 17;
const I32_TYPE: u8 = 0x7f;
const I64_TYPE: u8 = 0x7e;
const MAX_RECORDS: usize = 3;

/** A list of up to three spawn parameters, built in place. */
export class Params {
  private buffer: StaticArray<u8> = new StaticArray<u8>(<i32>(RECORD_SIZE * MAX_RECORDS));
  private count: usize = 0;

  i32(value: i32): Params {
    return this.record(I32_TYPE, <u64>value, value < 0);
  }

  i64(value: i64): Params {
    return this.record(I64_TYPE, <u64>value, value < 0);
  }

  get ptr(): usize {
    return changetype<usize>(this.buffer);
  }

  get byteLength(): usize {
    return this.count * RECORD_SIZE;
  }

  // Negative values are sign-extended to 128 bits, as the Rust library does; the host reads
  // only the low bits of the value's type.
  private record(type: u8, low: u64, negative: bool): Params {
    assert(this.count < MAX_RECORDS, "at most three spawn parameters");
    let at = this.ptr + this.count * RECORD_SIZE;
    store<u8>(at, type);
    store<u64>(at + 1, low);
    store<u64>(at + 9, negative ? u64.MAX_VALUE : 0);
    this.count++;
    return this;
  }
}
