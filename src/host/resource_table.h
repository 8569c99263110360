// A per-process table of one kind of host resource (lunatic-abi.md §4): ids start at 0, each
// insertion takes the next one, and ids are never reused while the process lives.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>

namespace tycho::host {

template <class T> class ResourceTable {
  public:
    uint64_t insert(T value) {
        items_.emplace(next_, std::move(value));
        return next_++;
    }
    T* find(uint64_t id) {
        auto it = items_.find(id);
        return it == items_.end() ? nullptr : &it->second;
    }
    std::optional<T> take(uint64_t id) {
        auto it = items_.find(id);
        if (it == items_.end()) return std::nullopt;
        T value = std::move(it->second);
        items_.erase(it);
        return value;
    }
    bool erase(uint64_t id) { return items_.erase(id) != 0; }
    size_t size() const { return items_.size(); }

  private:
    std::unordered_map<uint64_t, T> items_;
    uint64_t next_ = 0;
};

} // namespace tycho::host
