#include "host/node.h"

#include "host/wasm_process.h"

namespace tycho::host {

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TYCHO_HOST_BIG_STACKS 1
#endif
#endif

// Sanitizer builds use several times more native stack per frame.
#ifdef TYCHO_HOST_BIG_STACKS
constexpr size_t kStackScale = 8;
#else
constexpr size_t kStackScale = 1;
#endif

// Threads for blocking jobs (compiling big modules): such jobs are CPU-bound, so a couple
// are enough to keep several compiles moving without crowding out the workers.
constexpr unsigned kBlockingThreads = 2;

} // namespace

Node::Node(NodeOptions options) : options_(std::move(options)) {
    HostOptions host_options = options_.host;
    host_options.native_headroom *= kStackScale;
    // The value stack, the interpreter's native frames and the headroom share one stack.
    const size_t stack_bytes = host_options.value_stack_bytes + WasmProcess::kValueLift +
                               host_options.native_headroom + size_t(128) * 1024 * kStackScale;
    scheduler_ =
        std::make_unique<runtime::Scheduler>(runtime::Scheduler::Options{options_.workers});
    timers_ = std::make_unique<runtime::TimerService>();
    reactor_ = std::make_unique<runtime::Reactor>();
    blocking_ = std::make_unique<runtime::BlockingPool>(kBlockingThreads);
    runtime::StackPool::Options stack_options;
    stack_options.stack_bytes = stack_bytes;
    // What WasmProcess sets aside at the top; the page below is the one a parked process uses.
    stack_options.first_touch_depth = host_options.value_stack_bytes + WasmProcess::kValueLift;
    // Spawning processes that stay alive takes fresh stacks; a worker then finds them ready.
    stack_options.prepare_in_background = true;
    stacks_ = std::make_unique<runtime::StackPool>(stack_options);
    environment_ = std::make_unique<runtime::Environment>(
        host_options.environment_id, *scheduler_, *timers_, *reactor_, *stacks_, *blocking_);
    host_ = std::make_unique<Host>(*environment_, std::move(host_options));
}

Node::~Node() {
    // Stop the timer and reactor threads first: their callbacks (delayed sends that outlived
    // their sender, receive timeouts and fd waits of abandoned processes) reach into the
    // environment and the scheduler, and none runs after stop(). Then the workers: nothing
    // runs while the rest is torn down. Then the pool, whose finished jobs notify their
    // processes.
    timers_->stop();
    reactor_->stop();
    scheduler_->stop();
    blocking_.reset();
    timers_.reset();
    reactor_.reset();
    host_.reset();
    environment_.reset();
    more_environments_.clear();
}

runtime::Environment& Node::add_environment(uint64_t id) {
    auto environment = std::make_unique<runtime::Environment>(id, *scheduler_, *timers_, *reactor_,
                                                              *stacks_, *blocking_);
    std::lock_guard guard(environments_lock_);
    more_environments_.push_back(std::move(environment));
    return *more_environments_.back();
}

wasm::Result<int, std::string> Node::run_root(std::shared_ptr<const wasm::Module> module,
                                              ProcessConfig config, std::string_view entry,
                                              std::string module_name,
                                              std::shared_ptr<const PreopenSet> preopens) {
    Host::SpawnRequest request;
    request.preopens = std::move(preopens);
    request.module = std::move(module);
    request.config = std::make_shared<const ProcessConfig>(std::move(config));
    request.entry = entry;
    request.module_name = std::move(module_name);
    request.stdin_fd = 0; // only the root reads the runtime's stdin
    request.on_end = [this](int status) {
        std::lock_guard guard(root_lock_);
        root_status_ = status;
        root_done_.notify_all();
    };
    {
        std::lock_guard guard(root_lock_);
        root_status_.reset();
    }
    auto id = host_->spawn(std::move(request), nullptr);
    if (!id) return id.error();
    std::unique_lock lock(root_lock_);
    root_done_.wait(lock, [&] { return root_status_.has_value(); });
    return root_status_.value_or(1); // always set once the wait returns
}

} // namespace tycho::host
