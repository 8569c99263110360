#include "host/sqlite/sqlite_memory.h"

#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace tycho::host::sqlite {

namespace {

thread_local AllocationScope t_scope;

// The account an allocation made here belongs to; false when it must fail for lack of stack.
bool allowed_here(SqliteAccount*& account) {
    account = t_scope.account;
    if (t_scope.stack_floor == nullptr || __builtin_frame_address(0) >= t_scope.stack_floor)
        return true;
    if (account != nullptr) account->refuse_for_stack();
    return false;
}

// Every block starts with this header; SQLite gets the bytes after it (16-byte aligned, as
// malloc's are).
struct alignas(16) Header {
    SqliteAccount* account; // null: allocated outside any process's SQLite calls
    uint64_t size;          // the bytes SQLite asked for
};
static_assert(sizeof(Header) == 16);

Header* header_of(void* block) {
    return static_cast<Header*>(block) - 1;
}

void* allocate(int size) {
    SqliteAccount* account = nullptr;
    if (size <= 0 || !allowed_here(account)) return nullptr;
    const uint64_t bytes = uint64_t(size) + sizeof(Header);
    if (account != nullptr && !account->admit(bytes)) return nullptr;
    auto* header = static_cast<Header*>(std::malloc(bytes));
    if (header == nullptr) {
        if (account != nullptr) account->credit(bytes);
        return nullptr;
    }
    header->account = account;
    header->size = uint64_t(size);
    if (account != nullptr) account->hold();
    return header + 1;
}

void release(void* block) {
    if (block == nullptr) return;
    Header* header = header_of(block);
    if (SqliteAccount* account = header->account) {
        account->credit(header->size + sizeof(Header));
        account->drop();
    }
    std::free(header);
}

void* reallocate(void* block, int size) {
    if (block == nullptr) return allocate(size);
    SqliteAccount* current = nullptr;
    if (size <= 0 || !allowed_here(current)) return nullptr;
    Header* header = header_of(block);
    SqliteAccount* account = header->account;
    const uint64_t old_size = header->size;
    const uint64_t new_size = uint64_t(size);
    if (account != nullptr && new_size > old_size) {
        // Growth is the current process's to allow when the block is its own; a block of
        // another account (shared bookkeeping) grows without asking.
        if (account == current) {
            if (!account->admit(new_size - old_size)) return nullptr;
        } else {
            account->debit(new_size - old_size);
        }
    }
    auto* moved = static_cast<Header*>(std::realloc(header, new_size + sizeof(Header)));
    if (moved == nullptr) {
        if (account != nullptr && new_size > old_size) account->credit(new_size - old_size);
        return nullptr;
    }
    if (account != nullptr && new_size < old_size) account->credit(old_size - new_size);
    moved->size = new_size;
    return moved + 1;
}

int size_of(void* block) {
    return block == nullptr ? 0 : int(header_of(block)->size);
}

int round_up(int size) {
    return (size + 7) & ~7;
}

int initialise(void*) {
    return SQLITE_OK;
}

void shut_down(void*) {}

const sqlite3_mem_methods kMethods = {&allocate, &release,    &reallocate, &size_of,
                                      &round_up, &initialise, &shut_down,  nullptr};

} // namespace

SqliteAccount* SqliteAccount::create(ProcessMemory& memory) {
    return new SqliteAccount(memory); // owned by its owner and its blocks (drop())
}

void SqliteAccount::release_owner() {
    if (memory_ != nullptr) memory_->release(granted_);
    granted_ = 0;
    memory_ = nullptr;
    drop();
}

void SqliteAccount::drop() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

void set_allocation_scope(const AllocationScope& scope) {
    t_scope = scope;
}

std::string SqliteAccount::refusal() const {
    switch (refused_) {
    case Refusal::none: return "";
    case Refusal::memory:
        return "out of memory: " + (memory_ != nullptr ? memory_->refusal() : std::string());
    case Refusal::stack: return "the statement nests too deeply for the stack SQLite runs on";
    }
    return "";
}

bool SqliteAccount::admit(uint64_t bytes) {
    const uint64_t now =
        uint64_t(bytes_.fetch_add(int64_t(bytes), std::memory_order_relaxed)) + bytes;
    if (now <= granted_) return true;
    const uint64_t wanted = (now - granted_ + kChunk - 1) / kChunk * kChunk;
    if (memory_ == nullptr || !memory_->try_charge(wanted)) {
        credit(bytes);
        refused_ = Refusal::memory;
        return false;
    }
    granted_ += wanted;
    return true;
}

void SqliteAccount::settle() {
    if (memory_ == nullptr) return;
    const uint64_t needed = (bytes() + kChunk - 1) / kChunk * kChunk;
    // Keep one spare chunk, so that a query that allocates and frees in a loop does not
    // charge and release the same chunk again and again.
    if (granted_ > needed + kChunk) {
        memory_->release(granted_ - needed - kChunk);
        granted_ = needed + kChunk;
    }
}

bool set_up_sqlite(std::string& error) {
    static std::once_flag once;
    static std::string failure;
    std::call_once(once, [] {
        // Configuration is only possible before SQLite is initialised; nothing in Tycho
        // uses it before this point.
        if (sqlite3_config(SQLITE_CONFIG_MALLOC, &kMethods) != SQLITE_OK ||
            sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK ||
            sqlite3_config(SQLITE_CONFIG_URI, 0) != SQLITE_OK) {
            failure = "SQLite could not be configured (it was in use already)";
            return;
        }
        if (const int rc = sqlite3_initialize(); rc != SQLITE_OK)
            failure = std::string("SQLite could not be initialised: ") + sqlite3_errstr(rc);
    });
    error = failure;
    return failure.empty();
}

} // namespace tycho::host::sqlite
