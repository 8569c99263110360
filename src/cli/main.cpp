// The `tycho` command.
#include "invoke.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage =
    R"(Usage: tycho <command> [options]

Commands:
  run [--invoke NAME] FILE.wasm [ARGS...]
        Compile FILE.wasm and call an exported function. With --invoke NAME, calls NAME
        with ARGS converted to its parameter types (i32/i64 as decimal or 0x-hex,
        f32/f64 as decimal, inf or nan) and prints each result on its own line.
        Without --invoke, calls the export "_start".
  help  Show this text.
  version
        Show the version.

Options:
  -h, --help     Show this text.
  -V, --version  Show the version.
)";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "tycho: %s (see 'tycho --help')\n", message.c_str());
    return 2;
}

} // namespace

int main(int argc, char** argv) {
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
    if (command != "run") return usage_error("unknown command '" + command + "'");

    tycho::cli::InvokeRequest request;
    size_t i = 1;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--invoke") {
            if (i + 1 >= args.size()) return usage_error("--invoke needs a function name");
            request.function = args[++i];
        } else if (a.rfind("--invoke=", 0) == 0) {
            request.function = a.substr(9);
        } else if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == "--") {
            ++i;
            break;
        } else if (a.size() > 1 && a[0] == '-' && request.file.empty()) {
            return usage_error("unknown option '" + a + "'");
        } else {
            break;
        }
    }
    if (i >= args.size()) return usage_error("missing FILE.wasm");
    request.file = args[i++];
    request.args.assign(args.begin() + long(i), args.end());
    if (request.function.empty()) request.function = "_start";
    return tycho::cli::run_invoke(request);
}
