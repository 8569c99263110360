#include "compile_progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace tycho::cli {

CompileProgress::CompileProgress(std::string name, bool shown) : name_(std::move(name)) {
    if (shown && ::isatty(STDERR_FILENO) == 1) thread_ = std::thread(&CompileProgress::show, this);
}

CompileProgress::~CompileProgress() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard guard(lock_);
        done_ = true;
    }
    done_changed_.notify_one();
    thread_.join();
}

void CompileProgress::show() {
    using namespace std::chrono_literals;
    std::unique_lock guard(lock_);
    bool printed = false;
    for (int seconds = 1; !done_changed_.wait_for(guard, 1s, [this] { return done_; }); ++seconds) {
        std::fprintf(stderr, "\rtycho: compiling %s with the optimizing tier (%d s)", name_.c_str(),
                     seconds);
        std::fflush(stderr);
        printed = true;
    }
    if (printed) std::fputs("\r\033[K", stderr); // erase the line
}

} // namespace tycho::cli
