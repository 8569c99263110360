// The `tycho` command.
#include "compile_command.h"
#include "descriptor_limit.h"
#include "errors.h"
#include "invoke.h"
#include "run_process.h"
#include "test_mode.h"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace {

using tycho::cli::usage_error;

constexpr const char* kUsage =
    R"(Usage: tycho <command> [options]
       tycho [run options] FILE.wasm [ARGS...]     (the same as 'tycho run ...')

Commands:
  run [OPTIONS] FILE.wasm [ARGS...]
        Run FILE.wasm's _start as the root process. It may spawn processes
        (lunatic ABI); the command ends when the root process ends, with its exit
        status (1 if it failed). ARGS become its argv, after the file name.
  run --invoke NAME FILE.wasm [ARGS...]
        Call the exported function NAME of a module without imports, with ARGS
        converted to its parameter types (i32/i64 as decimal or 0x-hex, f32/f64 as
        decimal, inf or nan), and print each result on its own line. --max-memory,
        --max-fuel and --reductions apply to it as to a root process.
  compile [--cache-dir DIR] FILE.wasm...
        Compile each module with the optimizing tier into the native code cache
        (see --cache-dir), so that its runs start with native code.
  help  Show this text.
  version
        Show the version.
  'run' may be left out when the first argument is one of run's options, or a file
  path ending in .wasm or containing a '/'.

Options of run:
  --workers N        Worker threads that run processes (default: one per core).
  --dir HOST_DIR[::GUEST_DIR]
                     Preopen HOST_DIR for the root process (repeatable), under the
                     name GUEST_DIR (default: HOST_DIR as written; `--dir .` is the
                     working directory). Files are reachable only beneath
                     preopened directories: `..` above one, absolute paths and
                     links leading out are refused. Nothing is preopened by
                     default.
  --tcplisten ADDRESS:PORT
                     Listen on this TCP address and hand the socket to the root
                     process (repeatable), after its directories: it accepts
                     connections with WASI's sock_accept. ADDRESS as for --metrics.
  --deny-net         Refuse guests every network operation: binding, connecting
                     and sending (lunatic::networking) and name lookups answer
                     with an error, which the guest sees; nothing traps.
  --allow-net HOST:PORT[,HOST:PORT...]
                     Let guests bind, connect and send only to these addresses
                     (repeatable: the lists add up); others are refused with an
                     error. HOST is an IPv4 address, an IPv6 address in brackets
                     ([::1]), a name (resolved once, at start: all its addresses
                     count) or * for any; PORT is a number or * for any (binding
                     port 0, "any free port", needs *). Name lookups stay
                     allowed. Without --deny-net or --allow-net everything is
                     allowed, as on Lunatic; the two do not go together.
  --env KEY=VALUE    Add a variable to the root process's environment (repeatable).
  --inherit-env      Pass the runtime's own environment on to the root process
                     (before the --env variables). Without it, the environment
                     holds only the --env variables.
  --max-memory BYTES Linear-memory limit of the root process (suffixes K, M, G
                     for powers of 1024; default 4G = 65536 pages, all a memory can
                     have). A module whose memory starts larger is refused; growth
                     beyond it fails (memory.grow returns -1). Host memory the
                     process makes Tycho allocate (tables, messages being written,
                     configs, modules, errors, timers) is held to the same amount,
                     counted separately; past it the host call traps. Processes
                     spawned with the root's config inherit it.
  --max-total-memory BYTES
                     Host memory all processes together may hold (suffixes K, M,
                     G; default three quarters of the machine's memory): tables,
                     messages being written, configs, modules, error texts,
                     timers, and 8K per process. Past it, spawns fail with an
                     error code and host calls that would allocate trap.
  --max-fuel N       Compute limit of the root process in units of 100,000
                     reductions (function calls and loop iterations); 0 = unlimited
                     (default). Running out is a trap.
  --reductions N     Reductions per time slice before a process yields to others
                     (default 4000).
  --tier interp|jit|auto
                     Which code runs the modules (default auto). interp: the
                     interpreter only. jit: the whole module is compiled to native
                     code with the optimizing tier (LLVM) before it starts, which
                     takes a while and then runs compute-heavy code many times
                     faster. auto: start in the interpreter at once; a module that
                     keeps running is compiled on a background thread and switched
                     to native code as it runs. Preemption, fuel, kills, traps and
                     backtraces behave the same in every tier.
  --cache-dir DIR    Keep native code between runs in DIR (default
                     $XDG_CACHE_HOME/tycho/native, else ~/.cache/tycho/native), so
                     that a module compiled once starts with native code.
  --no-cache         Neither read nor write native code on disk.
  --log-level LEVEL  What is printed about processes that fail (default error):
                       error  a full report (trap, backtrace, hint) for each crash:
                              a trap, running out of fuel, an entry that cannot run
                       warn   also one line for each non-zero exit (proc_exit)
                       info   also one line for each process ended by a kill or by
                              the failure of a linked process (naming that process)
                       debug  full reports for all of these
                     Exits and kills are deliberate: they still count as failures
                     for links and monitors, but are not crashes. A non-zero exit of
                     the root process is the command's exit status.
  --metrics ADDRESS:PORT
                     Serve Prometheus metrics over HTTP at ADDRESS:PORT/metrics
                     while the root process runs: the runtime's (tycho_...) and
                     those guests record with lunatic::metrics (recorded only
                     with this option). ADDRESS is an IPv4 address or localhost
                     (empty: every interface); port 0 picks a free port. The
                     address is printed to stderr when the port is 0 or the log
                     level is info or debug.
  --invoke NAME      See above.
  --test-timeout SECONDS
                     In cargo test mode: fail and kill a test still running after this
                     long (default 600).

cargo test mode:
  When CARGO_MANIFEST_DIR is set and FILE.wasm is a test binary under
  target/wasm32-wasi/{debug,release}/deps/ (or wasm32-unknown-unknown), and no argument
  is --bench, tycho runs the binary's #lunatic_test_ exports as tests, as cargo's
  test runner:
    tycho [RUN OPTIONS] FILE.wasm [FILTER] [--exact] [--ignored] [--nocapture]
          [--show-output] [--list --format terse] [--dir DIR]... [--test-timeout SECONDS]
          [GUEST ARGS...]
  Each test runs as the root process of an environment of its own, with every
  permission, GUEST ARGS as its argv, the runtime's environment (and --env) as its
  environ, and "." and each --dir preopened. Its output, and that of the processes it
  spawns, is captured and shown if it fails (with --show-output, also if it passes;
  --nocapture also prints it as it comes). Results and the summary are printed as
  libtest prints them; the status is 1 if a test failed. Tests run concurrently, at
  most one per worker. Set `runner = "tycho"` for the wasm32-wasi target in
  .cargo/config.toml.

Options:
  -h, --help     Show this text.
  -V, --version  Show the version.

Environment:
  TYCHO_LOG=LEVEL    The log level when --log-level is not given.
)";

