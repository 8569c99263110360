// SQLite's memory, counted per process. Tycho installs its own allocator in SQLite (once per
// runtime, before SQLite is first used): every block SQLite allocates while running for a
// process belongs to that process's SqliteAccount, which draws it from the process's memory
// account (process_memory.h) in chunks. A block the account cannot have fails like a failed
// malloc: SQLite reports SQLITE_NOMEM and the host function traps with the refusal, so that a
// query can neither make the host allocate beyond the process's max_memory nor beyond the
// runtime-wide budget, however it allocates (huge values, an in-memory database that grows,
// sorts, statements, page caches).
//
// Each block records its account, so a block freed later (by another process sharing a file's
// lock bookkeeping, or after the process ended) is credited to the right one. An account
// lives as long as its process or its last block, whichever is later.
#pragma once

#include "host/process_memory.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace tycho::host::sqlite {

class SqliteAccount {
  public:
    // Process memory is charged in chunks of this many bytes.
    static constexpr uint64_t kChunk = uint64_t(64) * 1024;

    // An account drawing from `memory`, held by its owner (release_owner() lets go).
    static SqliteAccount* create(ProcessMemory& memory);
    // The owner is done: what was charged goes back to its memory account, and the account
    // goes as soon as no block refers to it.
    void release_owner();

    // Bytes of live blocks (headers included).
    uint64_t bytes() const { return uint64_t(bytes_.load(std::memory_order_relaxed)); }
    // Gives chunks no longer needed back to the process (on the owner's fiber, outside SQLite).
    void settle();
    // Whether an allocation was refused since the last clear_refusal(), and why ("out of
    // memory: ...", or the statement nesting too deeply).
    bool refused() const { return refused_ != Refusal::none; }
    std::string refusal() const;
    void clear_refusal() { refused_ = Refusal::none; }

    // For the allocator (sqlite_memory.cpp).
    bool admit(uint64_t bytes); // only while current on the owner's fiber
    void refuse_for_stack() { refused_ = Refusal::stack; }
    void credit(uint64_t bytes) { bytes_.fetch_sub(int64_t(bytes), std::memory_order_relaxed); }
    void debit(uint64_t bytes) { bytes_.fetch_add(int64_t(bytes), std::memory_order_relaxed); }
    void hold() { refs_.fetch_add(1, std::memory_order_relaxed); }
    void drop();

  private:
    explicit SqliteAccount(ProcessMemory& memory) : memory_(&memory) {}

    std::atomic<int64_t> bytes_{0};
    std::atomic<int64_t> refs_{1}; // the owner, and one per live block
    uint64_t granted_ = 0;         // charged to memory_; the owner's fiber only
    ProcessMemory* memory_;        // null once the owner is done
    enum class Refusal { none, memory, stack } refused_ = Refusal::none;
};

// What SQLite's allocations on this thread are made for; set while a SqliteCall runs.
struct AllocationScope {
    SqliteAccount* account = nullptr; // null: nobody's (counted nowhere)
    // Allocations fail once the stack is below this address, so that SQLite's recursion
    // (which allocates at every level: views over views, chains of common table
    // expressions) ends in an error before it reaches the end of the stack.
    const void* stack_floor = nullptr;
};
void set_allocation_scope(const AllocationScope& scope);

// Sets SQLite up once per runtime: Tycho's allocator, no URI file names (a "file:" name
// is a plain file name, so it cannot carry options past the path check), no global memory
// statistics. False (and `error`) when SQLite was already in use and refuses to be set up.
bool set_up_sqlite(std::string& error);

} // namespace tycho::host::sqlite
