// A progress line for compiles that take a while: once a second has passed, and only when
// stderr is a terminal, "tycho: compiling NAME with the optimizing tier (N s)" is shown and
// kept up to date until the compile ends, when the line is erased.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tycho::cli {

class CompileProgress {
  public:
    // Shows nothing unless `shown` (the compile is one of the optimizing tier's).
    CompileProgress(std::string name, bool shown);
    ~CompileProgress();
    CompileProgress(const CompileProgress&) = delete;
    CompileProgress& operator=(const CompileProgress&) = delete;

  private:
    void show();

    std::string name_;
    std::mutex lock_;
    std::condition_variable done_changed_;
    bool done_ = false;
    std::thread thread_;
};

} // namespace tycho::cli