// A whole decimal number, optionally with a K/M/G (1024-based) suffix when allowed.
std::optional<uint64_t> parse_count(const std::string& text, bool allow_suffix) {
    uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [last, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || last == text.data()) return std::nullopt;
    if (last == end) return value;
    if (!allow_suffix || last + 1 != end) return std::nullopt;
    unsigned shift = 0;
    switch (*last) {
    case 'K':
    case 'k': shift = 10; break;
    case 'M':
    case 'm': shift = 20; break;
    case 'G':
    case 'g': shift = 30; break;
    default: return std::nullopt;
    }
    if (value > (UINT64_MAX >> shift)) return std::nullopt;
    return value << shift;
}

struct RunOptions {
    std::optional<std::string> invoke;
    std::optional<std::string> cache_dir;            // --cache-dir
    bool no_cache = false;                           // --no-cache
    bool deny_net = false;                           // --deny-net
    std::optional<tycho::host::NetPolicy> allow_net; // the --allow-net lists together
    std::optional<uint64_t> test_timeout;            // seconds
    std::optional<tycho::host::LogLevel> log_level;  // given with --log-level
    tycho::cli::RunRequest run;
};

constexpr const char* kRunOptions[] = {
    "--invoke",       "--workers",   "--env",       "--max-memory",  "--max-fuel",
    "--reductions",   "--log-level", "--dir",       "--inherit-env", "--max-total-memory",
    "--test-timeout", "--metrics",   "--tcplisten", "--deny-net",    "--allow-net",
    "--tier",         "--cache-dir", "--no-cache"};

// Run options that take no value.
bool is_switch(const std::string& flag) {
    return flag == "--inherit-env" || flag == "--deny-net" || flag == "--no-cache";
}

bool is_run_option(const std::string& arg) {
    const std::string name = arg.substr(0, arg.find('='));
    for (const char* option : kRunOptions)
        if (name == option) return true;
    return false;
}

// Whether `tycho ARG ...` means `tycho run ARG ...`: ARG is one of run's options or a path
// to a module (ends in .wasm, or has a directory part). Anything else is taken for a
// command, so a mistyped command still gets "unknown command".
bool implies_run(const std::string& arg) {
    if (arg == "--" || is_run_option(arg)) return true;
    if (arg.empty() || arg[0] == '-') return false;
    const std::string suffix = ".wasm";
    const bool wasm_file = arg.size() > suffix.size() &&
                           arg.compare(arg.size() - suffix.size(), suffix.size(), suffix) == 0;
    return wasm_file || arg.find('/') != std::string::npos;
}

