// The Wasm build of the compute kernels, loaded into Tycho and ready to call.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <memory>
#include <string>

namespace tycho::bench {

class GuestKernels {
  public:
    // Reads, compiles (with `options`) and instantiates the module at `path` (it must need no
    // imports).
    static wasm::Result<std::unique_ptr<GuestKernels>>
    load(const std::string& path, const wasm::CompileOptions& options = {});
    // How long the compile took, in milliseconds, and the module's size in bytes.
    double compile_ms() const { return compile_ms_; }
    size_t module_bytes() const { return module_bytes_; }

    // Calls the exported kernel `name`, of type (i32) -> i64, and returns its checksum;
    // a trap or a missing export comes back as an Error.
    wasm::Result<uint64_t> call(const std::string& name, uint32_t arg);

  private:
    GuestKernels() = default;
    std::unique_ptr<wasm::ExecutionContext> context_ = wasm::ExecutionContext::create();
    std::shared_ptr<wasm::Instance> instance_;
    double compile_ms_ = 0;
    size_t module_bytes_ = 0;
};

} // namespace tycho::bench
