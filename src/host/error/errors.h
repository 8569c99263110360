// A process's error texts (lunatic-abi.md §21): every host module that reports an error
// to the guest as an error id stores its text here.
#pragma once

#include "host/host_module.h"
#include "host/resource_table.h"

#include <string>

namespace tycho::host {

class WasmProcess;

class ErrorTable final : public ProcessState {
  public:
    explicit ErrorTable(WasmProcess&) {}
    ResourceTable<std::string> texts;
};

// Stores `text` as a new error of `process` and returns its id.
uint64_t add_error(WasmProcess& process, std::string text);

} // namespace tycho::host
