// The resource tables of lunatic::process (lunatic-abi.md §4, §11, §16): the configs a
// process made and the modules it compiled or received. lunatic::wasi edits the configs;
// lunatic::message moves modules between processes.
#pragma once

#include "host/charged_table.h"
#include "host/host_module.h"
#include "host/process_config.h"
#include "runtime/message.h"

#include <memory>

namespace tycho::host {

class WasmProcess;

class ProcessTables final : public ProcessState {
  public:
    explicit ProcessTables(WasmProcess& process);

    // Each config is charged for its strings as they are added; each module for an
    // estimate of what its compiled form holds (module_bytes()).
    ChargedTable<ConfigEntry> configs;
    ChargedTable<std::shared_ptr<const wasm::Module>> modules;

    // The config `id`, or nullptr after trapping the call (§11.2: every accessor traps on
    // an unknown id, -1 included). `function` names the caller.
    ConfigEntry* config_or_trap(wasm::Caller& caller, const char* function, int64_t id);
};

// What a compiled module is charged to each process that holds it: its binary plus
// about twice that for the translated code and tables.
uint64_t module_bytes(const wasm::Module& module);

// How a compiled module travels in a message (push_module / take_module, §17).
extern const runtime::ResourceKind kModuleResource;

} // namespace tycho::host