// Parses `run`'s options up to FILE.wasm; returns an exit status when it must stop there.
std::optional<int> parse_run_options(const std::vector<std::string>& args, size_t& i,
                                     RunOptions& out) {
    for (; i < args.size(); ++i) {
        std::string flag = args[i];
        if (flag == "--") {
            ++i;
            break;
        }
        if (flag == "-h" || flag == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (flag.size() < 2 || flag[0] != '-') break;
        std::optional<std::string> value;
        if (const size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag.resize(eq);
        }
        if (!is_run_option(flag)) return usage_error("unknown option '" + flag + "'");
        if (is_switch(flag)) {
            if (value) return usage_error(flag + " takes no value");
            if (flag == "--deny-net")
                out.deny_net = true;
            else if (flag == "--no-cache")
                out.no_cache = true;
            else
                out.run.inherit_env = true;
            continue;
        }
        if (!value) {
            if (i + 1 >= args.size())
                return usage_error(
                    flag + (flag == "--invoke" ? " needs a function name" : " needs a value"));
            value = args[++i];
        }
        if (flag == "--invoke") {
            if (value->empty()) return usage_error("--invoke needs a function name");
            out.invoke = *value;
        } else if (flag == "--env") {
            const size_t eq = value->find('=');
            if (eq == std::string::npos || eq == 0)
                return usage_error("--env needs KEY=VALUE, got '" + *value + "'");
            out.run.env.push_back(*value);
        } else if (flag == "--dir") {
            const size_t separator = value->find("::");
            tycho::host::PreopenDir dir;
            dir.host_path = value->substr(0, separator);
            dir.guest_name =
                separator == std::string::npos ? dir.host_path : value->substr(separator + 2);
            if (dir.host_path.empty() || dir.guest_name.empty())
                return usage_error("--dir needs HOST_DIR or HOST_DIR::GUEST_DIR, got '" + *value +
                                   "'");
            out.run.dirs.push_back(std::move(dir));
        } else if (flag == "--tcplisten") {
            std::string problem;
            auto address = tycho::host::parse_listen_address(*value, problem);
            if (!address)
                return usage_error("--tcplisten needs ADDRESS:PORT (an IPv4 address or "
                                   "localhost, and a port), got '" +
                                   *value + "': " + problem);
            out.run.listen.push_back(std::move(*address));
        } else if (flag == "--allow-net") {
            auto list = tycho::host::NetPolicy::parse_allow_list(*value);
            auto* allowed = std::get_if<tycho::host::NetPolicy>(&list);
            if (allowed == nullptr)
                return usage_error("--allow-net needs HOST:PORT[,HOST:PORT...], got '" + *value +
                                   "': " + *std::get_if<std::string>(&list));
            if (out.allow_net)
                out.allow_net->allow_also(*allowed);
            else
                out.allow_net = std::move(*allowed);
        } else if (flag == "--workers") {
            auto n = parse_count(*value, false);
            if (!n || *n == 0 || *n > 1024)
                return usage_error("--workers needs a number from 1 to 1024, got '" + *value + "'");
            out.run.workers = unsigned(*n);
        } else if (flag == "--max-memory") {
            auto n = parse_count(*value, true);
            if (!n) return usage_error("--max-memory needs a byte count, got '" + *value + "'");
            out.run.limits.max_memory = *n;
        } else if (flag == "--max-total-memory") {
            auto n = parse_count(*value, true);
            if (!n || *n == 0)
                return usage_error("--max-total-memory needs a positive byte count, got '" +
                                   *value + "'");
            out.run.max_total_memory = *n;
        } else if (flag == "--max-fuel") {
            auto n = parse_count(*value, false);
            if (!n) return usage_error("--max-fuel needs a whole number, got '" + *value + "'");
            out.run.limits.max_fuel = *n;
        } else if (flag == "--log-level") {
            auto level = tycho::host::parse_log_level(*value);
            if (!level)
                return usage_error(std::string("--log-level needs one of ") +
                                   tycho::host::kLogLevelNames + ", got '" + *value + "'");
            out.log_level = level;
        } else if (flag == "--test-timeout") {
            auto n = parse_count(*value, false);
            if (!n || *n == 0)
                return usage_error("--test-timeout needs a positive number of seconds, got '" +
                                   *value + "'");
            out.test_timeout = n;
        } else if (flag == "--metrics") {
            std::string problem;
            auto address = tycho::host::parse_listen_address(*value, problem);
            if (!address)
                return usage_error("--metrics needs ADDRESS:PORT (an IPv4 address or localhost, "
                                   "and a port), got '" +
                                   *value + "': " + problem);
            out.run.metrics = std::move(address);
        } else if (flag == "--tier") {
            if (*value == "interp")
                out.run.compile.tier = tycho::wasm::Tier::Interpreter;
            else if (*value == "jit")
                out.run.compile.tier = tycho::wasm::Tier::Jit;
            else if (*value == "auto")
                out.run.compile.tier = tycho::wasm::Tier::Auto;
            else
                return usage_error("--tier needs interp, jit or auto, got '" + *value + "'");
        } else if (flag == "--cache-dir") {
            if (value->empty()) return usage_error("--cache-dir needs a directory");
            out.cache_dir = *value;
        } else if (flag == "--reductions") {
            auto n = parse_count(*value, false);
            if (!n || *n == 0 || *n > uint64_t(INT64_MAX))
                return usage_error("--reductions needs a positive number, got '" + *value + "'");
            out.run.limits.reductions = int64_t(*n);
        }
    }
    return std::nullopt;
}

// --cache-dir, else the user's cache directory, unless --no-cache.
std::optional<int> resolve_cache(RunOptions& options) {
    auto& compile = options.run.compile;
    if (options.no_cache) {
        if (options.cache_dir)
            return usage_error("--cache-dir and --no-cache cannot be used together");
        compile.native_cache_dir.clear();
        return std::nullopt;
    }
    compile.native_cache_dir =
        options.cache_dir ? *options.cache_dir : tycho::cli::default_cache_dir();
    return std::nullopt;
}

// --deny-net or --allow-net, else everything allowed.
std::optional<int> resolve_net_policy(RunOptions& options) {
    if (options.deny_net && options.allow_net)
        return usage_error("--deny-net and --allow-net cannot be used together");
    if (options.deny_net) options.run.net_policy = tycho::host::NetPolicy::deny_all();
    if (options.allow_net) options.run.net_policy = std::move(*options.allow_net);
    return std::nullopt;
}

// --log-level, else TYCHO_LOG (when set and not empty), else the default.
std::optional<int> resolve_log_level(RunOptions& options) {
    if (options.log_level) {
        options.run.log_level = *options.log_level;
        return std::nullopt;
    }
    const char* variable = std::getenv("TYCHO_LOG");
    if (variable == nullptr || *variable == '\0') return std::nullopt;
    auto level = tycho::host::parse_log_level(variable);
    if (!level)
        return usage_error(std::string("TYCHO_LOG needs one of ") + tycho::host::kLogLevelNames +
                           ", got '" + variable + "'");
    options.run.log_level = *level;
    return std::nullopt;
}

} // namespace

