#include "compiled_module.h"
#include "compiler.h"
#include "decoder.h"
#include "function_body_decoder.h"
#include "module_validator.h"
#include "native_loader.h"

#include <map>
#include <mutex>

namespace tycho::wasm {

namespace detail {

uint32_t canonical_type_id(const FuncType& type) {
    static std::mutex lock;
    static std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t> ids;
    std::lock_guard guard(lock);
    auto [it, inserted] = ids.try_emplace({type.params, type.results}, uint32_t(ids.size() + 1));
    return it->second;
}

Result<std::shared_ptr<const Module>> CompiledModule::compile(std::span<const uint8_t> bytes,
                                                              const CompileOptions& options) {
    auto decoded = decode_module(bytes);
    if (!decoded) return decoded.error();
    auto compiled = std::make_unique<CompiledModule>();
    compiled->info = std::move(decoded.value());
    const ModuleInfo& m = compiled->info;
    if (auto valid = validate_module(m); !valid) return valid.error();

    compiled->canonical_type_ids.reserve(m.types.size());
    for (const FuncType& t : m.types)
        compiled->canonical_type_ids.push_back(canonical_type_id(t));

    const std::vector<bool> declared = declared_function_refs(m);
    const BodyContext body_ctx{m, declared};
    // Sized up front: compiled calls point at their callees' CompiledFunction.
    compiled->functions.resize(m.num_defined_funcs());
    const CompileEnv env{m, compiled->canonical_type_ids, compiled->functions};
    for (uint32_t i = 0; i < m.num_defined_funcs(); ++i) {
        CompiledFunction& fn = compiled->functions[i];
        fn.func_index = m.num_imported_funcs + i;
        InterpreterCompiler compiler(env, fn);
        FunctionBodyDecoder<InterpreterCompiler> decoder(body_ctx, fn.func_index, compiler);
        if (auto ok = decoder.decode(); !ok) {
            Error e = ok.error();
            e.message = "function " + std::to_string(fn.func_index) + ": " + e.message;
            return e;
        }
        compiler.finish(decoder.max_height());
    }
    for (uint32_t i = 0; i < m.exports.size(); ++i)
        compiled->exports.emplace(m.exports[i].name, i);
    compiled->ref_slots.assign(m.num_defined_funcs(), kNoRefSlot);
    for (uint32_t i = 0; i < m.num_defined_funcs(); ++i)
        if (declared[m.num_imported_funcs + i]) compiled->ref_slots[i] = compiled->num_ref_slots++;
    compiled->options = options;
    compiled->fits_background_compile = detail::fits_background_compile(m);
    auto module = std::shared_ptr<const Module>(new Module(std::move(compiled)));
    if (options.tier == Tier::Jit) {
        if (auto native = install_native_code(module->compiled()); !native) return native.error();
    }
    return module;
}

} // namespace detail

Module::Module(std::unique_ptr<detail::CompiledModule> compiled) : compiled_(std::move(compiled)) {}
Module::~Module() = default;

Result<std::shared_ptr<const Module>> Module::compile(std::span<const uint8_t> bytes,
                                                      const CompileOptions& options) {
    return detail::CompiledModule::compile(bytes, options);
}

Result<void> Module::tier_up() const {
    return detail::install_native_code(*compiled_);
}

bool Module::has_native_code() const {
    std::lock_guard guard(compiled_->native_lock);
    return compiled_->native_code != nullptr;
}

const ModuleInfo& Module::info() const {
    return compiled_->info;
}

std::string_view Module::function_name(uint32_t func_index) const {
    const auto& names = compiled_->info.names.function_names;
    auto it = names.find(func_index);
    return it == names.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<uint32_t> Module::exported_func_index(std::string_view name) const {
    auto it = compiled_->exports.find(name);
    if (it == compiled_->exports.end()) return std::nullopt;
    const Export& e = compiled_->info.exports[it->second];
    if (e.kind != ExternKind::Func) return std::nullopt;
    return e.index;
}

const FuncType* Module::exported_func_type(std::string_view name) const {
    const auto index = exported_func_index(name);
    return index ? &compiled_->info.func_type(*index) : nullptr;
}

} // namespace tycho::wasm
