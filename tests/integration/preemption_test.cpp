// The preemption path end to end: Wasm code running in a scheduler task gives its worker
// back through the engine's reduction hook, so a guest that loops forever cannot keep
// another guest from finishing, even on a single worker.
#include "runtime/scheduler.h"

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>

using namespace tycho;
using namespace std::chrono_literals;

namespace {

// Fiber stacks for the guests, and the part of them kept free for host code (the hook and
// the scheduler run on the same stack). Sanitizer builds need far more of both.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TYCHO_TEST_BIG_STACKS 1
#endif
#endif
#ifdef TYCHO_TEST_BIG_STACKS
constexpr size_t kStackBytes = size_t(4) << 20;
constexpr uintptr_t kStackHeadroom = uintptr_t(1) << 20;
#else
constexpr size_t kStackBytes = size_t(256) << 10;
constexpr uintptr_t kStackHeadroom = uintptr_t(64) << 10;
#endif

std::shared_ptr<const wasm::Module> load_spin_module() {
    std::ifstream in(TYCHO_INTEGRATION_SPIN_WASM, std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>()};
    auto m = wasm::Module::compile(bytes);
    EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
    return m ? m.value() : nullptr;
}

// A task that instantiates the module and calls one export, yielding every slice.
class GuestTask : public runtime::Task {
  public:
    GuestTask(runtime::StackPool& pool, std::shared_ptr<const wasm::Module> module,
              const char* export_name, std::vector<wasm::Value> args)
        : Task(pool.acquire()), module_(std::move(module)), export_(export_name),
          args_(std::move(args)) {}

    using Outcome = wasm::Result<std::vector<wasm::Value>, wasm::Trap>;
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> slices{0};
    // Set once the task has finished for good (off its fiber): only then may it be destroyed.
    std::promise<Outcome> outcome;
    // The instance it ran; read it only once `outcome` is ready.
    std::shared_ptr<wasm::Instance> instance;

  protected:
    void main() override {
        auto context = wasm::ExecutionContext::create();
        // The interpreter recurses on this fiber's stack: keep it inside, with headroom.
        context->set_native_stack_limit(reinterpret_cast<uintptr_t>(fiber().stack().bottom()) +
                                        kStackHeadroom);
        context->set_reduction_hook(4000, [this](wasm::ExecutionContext& ex) {
            ++slices;
            if (stop.load()) {
                ex.set_stop_reason("killed");
                return wasm::HookAction::Stop;
            }
            runtime::Scheduler::yield();
            return wasm::HookAction::Continue;
        });
        wasm::Linker linker;
        auto made = linker.instantiate(*context, module_);
        if (!made) {
            result_ = wasm::Trap{wasm::TrapCode::HostTrap, made.error().message, {}};
            return;
        }
        instance = made.value();
        result_ = instance->exported_function(export_)->call(*context, args_);
    }
    void finished() override { outcome.set_value(std::move(*result_)); }

  private:
    std::shared_ptr<const wasm::Module> module_;
    const char* export_;
    std::vector<wasm::Value> args_;
    std::optional<Outcome> result_;
};

TEST(Preemption, SpinningGuestDoesNotStarveAnotherOnOneWorker) {
    auto module = load_spin_module();
    ASSERT_TRUE(module);
    runtime::StackPool pool(runtime::StackPool::Options{kStackBytes, 8});
    runtime::Scheduler scheduler(runtime::Scheduler::Options{1});
    GuestTask spinner(pool, module, "spin", {});
    GuestTask counter(pool, module, "count", {wasm::Value::i32(1'000'000)});
    auto spun = spinner.outcome.get_future();
    auto counted = counter.outcome.get_future();
    scheduler.spawn(&spinner);
    scheduler.spawn(&counter);

    ASSERT_EQ(counted.wait_for(10s), std::future_status::ready);
    const uint64_t spinner_slices = spinner.slices.load();
    auto result = counted.get();
    ASSERT_TRUE(result);
    EXPECT_EQ(result.value()[0].as_i32(), 1'000'000);
    const uint64_t counter_slices = counter.slices.load();
    EXPECT_GT(counter_slices, 100u); // it was preempted too, 4,000 reductions a slice
    // Both took turns on the one worker: the spinner ran about as many slices meanwhile.
    EXPECT_GE(spinner_slices, counter_slices / 2);

    // The spinner is still running; stopping it through the hook unwinds its call.
    EXPECT_EQ(spun.wait_for(0s), std::future_status::timeout);
    spinner.stop = true;
    ASSERT_EQ(spun.wait_for(10s), std::future_status::ready);
    auto stopped = spun.get();
    ASSERT_FALSE(stopped);
    EXPECT_EQ(stopped.error().code, wasm::TrapCode::Interrupted);
    EXPECT_EQ(stopped.error().message, "killed");

    // And it really looped in those slices: one reduction per iteration, 4,000 a slice.
    ASSERT_TRUE(spinner.instance);
    auto spins = spinner.instance->get_export("spins");
    ASSERT_TRUE(spins && spins->global);
    EXPECT_GE(uint64_t(spins->global->get().as_i64()), spinner_slices * 1000);
}

} // namespace
