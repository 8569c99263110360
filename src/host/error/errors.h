// A process's error texts (lunatic-abi.md §21): every host module that reports an error
// to the guest as an error id stores its text here.
#pragma once

#include "host/charged_table.h"
#include "host/host_module.h"

#include <string>

namespace tycho::host {

class WasmProcess;

class ErrorTable final : public ProcessState {
  public:
    explicit ErrorTable(WasmProcess& process);
    ChargedTable<std::string> texts;
};

// Stores `text` as a new error of `process` and returns its id; nullopt after trapping
// `caller` (the host call `function`) when the process's memory account refuses (errors
// the guest never drops).
std::optional<uint64_t> add_error(wasm::Caller& caller, const char* function, WasmProcess& process,
                                  std::string text);

} // namespace tycho::host
