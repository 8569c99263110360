// Helpers for tests of fd readiness: pipes, and what the kernel's epoll instances hold.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace tycho::runtime::test_support {

// A non-blocking pipe whose ends close with it (or earlier, one at a time).
class Pipe {
  public:
    Pipe() {
        std::array<int, 2> fds{-1, -1};
        if (pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK) == 0) {
            read_ = fds[0];
            write_ = fds[1];
        }
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;

    bool valid() const { return read_ >= 0 && write_ >= 0; }
    int read_end() const { return read_; }
    int write_end() const { return write_; }
    void close_read() { close_end(read_); }
    void close_write() { close_end(write_); }

    bool put(char byte = 'x') const { return write(write_, &byte, 1) == 1; }
    // Writes until the pipe is full; false if it could not be filled.
    bool fill() const {
        std::array<char, 4096> chunk{};
        for (;;) {
            if (write(write_, chunk.data(), chunk.size()) < 0) return errno == EAGAIN;
        }
    }
    // Reads whatever is buffered; returns how many bytes that was.
    size_t drain() const {
        std::array<char, 4096> chunk{};
        size_t total = 0;
        for (ssize_t n; (n = read(read_, chunk.data(), chunk.size())) > 0;)
            total += size_t(n);
        return total;
    }

  private:
    static void close_end(int& fd) {
        if (fd >= 0) close(fd);
        fd = -1;
    }
    int read_ = -1;
    int write_ = -1;
};

// The fds that the epoll instances of this process have registered, as the kernel lists them
// in /proc/self/fdinfo (a "tfd:" line per registered fd).
inline std::set<int> registered_in_epoll() {
    std::set<int> found;
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return found;
    while (const dirent* entry = readdir(dir)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        std::array<char, 64> target{};
        const std::string link = "/proc/self/fd/" + name;
        const ssize_t length = readlink(link.c_str(), target.data(), target.size() - 1);
        if (length <= 0 || std::string(target.data(), size_t(length)) != "anon_inode:[eventpoll]")
            continue;
        std::ifstream info("/proc/self/fdinfo/" + name);
        for (std::string line; std::getline(info, line);) {
            std::istringstream fields(line);
            std::string label;
            int listed = -1;
            if (fields >> label >> listed && label == "tfd:") found.insert(listed);
        }
    }
    closedir(dir);
    return found;
}

inline bool registered_in_epoll(int fd) {
    return registered_in_epoll().contains(fd);
}

// How many descriptors this process has open (without the one that lists them).
inline size_t open_descriptors() {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return 0;
    size_t count = 0;
    while (const dirent* entry = readdir(dir))
        if (entry->d_name[0] != '.') ++count;
    closedir(dir);
    return count - 1;
}

// Raises the soft limit on open files to `wanted` if the hard limit allows; false if not.
inline bool allow_open_files(rlim_t wanted) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
    if (limit.rlim_cur >= wanted) return true;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) return false;
    limit.rlim_cur = wanted;
    return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

} // namespace tycho::runtime::test_support
