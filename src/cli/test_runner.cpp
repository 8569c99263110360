// Runs the selected tests, at most one per worker at a time, each as the root process of a
// fresh environment (id 0, so the test is process 1) with its own registry and output
// capture group, and judges each when its process ends; a test still running after the
// timeout is killed and failed.
#include "errors.h"
#include "host/node.h"
#include "host/output_capture.h"
#include "module_file.h"
#include "test_catalog.h"
#include "test_mode.h"
#include "test_report.h"
#include "test_verdict.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

extern char** environ;

namespace tycho::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Tests whose process ended, as the workers report them to the main thread.
class EndedTests {
  public:
    void push(size_t test, int status) {
        std::lock_guard guard(lock_);
        ended_.push_back({test, status});
        changed_.notify_one();
    }
    struct Ended {
        size_t test;
        int status;
    };
    // What ended since the last call, waiting until something did or `deadline` passed.
    std::vector<Ended> wait_until(Clock::time_point deadline) {
        std::unique_lock lock(lock_);
        changed_.wait_until(lock, deadline, [&] { return !ended_.empty(); });
        return std::exchange(ended_, {});
    }

  private:
    std::mutex lock_;
    std::condition_variable changed_;
    std::vector<Ended> ended_;
};

// The configuration every test runs with (§14.3): every permission, argv only the guest's
// arguments, the runtime's environment (plus --env), "." and the --dir directories preopened.
std::shared_ptr<const host::ProcessConfig> test_config(const RunRequest& run,
                                                       const TestArgs& args) {
    auto config = std::make_shared<host::ProcessConfig>();
    config->max_memory = run.limits.max_memory;
    config->max_fuel = run.limits.max_fuel;
    config->can_compile_modules = config->can_create_configs = config->can_spawn_processes = true;
    config->args = args.guest_args;
    for (char** variable = environ; *variable != nullptr; ++variable)
        config->env.emplace_back(*variable);
    config->env.insert(config->env.end(), run.env.begin(), run.env.end());
    config->preopens.push_back({".", "."});
    for (const std::string& dir : args.dirs)
        config->preopens.push_back({dir, dir});
    config->preopens.insert(config->preopens.end(), run.dirs.begin(), run.dirs.end());
    return config;
}

class TestRunner {
  public:
    struct Setup {
        std::shared_ptr<const wasm::Module> module;
        std::shared_ptr<const host::ProcessConfig> config;
        std::string module_name;
        bool echo = false; // --nocapture
        unsigned parallel = 1;
        std::chrono::seconds timeout;
    };
    TestRunner(host::Node& node, Setup setup, TestReport& report)
        : node_(node), setup_(std::move(setup)), report_(report) {}

    void run(const std::vector<const TestCase*>& tests) {
        tests_ = tests;
        size_t next = 0;
        while (next < tests_.size() || !running_.empty()) {
            while (running_.size() < setup_.parallel && next < tests_.size())
                start(next++);
            if (running_.empty()) continue;
            Clock::time_point deadline = Clock::time_point::max();
            for (const auto& [index, test] : running_)
                deadline = std::min(deadline, test.deadline);
            for (const EndedTests::Ended& ended : ended_.wait_until(deadline))
                finish(ended.test, ended.status);
            time_out_overdue();
        }
    }

  private:
    struct Running {
        runtime::Environment* environment = nullptr;
        runtime::ProcessId id = 0;
        std::shared_ptr<host::CaptureGroup> capture;
        Clock::time_point deadline;
    };

    void start(size_t index) {
        const TestCase& test = *tests_[index];
        Running running;
        running.environment = &node_.add_environment(0);
        running.capture =
            std::make_shared<host::CaptureGroup>(node_.host().memory_budget(), setup_.echo);
        running.deadline = Clock::now() + setup_.timeout;
        host::Host::SpawnRequest request;
        request.module = setup_.module;
        request.config = setup_.config;
        request.entry = test.export_name;
        request.module_name = setup_.module_name;
        request.environment = running.environment;
        request.capture = running.capture;
        request.on_end = [this, index](int status) { ended_.push(index, status); };
        auto id = node_.host().spawn(std::move(request), nullptr);
        if (!id) {
            report_.finished(test.name, false, "", "the test could not start: " + id.error());
            return;
        }
        running.id = id.value();
        running_.emplace(index, std::move(running));
    }

    void finish(size_t index, int status) {
        auto found = running_.find(index);
        if (found == running_.end()) return; // timed out already
        const Running& running = found->second;
        const TestCase& test = *tests_[index];
        const Verdict verdict = judge(test, status, running.capture->text(0));
        report_.finished(test.name, verdict.passed, running.capture->text(), verdict.note);
        running_.erase(found);
    }

    // Fails and kills the tests past their deadline. A killed test's process may still take
    // a while to unwind; its end is ignored.
    void time_out_overdue() {
        const Clock::time_point now = Clock::now();
        for (auto it = running_.begin(); it != running_.end();) {
            if (it->second.deadline > now) {
                ++it;
                continue;
            }
            const Running& running = it->second;
            running.environment->deliver(running.id, runtime::KillSignal{});
            const std::string seconds = std::to_string(setup_.timeout.count());
            report_.finished(tests_[it->first]->name, false, running.capture->text(),
                             "test did not finish within " + seconds +
                                 " seconds (--test-timeout) and was killed");
            it = running_.erase(it);
        }
    }

    host::Node& node_;
    Setup setup_;
    TestReport& report_;
    std::vector<const TestCase*> tests_;
    std::map<size_t, Running> running_; // by index in tests_
    EndedTests ended_;
};

} // namespace

int run_cargo_tests(const RunRequest& run, std::optional<uint64_t> timeout_seconds) {
    auto parsed = parse_test_args(run.args);
    if (!parsed) return usage_error(parsed.error());
    const TestArgs& args = parsed.value();

    host::Node node(node_options(run));
    auto module = load_module(node.host(), run.file, run.limits.max_memory);
    if (!module) return command_error(module.error());

    const std::vector<TestCase> tests = find_tests(*module.value());
    TestFilter filter{args.filter, args.exact, args.ignored};
    const TestSelection selection = select_tests(tests, filter);
    if (args.list) {
        std::vector<const TestCase*> listed = selection.run;
        listed.insert(listed.end(), selection.ignored.begin(), selection.ignored.end());
        std::sort(listed.begin(), listed.end(),
                  [](const TestCase* a, const TestCase* b) { return a->name < b->name; });
        for (const TestCase* test : listed)
            std::printf("%s: test\n", test->name.c_str());
        std::fflush(stdout);
        std::_Exit(0);
    }

    const auto started = Clock::now();
    TestReport report(stdout, args.show_output);
    report.run_start(selection.run.size() + selection.ignored.size());
    for (const TestCase* test : selection.ignored)
        report.ignored(test->name);
    TestRunner::Setup setup;
    setup.module = std::move(module.value());
    setup.config = test_config(run, args);
    setup.module_name = base_name(run.file);
    setup.echo = args.nocapture;
    setup.parallel = node.workers();
    setup.timeout = std::chrono::seconds(
        args.timeout_seconds.value_or(timeout_seconds.value_or(kDefaultTestTimeoutSeconds)));
    TestRunner runner(node, std::move(setup), report);
    runner.run(selection.run);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const int status = report.finish(selection.filtered_out, seconds);
    // Processes the tests left behind are dropped without notice, as when a root ends.
    std::fflush(nullptr);
    std::_Exit(status);
}

} // namespace tycho::cli