int main(int argc, char** argv) {
    // A guest writing to a closed pipe gets an error from fd_write instead of killing us.
    std::signal(SIGPIPE, SIG_IGN);
    // Each socket a guest holds is one of our descriptors.
    tycho::cli::raise_descriptor_limit();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("missing command");
    const std::string& command = args[0];
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (command == "-V" || command == "--version" || command == "version") {
        std::puts("tycho " TYCHO_VERSION);
        return 0;
    }
    if (command == "compile") return tycho::cli::run_compile({args.begin() + 1, args.end()});
    size_t i = 1; // the first argument after `run`
    if (command != "run") {
        if (!implies_run(command)) {
            if (command[0] == '-') return usage_error("unknown option '" + command + "'");
            return usage_error("unknown command '" + command +
                               "'; to run a module, name it by a path ending in .wasm or "
                               "containing a '/', or use 'tycho run FILE'");
        }
        i = 0;
    }

    RunOptions options;
    options.run.compile.tier = tycho::wasm::Tier::Auto;
    if (auto status = parse_run_options(args, i, options)) return *status;
    if (auto status = resolve_log_level(options)) return *status;
    if (auto status = resolve_net_policy(options)) return *status;
    if (auto status = resolve_cache(options)) return *status;
    if (i >= args.size()) return usage_error("missing FILE.wasm");
    const std::string file = args[i++];
    std::vector<std::string> rest(args.begin() + long(i), args.end());
    if (options.invoke) {
        if (options.run.metrics)
            return usage_error("--metrics is for running processes, and --invoke runs none");
        tycho::cli::InvokeRequest request{file, *options.invoke, std::move(rest),
                                          options.run.limits, options.run.compile};
        const int status = tycho::cli::run_invoke(request);
        // As after a run: a background compile still in progress is not waited for.
        std::fflush(nullptr);
        std::_Exit(status);
    }
    options.run.file = file;
    options.run.args = std::move(rest);
    if (tycho::cli::is_cargo_test_invocation(std::getenv("CARGO_MANIFEST_DIR"), file,
                                             options.run.args))
        return tycho::cli::run_cargo_tests(options.run, options.test_timeout);
    if (options.test_timeout) return usage_error("--test-timeout applies only in cargo test mode");
    return tycho::cli::run_process(options.run);
}
