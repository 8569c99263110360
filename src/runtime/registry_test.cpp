// The registry and the task mutex behind it.
#include "runtime/registry.h"
#include "runtime/task_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

using namespace tycho::runtime;
using namespace tycho::runtime::test_support;

namespace {

TEST(Registry, PutGetRemoveAndOverwrite) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{2});
    Registry registry(scheduler);
    Done done;
    bool ok = false;
    FnTask task(pool, done, [&] {
        ok = !registry.get("worker");
        registry.put("worker", {0, 42});
        ok = ok && registry.get("worker") == RegistryEntry{0, 42};
        registry.put("worker", {1, 43}); // overwrites
        ok = ok && registry.get("worker") == RegistryEntry{1, 43};
        registry.remove("worker");
        registry.remove("worker"); // absent: nothing happens
        ok = ok && !registry.get("worker");
    });
    scheduler.spawn(&task);
    ASSERT_TRUE(done.wait_for(1));
    EXPECT_TRUE(ok);
}

TEST(Registry, GetOrInsertThatGivesUpInsertsNothing) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{1});
    Registry registry(scheduler);
    Done done;
    bool ok = false;
    FnTask task(pool, done, [&] {
        auto [entry, made] =
            registry.get_or_insert("x", [] { return std::optional<RegistryEntry>(); });
        ok = !entry && made && !registry.get("x");
    });
    scheduler.spawn(&task);
    ASSERT_TRUE(done.wait_for(1));
    EXPECT_TRUE(ok);
}

// Many tasks race to get-or-create one name while the creator yields in the middle (as a
// spawn with a preempted start function would): exactly one creates it, all see its entry,
// and plain lookups in between wait rather than see a half-made state.
TEST(Registry, GetOrInsertIsAtomicAcrossSuspensions) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{2});
    Registry registry(scheduler);
    Done done;
    constexpr int kTasks = 64;
    std::atomic<int> made{0};
    std::atomic<int> agreed{0};
    std::atomic<int> lookups_ok{0};
    std::vector<std::unique_ptr<FnTask>> tasks;
    for (int i = 0; i < kTasks; ++i)
        tasks.push_back(std::make_unique<FnTask>(pool, done, [&, i] {
            if (i % 4 == 3) { // a reader
                auto e = registry.get("singleton");
                if (!e || e->process_id == 7) ++lookups_ok;
                return;
            }
            auto [entry, created] = registry.get_or_insert("singleton", [&] {
                ++made;
                for (int k = 0; k < 10; ++k)
                    Scheduler::yield();
                return std::optional(RegistryEntry{0, 7});
            });
            if (entry && entry->process_id == 7) ++agreed;
            (void)created;
        }));
    for (auto& t : tasks)
        scheduler.spawn(t.get());
    ASSERT_TRUE(done.wait_for(kTasks));
    EXPECT_EQ(made.load(), 1);
    EXPECT_EQ(agreed.load(), kTasks - kTasks / 4);
    EXPECT_EQ(lookups_ok.load(), kTasks / 4);
}

TEST(FiberMutex, HolderMaySuspendWithoutBlockingItsWorker) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{1}); // one worker: a blocking lock would deadlock
    FiberMutex mutex(scheduler);
    Done done;
    int inside = 0, max_inside = 0, total = 0;
    std::vector<std::unique_ptr<FnTask>> tasks;
    for (int i = 0; i < 8; ++i)
        tasks.push_back(std::make_unique<FnTask>(pool, done, [&] {
            for (int k = 0; k < 20; ++k) {
                std::lock_guard guard(mutex);
                max_inside = std::max(max_inside, ++inside);
                Scheduler::yield(); // others run, and must wait for the mutex
                ++total;
                --inside;
            }
        }));
    for (auto& t : tasks)
        scheduler.spawn(t.get());
    ASSERT_TRUE(done.wait_for(8));
    EXPECT_EQ(max_inside, 1);
    EXPECT_EQ(total, 160);
}

} // namespace
