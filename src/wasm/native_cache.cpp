#include "native_cache.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>

namespace tycho::wasm::detail {

namespace {

constexpr std::string_view kMagic = "tycho native code 1\n";

std::array<uint8_t, 32> sha256(std::span<const uint8_t> bytes) {
    std::array<uint8_t, 32> digest{};
    unsigned length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
    return digest;
}

std::string hex(std::span<const uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 15]);
    }
    return out;
}

std::span<const uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

} // namespace

std::string sha256_hex(std::span<const uint8_t> bytes) {
    return hex(sha256(bytes));
}

std::filesystem::path NativeCache::file_for(std::span<const uint8_t> module_bytes,
                                            std::string_view code_identity) const {
    const std::string key = sha256_hex(module_bytes) + "\n" + std::string(code_identity);
    return dir_ / (sha256_hex(as_bytes(key)) + ".o");
}

// Layout: kMagic, the target and a newline, the object's SHA-256 in hex and a newline, the
// object.
std::optional<std::vector<uint8_t>> NativeCache::read(const std::filesystem::path& file,
                                                      std::string_view target) const {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    const std::vector<uint8_t> content{std::istreambuf_iterator<char>(in), {}};
    const std::string header = std::string(kMagic) + std::string(target) + "\n";
    const size_t digest_end = header.size() + 64 + 1;
    if (content.size() < digest_end ||
        std::memcmp(content.data(), header.data(), header.size()) != 0 ||
        content[digest_end - 1] != '\n')
        return std::nullopt;
    std::vector<uint8_t> object(content.begin() + ptrdiff_t(digest_end), content.end());
    const std::string digest(content.begin() + ptrdiff_t(header.size()),
                             content.begin() + ptrdiff_t(digest_end - 1));
    if (digest != sha256_hex(object)) return std::nullopt;
    return object;
}

void NativeCache::write(const std::filesystem::path& file, std::string_view target,
                        std::span<const uint8_t> object) const {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return;
    const std::filesystem::path temporary =
        file.string() + ".tmp" + std::to_string(::getpid()) + "." + std::to_string(::gettid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return;
        out << kMagic << target << '\n' << sha256_hex(object) << '\n';
        out.write(reinterpret_cast<const char*>(object.data()), std::streamsize(object.size()));
        if (!out.flush()) {
            out.close();
            std::filesystem::remove(temporary, ec);
            return;
        }
    }
    std::filesystem::rename(temporary, file, ec);
    if (ec) std::filesystem::remove(temporary, ec);
}

} // namespace tycho::wasm::detail
