// Converting a .wast script with wabt's wast2json into a JSON command list plus one file
// per module, in a scratch directory that is removed afterwards unless the user keeps it.
#pragma once

#include <tycho/wasm/result.h>

#include <filesystem>
#include <string>

namespace tycho::spec {

// A directory that is removed, with its contents, when the object dies.
class ScratchDir {
  public:
    // A fresh directory under the system's temporary directory.
    static wasm::Result<ScratchDir, std::string> create_temporary();
    // `path` itself (created if missing), which is never removed.
    static wasm::Result<ScratchDir, std::string> keep_at(const std::filesystem::path& path);

    ScratchDir(ScratchDir&& other) noexcept;
    ScratchDir& operator=(ScratchDir&&) = delete;
    ScratchDir(const ScratchDir&) = delete;
    ~ScratchDir();

    const std::filesystem::path& path() const { return path_; }

  private:
    ScratchDir(std::filesystem::path path, bool remove) : path_(std::move(path)), remove_(remove) {}
    std::filesystem::path path_;
    bool remove_ = false;
};

// Runs wast2json on `wast`, writing `<dir>/<stem>.json` and its modules next to it.
// Returns the path of the JSON file, or why the conversion failed.
wasm::Result<std::filesystem::path, std::string> run_wast2json(const std::filesystem::path& wast,
                                                               const std::filesystem::path& dir);

} // namespace tycho::spec
