#include "guest_kernels.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <vector>

namespace tycho::bench {

using wasm::Error;
using wasm::Result;

Result<std::unique_ptr<GuestKernels>> GuestKernels::load(const std::string& path,
                                                         const wasm::CompileOptions& options) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return Error{"cannot open " + path};
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file),
                               std::istreambuf_iterator<char>()};

    const auto start = std::chrono::steady_clock::now();
    auto module = wasm::Module::compile(bytes, options);
    const auto end = std::chrono::steady_clock::now();
    if (!module) return Error{path + ": " + module.error().to_string()};

    std::unique_ptr<GuestKernels> kernels(new GuestKernels());
    kernels->compile_ms_ = std::chrono::duration<double, std::milli>(end - start).count();
    kernels->module_bytes_ = bytes.size();
    auto instance = wasm::Linker().instantiate(*kernels->context_, module.value());
    if (!instance) return Error{path + ": " + instance.error().to_string()};
    kernels->instance_ = std::move(instance.value());
    return kernels;
}

Result<uint64_t> GuestKernels::call(const std::string& name, uint32_t arg) {
    const wasm::Function* function = instance_->exported_function(name);
    const wasm::FuncType expected{{wasm::ValType::I32}, {wasm::ValType::I64}};
    if (!function || function->type() != expected)
        return Error{"the module has no export " + name + " of type " + expected.to_string()};

    wasm::Value args[] = {wasm::Value::i32(int32_t(arg))};
    auto results = function->call(*context_, args);
    if (!results) return Error{name + " trapped: " + results.error().message};
    return uint64_t(results.value()[0].as_i64());
}

} // namespace tycho::bench
