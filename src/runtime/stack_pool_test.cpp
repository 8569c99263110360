// The slab-backed stack pool: guard pages, reuse of cells, and a mapping count that does not
// grow with the number of stacks.
#include "runtime/fiber.h"
#include "runtime/stack_pool.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace tycho::runtime;

namespace {

constexpr size_t kStackBytes = 64 << 10;

size_t page() {
    return size_t(sysconf(_SC_PAGESIZE));
}

// Number of mappings (VMAs) of this process.
size_t mapping_count() {
    std::ifstream maps("/proc/self/maps");
    size_t lines = 0;
    for (std::string line; std::getline(maps, line);)
        ++lines;
    return lines;
}

// Writes just below the stack's bottom, in the child of a death test; ASan's handler would
// turn the SIGSEGV into an exit, so the default action is restored first.
void write_into_guard(const FiberStack& stack) {
    std::signal(SIGSEGV, SIG_DFL);
    volatile uint8_t* below = stack.bottom() - 1;
    *below = 1;
    std::_Exit(0);
}

void expect_guarded(const FiberStack& stack) {
    EXPECT_EXIT(write_into_guard(stack), ::testing::KilledBySignal(SIGSEGV), "");
}

// Whether the page holding `p` is resident, without touching it.
bool resident(const uint8_t* p) {
    const uintptr_t start = uintptr_t(p) / page() * page();
    unsigned char state = 0;
    EXPECT_EQ(mincore(reinterpret_cast<void*>(start), page(), &state), 0);
    return (state & 1) != 0;
}

void expect_usable(const FiberStack& stack) {
    ASSERT_TRUE(stack.valid());
    EXPECT_EQ(uintptr_t(stack.bottom()) % page(), 0u);
    EXPECT_EQ(uintptr_t(stack.top()) % page(), 0u);
    volatile uint8_t* low = stack.bottom();
    volatile uint8_t* high = stack.top() - 1;
    *low = 0x5a;
    *high = 0xa5;
    EXPECT_EQ(*low, 0x5a);
    EXPECT_EQ(*high, 0xa5);
}

TEST(StackPool, StackIsWritableFromBottomToTop) {
    StackPool pool(StackPool::Options{kStackBytes, 16});
    FiberStack stack = pool.acquire();
    EXPECT_EQ(stack.size(), kStackBytes);
    EXPECT_EQ(pool.stack_bytes(), kStackBytes);
    expect_usable(stack);
}

TEST(StackPool, ReservedTopIsSetAsideAndForgottenOnReuse) {
    StackPool pool(StackPool::Options{kStackBytes, 16});
    FiberStack stack = pool.acquire();
    uint8_t* const cell_top = stack.top();
    uint8_t* const area = stack.reserve_top(1000);
    EXPECT_EQ(area, cell_top - 1000);
    EXPECT_EQ(stack.top(), area);
    EXPECT_EQ(stack.size(), kStackBytes - 1000);
    EXPECT_EQ(stack.reserve_top(2 * kStackBytes), stack.bottom()); // clamped: nothing left
    EXPECT_EQ(stack.size(), 0u);
    pool.release(std::move(stack));
    FiberStack again = pool.acquire();
    EXPECT_EQ(again.top(), cell_top);
    EXPECT_EQ(again.size(), kStackBytes);
}

TEST(StackPoolDeathTest, WriteIntoGuardPageKillsWithSigsegv) {
    StackPool pool;
    FiberStack stack = pool.acquire();
    ASSERT_TRUE(stack.valid());
    expect_guarded(stack);
}

TEST(StackPool, ReusesReleasedCells) {
    StackPool pool(StackPool::Options{kStackBytes, 64});
    std::vector<FiberStack> stacks(50);
    std::set<uint8_t*> first;
    for (auto& s : stacks) {
        s = pool.acquire();
        first.insert(s.bottom());
    }
    for (auto& s : stacks)
        pool.release(std::move(s));
    EXPECT_EQ(pool.cached(), stacks.size());
    std::set<uint8_t*> second;
    for (auto& s : stacks) {
        s = pool.acquire();
        second.insert(s.bottom());
    }
    EXPECT_EQ(first, second);
    EXPECT_EQ(pool.cached(), 0u);
}

TEST(StackPool, ReusesReleasedStacksUpToItsCap) {
    StackPool pool(StackPool::Options{kStackBytes, 2});
    FiberStack a = pool.acquire(), b = pool.acquire(), c = pool.acquire();
    ASSERT_TRUE(a.valid() && b.valid() && c.valid());
    uint8_t* a_bottom = a.bottom();
    pool.release(std::move(a));
    pool.release(std::move(b));
    pool.release(std::move(c)); // over the cap: its pages are dropped
    EXPECT_EQ(pool.cached(), 2u);
    FiberStack again = pool.acquire();
    FiberStack other = pool.acquire();
    EXPECT_TRUE(again.bottom() == a_bottom || other.bottom() == a_bottom);
}

TEST(StackPool, DestroyedStackGoesBackToItsPool) {
    StackPool pool(StackPool::Options{kStackBytes, 4});
    StackPool other(StackPool::Options{kStackBytes, 4});
    {
        FiberStack dropped = pool.acquire();
    }
    EXPECT_EQ(pool.cached(), 1u);
    other.release(pool.acquire()); // a foreign stack returns to the pool it came from
    EXPECT_EQ(pool.cached(), 1u);
    EXPECT_EQ(other.cached(), 0u);
}

// Beyond max_cached a released stack loses its pages, but keeps its cell and its guard.
TEST(StackPoolDeathTest, StackBeyondTheCapComesBackZeroedAndGuarded) {
    StackPool pool(StackPool::Options{kStackBytes, 0});
    FiberStack stack = pool.acquire();
    uint8_t* bottom = stack.bottom();
    stack.bottom()[0] = 42;
    stack.top()[-1] = 42;
    pool.release(std::move(stack));
    EXPECT_EQ(pool.cached(), 0u);
    stack = pool.acquire();
    ASSERT_EQ(stack.bottom(), bottom);
    EXPECT_EQ(stack.bottom()[0], 0);
    EXPECT_EQ(stack.top()[-1], 0);
    expect_guarded(stack);
}

// Fresh cells come prepared in batches: the page below the owner's reserved area resident
// before anything writes to the stack, the rest of the stack not.
TEST(StackPool, FreshStacksHaveTheirFirstPageResident) {
    constexpr size_t kReserved = 5000; // not a page multiple: the page holding its last byte
    StackPool::Options options{kStackBytes, 16};
    options.growth_batch = 8;
    options.first_touch_depth = kReserved;
    StackPool pool(options);
    std::vector<FiberStack> stacks(40); // batches of 1, 1, 2, 4, 8, 8, 8, 8
    for (auto& s : stacks) {
        s = pool.acquire();
        ASSERT_TRUE(s.valid());
        EXPECT_LE(pool.prepared(), options.growth_batch);
    }
    for (auto& s : stacks) {
        uint8_t* area = s.reserve_top(kReserved);
        EXPECT_TRUE(resident(area - 1));
        EXPECT_FALSE(resident(area + kReserved - 1)); // the owner's area: its own business
        EXPECT_FALSE(resident(s.bottom()));
    }
}

TEST(StackPool, PreparesNoMoreStacksThanItHasHandedOut) {
    StackPool::Options options{kStackBytes, 16};
    options.growth_batch = 64;
    StackPool pool(options);
    FiberStack first = pool.acquire();
    EXPECT_EQ(pool.prepared(), 0u); // a program with one process prepares one stack
    FiberStack second = pool.acquire();
    EXPECT_EQ(pool.prepared(), 0u);
    FiberStack third = pool.acquire();
    EXPECT_EQ(pool.prepared(), 1u); // the batch of two carved for the third
    FiberStack fourth = pool.acquire();
    EXPECT_EQ(pool.prepared(), 0u);
    EXPECT_TRUE(first.valid() && second.valid() && third.valid() && fourth.valid());
}

// In the background the next batch is prepared without another acquire() asking for it.
TEST(StackPool, PreparesTheNextBatchInTheBackground) {
    constexpr size_t kReserved = 8192;
    StackPool::Options options{kStackBytes, 16};
    options.growth_batch = 8;
    options.first_touch_depth = kReserved;
    options.prepare_in_background = true;
    StackPool pool(options);
    std::vector<FiberStack> stacks;
    for (int round = 0; round < 6; ++round) {
        stacks.push_back(pool.acquire()); // takes the last prepared (or a new) cell
        ASSERT_TRUE(stacks.back().valid());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (pool.prepared() == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
        ASSERT_GT(pool.prepared(), 0u) << "round " << round;
        // A batch prepared in the background and one by an acquire() that found none may
        // meet, nothing more.
        EXPECT_LT(pool.prepared(), 2 * options.growth_batch);
        while (pool.prepared() > 0) // use up this batch
            stacks.push_back(pool.acquire());
    }
    for (auto& s : stacks) {
        uint8_t* area = s.reserve_top(kReserved);
        EXPECT_TRUE(resident(area - 1));
        expect_usable(s);
    }
}

// Every stack of a batch gets its guard, not just the one handed out first.
TEST(StackPoolDeathTest, EveryStackOfABatchIsGuarded) {
    StackPool::Options options{kStackBytes, 16};
    options.growth_batch = 16;
    StackPool pool(options);
    std::vector<FiberStack> stacks(24);
    for (auto& s : stacks)
        s = pool.acquire();
    for (size_t i : {size_t(0), size_t(7), size_t(12), size_t(23)}) {
        expect_usable(stacks[i]);
        expect_guarded(stacks[i]);
    }
}

// Released stacks are handed out again before prepared ones, and prepared ones before new.
TEST(StackPool, HandsOutResidentStacksFirst) {
    StackPool::Options options{kStackBytes, 16};
    options.growth_batch = 4;
    StackPool pool(options);
    std::vector<FiberStack> stacks(5); // batches of 1, 1, 2, 4: three left prepared
    for (auto& s : stacks)
        s = pool.acquire();
    ASSERT_EQ(pool.prepared(), 3u);
    uint8_t* released = stacks[0].bottom();
    pool.release(std::move(stacks[0]));
    FiberStack again = pool.acquire();
    EXPECT_EQ(again.bottom(), released);
    EXPECT_EQ(pool.prepared(), 3u);
    FiberStack next = pool.acquire();
    EXPECT_EQ(pool.prepared(), 2u);
}

int burn_stack(int depth) {
    volatile char pad[1024];
    pad[0] = char(depth);
    return depth == 0 ? 0 : 1 + burn_stack(depth - 1) + (pad[0] - char(depth));
}

void run_deep(Fiber&, void* arg) {
    int* depth = static_cast<int*>(arg);
    *depth = burn_stack(*depth);
}

TEST(StackPoolDeathTest, StacksFromSeveralSlabsWork) {
    // Three cells per slab: seven stacks span three slabs.
    const size_t cell = kStackBytes + page();
    StackPool pool(StackPool::Options{kStackBytes, 16, 3 * cell});
    std::vector<FiberStack> stacks(7);
    for (auto& s : stacks) {
        s = pool.acquire();
        expect_usable(s);
    }
    std::vector<FiberStack*> by_address;
    by_address.reserve(stacks.size());
    for (auto& s : stacks)
        by_address.push_back(&s);
    std::sort(by_address.begin(), by_address.end(),
              [](auto* a, auto* b) { return a->bottom() < b->bottom(); });
    for (size_t i = 1; i < by_address.size(); ++i)
        EXPECT_LE(by_address[i - 1]->top(), by_address[i]->bottom() - page()); // no overlap
    expect_guarded(stacks.back());
    int depth = 40; // about 40 KiB of the last slab's stack
    Fiber fiber(std::move(stacks.back()), &run_deep, &depth);
    EXPECT_TRUE(fiber.resume());
    EXPECT_EQ(depth, 40);
}

TEST(StackPool, TwoHundredThousandStacksFitInFewMappings) {
    constexpr size_t kStacks = 200'000;
    StackPool pool(StackPool::Options{kStackBytes, 1024});
    const size_t before = mapping_count();
    std::vector<FiberStack> stacks(kStacks);
    for (auto& s : stacks) {
        s = pool.acquire();
        ASSERT_TRUE(s.valid());
    }
    for (size_t i = 0; i < kStacks; i += 997) { // touch a sample: every page costs memory
        stacks[i].bottom()[0] = 1;
        stacks[i].top()[-1] = 1;
    }
    const size_t after = mapping_count();
    std::printf("%zu stacks: %zu mappings before, %zu after\n", kStacks, before, after);
    EXPECT_LT(after, before + 1000); // one stack per mapping would be 200,000 (or 400,000)
}

TEST(StackPool, ThreadsShareAPool) {
    StackPool pool(StackPool::Options{kStackBytes, 8});
    auto churn = [&] {
        std::vector<FiberStack> held;
        for (int i = 0; i < 20000; ++i) {
            held.push_back(pool.acquire());
            held.back().top()[-1] = 1;
            if (held.size() == 16) held.clear();
        }
    };
    std::thread t1(churn), t2(churn);
    t1.join();
    t2.join();
    EXPECT_EQ(pool.cached(), 8u);
}

} // namespace
