// tycho-spec: runs one script of the official WebAssembly spec testsuite.
//
//   tycho-spec FILE.wast [--tier interp|jit] [--keep DIR] [--verbose]
//
// --tier jit compiles every module with the optimizing tier before it runs.
// Converts FILE with wast2json, executes its commands in order, prints one line per failed
// or skipped command and a summary line. Exit code: 0 when commands ran and none failed;
// 77 (skip) when FILE does not exist or every command is one Tycho cannot run (a
// text-format module); 2 for bad usage; 1 otherwise, including when nothing ran.
#include "json.h"
#include "runner.h"
#include "wast2json.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

namespace {

using namespace tycho::spec;
namespace fs = std::filesystem;

constexpr int kExitSkip = 77;
constexpr int kExitUsage = 2;

struct Args {
    std::string wast;
    std::optional<fs::path> keep_dir;
    bool verbose = false;
    tycho::wasm::Tier tier = tycho::wasm::Tier::Interpreter;
};

std::optional<Args> parse_args(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--verbose") {
            args.verbose = true;
        } else if (arg == "--tier" && i + 1 < argc) {
            const std::string tier = argv[++i];
            if (tier == "interp")
                args.tier = tycho::wasm::Tier::Interpreter;
            else if (tier == "jit")
                args.tier = tycho::wasm::Tier::Jit;
            else
                return std::nullopt;
        } else if (arg == "--keep" && i + 1 < argc) {
            args.keep_dir = argv[++i];
        } else if (arg.starts_with("-") || !args.wast.empty()) {
            return std::nullopt;
        } else {
            args.wast = arg;
        }
    }
    if (args.wast.empty()) return std::nullopt;
    return args;
}

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return std::move(text).str();
}

// Converts and runs the script; returns the exit code.
int run(const Args& args) {
    Runner runner(args.wast, args.verbose, tycho::wasm::CompileOptions{args.tier});
    auto give_up = [&](std::string_view stage, std::string_view expected, std::string_view what) {
        runner.fail(0, stage, expected, what);
        runner.print_summary();
        return 1;
    };

    auto dir = args.keep_dir ? ScratchDir::keep_at(*args.keep_dir) : ScratchDir::create_temporary();
    if (!dir) return give_up("setup", "a scratch directory", dir.error());
    auto json_path = run_wast2json(args.wast, dir->path());
    if (!json_path) return give_up("wast2json", "the script converts", json_path.error());
    std::optional<std::string> text = read_file(json_path.value());
    if (!text) return give_up("wast2json", "a readable JSON file", json_path->string());
    auto document = parse_json(*text);
    if (!document) return give_up("wast2json", "valid JSON", document.error().to_string());

    if (auto ok = runner.init(); !ok)
        return give_up("spectest", "the spectest host module", ok.error());
    runner.run(document.value(), dir->path());
    runner.print_summary();
    switch (runner.verdict()) {
    case Verdict::Pass: return 0;
    case Verdict::Skip: return kExitSkip;
    case Verdict::Fail: return 1;
    }
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    std::optional<Args> args = parse_args(argc, argv);
    if (!args) {
        std::cerr << "usage: tycho-spec FILE.wast [--tier interp|jit] [--keep DIR] [--verbose]\n";
        return kExitUsage;
    }
    std::error_code ec;
    if (!fs::is_regular_file(args->wast, ec)) {
        std::cout << args->wast << ": no such file; skipping" << std::endl;
        return kExitSkip;
    }
    return run(*args);
}
