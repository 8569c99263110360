#include "dummy_imports.h"

#include <algorithm>

namespace tycho::fuzz {

using namespace tycho::wasm;

namespace {

// Larger imported tables or memories are legal but would only measure the allocator.
constexpr uint32_t kMaxDummyTableSize = 1 << 16;
constexpr uint32_t kMaxDummyMemoryPages = 256;

std::optional<Extern> make_dummy(const ModuleInfo& info, const Import& import) {
    switch (import.kind) {
    case ExternKind::Func: {
        const FuncType& type = info.types.at(import.func_type);
        size_t results = type.results.size();
        return Extern::of(Function::host(type, [results](Caller&, uint64_t* slots) {
            std::fill_n(slots, results, uint64_t(0));
        }));
    }
    case ExternKind::Table: {
        if (import.table.limits.min > kMaxDummyTableSize) return std::nullopt;
        auto table = Table::create(import.table);
        if (!table) return std::nullopt;
        return Extern::of(std::move(table.value()));
    }
    case ExternKind::Memory: {
        if (import.memory.limits.min > kMaxDummyMemoryPages) return std::nullopt;
        auto memory = Memory::create(import.memory);
        if (!memory) return std::nullopt;
        memory.value()->set_page_limit(kMaxFuzzPages);
        return Extern::of(std::move(memory.value()));
    }
    case ExternKind::Global:
        return Extern::of(std::make_shared<Global>(import.global, Value{import.global.type, 0}));
    }
    return std::nullopt;
}

} // namespace

bool define_dummy_imports(const ModuleInfo& info, Linker& linker) {
    for (const Import& import : info.imports) {
        std::optional<Extern> dummy = make_dummy(info, import);
        if (!dummy) return false;
        // A module may import one name twice with different types; the later definition
        // wins and instantiation reports the mismatch, which is fine.
        linker.define(import.module, import.name, std::move(*dummy));
    }
    return true;
}

} // namespace tycho::fuzz
