// Executes the commands of one converted .wast script against the engine and keeps score.
#pragma once

#include "json.h"
#include "verdict.h"

#include <tycho/wasm/engine.h>
#include <tycho/wasm/result.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::spec {

class Runner {
  public:
    // `label` names the script in messages; modules are compiled with `options` (the tier).
    Runner(std::string label, bool verbose, wasm::CompileOptions options = {});

    // Registers the spectest host module; must succeed before run().
    wasm::Result<void, std::string> init();
    // Runs every command of a wast2json document in order, printing a line per failure.
    // `module_dir` holds the module files that wast2json wrote.
    void run(const Json& document, const std::filesystem::path& module_dir);

    // Counts a failure and prints "LABEL:LINE: COMMAND: EXPECTED / HAPPENED".
    void fail(int64_t line, std::string_view command, std::string_view expected,
              std::string_view happened);
    // Prints "LABEL: N passed, M failed, K skipped (REASON: K, ...)" and, when nothing ran,
    // why the script counts as skipped or failed.
    void print_summary() const;
    // The verdict on the whole script (verdict.h).
    Verdict verdict() const { return spec::verdict(tally_); }

  private:
    struct Outcome;
    wasm::Result<std::shared_ptr<const wasm::Module>>
    compile(std::span<const uint8_t> bytes) const {
        return wasm::Module::compile(bytes, compile_options_);
    }
    struct ActionResult;

    Outcome run_command(const std::string& type, const Json& command);
    Outcome module_command(const Json& command);
    Outcome register_command(const Json& command);
    Outcome action_command(const std::string& type, const Json& command);
    Outcome compile_fails(const Json& command);
    Outcome instantiate_fails(const std::string& type, const Json& command);

    ActionResult perform(const Json& action);
    // The module named by `name` (a "$id"), or the current one when `name` is null.
    std::shared_ptr<wasm::Instance> find_instance(const Json* name, std::string& error) const;
    wasm::Result<std::vector<uint8_t>, std::string> read_module(const Json& command) const;
    void announce(int64_t line, const std::string& type, const Json& command) const;

    // Counts a skipped command and prints "LABEL:LINE: COMMAND: skipped: REASON (DETAIL)".
    void skip(int64_t line, std::string_view command, const std::string& reason,
              std::string_view detail);

    std::string label_;
    std::string script_name_; // the file name of label_, which error_messages.h keys on
    std::filesystem::path module_dir_;
    bool verbose_;
    wasm::CompileOptions compile_options_;

    std::unique_ptr<wasm::ExecutionContext> context_ = wasm::ExecutionContext::create();
    wasm::Linker linker_;
    std::shared_ptr<wasm::Instance> current_;
    std::map<std::string, std::shared_ptr<wasm::Instance>, std::less<>> named_;

    Tally tally_;
};

} // namespace tycho::spec
