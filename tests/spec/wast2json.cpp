#include "wast2json.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <system_error>
#include <vector>

extern char** environ;

namespace tycho::spec {

namespace fs = std::filesystem;

wasm::Result<ScratchDir, std::string> ScratchDir::create_temporary() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "tycho-spec-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        return std::string("cannot create a directory in ") + base.string() + ": " +
               std::strerror(errno);
    return ScratchDir(pattern, true);
}

wasm::Result<ScratchDir, std::string> ScratchDir::keep_at(const fs::path& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return "cannot create " + path.string() + ": " + ec.message();
    return ScratchDir(path, false);
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept
    : path_(std::move(other.path_)), remove_(other.remove_) {
    other.remove_ = false;
}

ScratchDir::~ScratchDir() {
    if (!remove_) return;
    std::error_code ec; // best effort: a leftover temporary directory is not worth a crash
    fs::remove_all(path_, ec);
}

namespace {

// The wast2json that CMake found, else whatever PATH offers.
std::string wast2json_program() {
#ifdef TYCHO_WAST2JSON_PATH
    std::error_code ec;
    if (fs::is_regular_file(TYCHO_WAST2JSON_PATH, ec)) return TYCHO_WAST2JSON_PATH;
#endif
    return "wast2json";
}

} // namespace

wasm::Result<fs::path, std::string> run_wast2json(const fs::path& wast, const fs::path& dir) {
    std::string program = wast2json_program();
    fs::path json = dir / (wast.stem().string() + ".json");
    std::vector<std::string> args = {program, wast.string(), "-o", json.string()};
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // posix_spawnp searches PATH when `program` has no slash.
    pid_t pid;
    int err = posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ);
    if (err != 0) return "cannot run " + program + ": " + std::strerror(err);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return "waiting for " + program + ": " + std::strerror(errno);
    }
    if (WIFSIGNALED(status))
        return program + " was killed by signal " + std::to_string(WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        return program + " failed with exit code " + std::to_string(WEXITSTATUS(status));
    return json;
}

} // namespace tycho::spec
