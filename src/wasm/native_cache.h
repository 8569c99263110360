// The on-disk cache of native code, so that a module's second run starts with it. One file
// per module, named by a SHA-256 over the module's bytes and everything else its code
// depends on (Tycho's version, the native tier's interface and build, reduction counting).
// The file starts with a header naming the CPU the code was made for and the SHA-256 of the
// code, so a file made for another CPU, or a damaged one, is ignored (and later replaced).
// The cache only ever saves time: any failure to read or write it is ignored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::wasm::detail {

class NativeCache {
  public:
    explicit NativeCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // Where the code of a module with these bytes goes; `code_identity` names what else the
    // code depends on.
    std::filesystem::path file_for(std::span<const uint8_t> module_bytes,
                                   std::string_view code_identity) const;
    // The object in `file` if it was made for `target` and is intact.
    std::optional<std::vector<uint8_t>> read(const std::filesystem::path& file,
                                             std::string_view target) const;
    // Stores an object for `target` (atomically: readers see the old file or the new one).
    void write(const std::filesystem::path& file, std::string_view target,
               std::span<const uint8_t> object) const;

  private:
    std::filesystem::path dir_;
};

// SHA-256 of `bytes`, in hex.
std::string sha256_hex(std::span<const uint8_t> bytes);

} // namespace tycho::wasm::detail
