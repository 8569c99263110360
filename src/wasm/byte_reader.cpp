// UTF-8 checking and names for the byte reader; the LEB128 readers live in the header.
#include "byte_reader.h"

namespace tycho::wasm {

bool is_valid_utf8(const uint8_t* data, size_t size) {
    size_t i = 0;
    while (i < size) {
        const uint8_t lead = data[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        // The continuation count and the allowed range of the first continuation byte
        // together exclude overlong forms, surrogates and code points above U+10FFFF.
        size_t extra;
        uint8_t lo = 0x80, hi = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            extra = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            extra = 2;
            if (lead == 0xE0) lo = 0xA0; // below U+0800 would be overlong
            if (lead == 0xED) hi = 0x9F; // U+D800..U+DFFF are surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            extra = 3;
            if (lead == 0xF0) lo = 0x90; // below U+10000 would be overlong
            if (lead == 0xF4) hi = 0x8F; // above U+10FFFF
        } else {
            return false; // a stray continuation byte, C0/C1 (overlong) or F5..FF
        }
        if (size - i - 1 < extra) return false;
        if (data[i + 1] < lo || data[i + 1] > hi) return false;
        for (size_t k = 2; k <= extra; ++k)
            if ((data[i + k] & 0xC0) != 0x80) return false;
        i += 1 + extra;
    }
    return true;
}

bool ByteReader::name(std::string& out) {
    const size_t start = offset();
    uint32_t length;
    if (!u32(length)) return false;
    if (length > remaining()) return fail_at(start, "length out of bounds");
    const uint8_t* p;
    if (!bytes(length, p)) return false;
    if (!is_valid_utf8(p, length)) return fail_at(start, "malformed UTF-8 encoding");
    out.assign(reinterpret_cast<const char*>(p), length);
    return true;
}

} // namespace tycho::wasm
