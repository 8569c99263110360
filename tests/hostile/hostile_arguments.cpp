#include "hostile_arguments.h"

#include <algorithm>

namespace tycho::hostile {

const char* to_string(Prelude prelude) {
    switch (prelude) {
    case Prelude::none: return "none";
    case Prelude::message: return "message";
    case Prelude::dropped_config: return "dropped config id";
    case Prelude::dropped_module: return "dropped module id";
    case Prelude::dropped_error: return "dropped error id";
    case Prelude::cancelled_timer: return "cancelled timer id";
    case Prelude::own_id: return "own process id";
    case Prelude::live_config: return "live config id";
    case Prelude::live_module: return "live module id";
    case Prelude::live_error: return "live error id";
    case Prelude::live_database: return "live sqlite connection id";
    case Prelude::live_row: return "sqlite statement id with a row";
    case Prelude::finalized_stmt: return "finalized sqlite statement id";
    }
    return "?";
}

bool makes_id(Prelude prelude) {
    return prelude != Prelude::none && prelude != Prelude::message;
}

uint32_t ArgumentPattern::i32_argument(uint32_t k) const {
    if (i32_first) {
        if (k == 0) return *i32_first;
        --k;
    }
    return i32_cycle[k % i32_cycle.size()];
}

namespace {

constexpr uint32_t kAllOnes = 0xFFFFFFFF;
constexpr uint32_t kNearTop = 0xFFFFFFF0; // + 0x20 wraps 32 bits
constexpr uint32_t kSignBoundary = 0x7FFFFFFF;
constexpr uint32_t kLastByte = kMemoryBytes - 1;
constexpr uint32_t kInBounds = 16; // with length 8: a small range that lies in memory

struct Pairs {
    const char* name;
    std::vector<uint32_t> cycle;
    int64_t ids;
};
// (pointer, length) pairs. In bounds, the ids are -1 (the caller's own config and module),
// so spawns get as far as they can.
const std::vector<Pairs>& pairs() {
    static const std::vector<Pairs> list = {
        {"pointer 0 with length 0xffffffff", {0, kAllOnes}, 1},
        {"0xfffffff0 + 0x20 wraps 32 bits", {kNearTop, 0x20}, 0},
        {"range crossing the end of memory", {kMemoryBytes - 4, 8}, 2},
        {"in-bounds ranges", {kInBounds, 8}, -1},
        {"empty in-bounds ranges", {kInBounds, 0}, -1},
        {"long in-bounds ranges", {kInBounds, 4096}, -1}, // 4,096 tags are 32 KiB
    };
    return list;
}

constexpr Prelude kIdPreludes[] = {
    Prelude::dropped_config,  Prelude::dropped_module, Prelude::dropped_error,
    Prelude::cancelled_timer, Prelude::own_id,         Prelude::live_config,
    Prelude::live_module,     Prelude::live_error,     Prelude::live_database,
    Prelude::live_row,        Prelude::finalized_stmt,
};

bool is_live(Prelude prelude) {
    return prelude == Prelude::live_config || prelude == Prelude::live_module ||
           prelude == Prelude::live_error || prelude == Prelude::live_database ||
           prelude == Prelude::live_row;
}

} // namespace

std::vector<ArgumentPattern> patterns_for(const HostFunction& function) {
    const auto& params = function.type.params;
    const size_t i32s = size_t(std::count(params.begin(), params.end(), wasm::ValType::I32));
    const size_t i64s = size_t(std::count(params.begin(), params.end(), wasm::ValType::I64));
    std::vector<ArgumentPattern> out;
    auto add = [&out](std::string name, Prelude prelude, std::vector<uint32_t> cycle,
                      int64_t i64) -> ArgumentPattern& {
        ArgumentPattern& p = out.emplace_back();
        p.name = std::move(name);
        p.prelude = prelude;
        p.i32_cycle = std::move(cycle);
        p.i64_value = i64;
        return p;
    };

    // The same value everywhere.
    add("zeros, nothing in the scratch slot", Prelude::none, {0}, 0);
    add("all ones, ids -1", Prelude::message, {kAllOnes}, -1);
    add("0xfffffff0, ids INT64_MIN", Prelude::message, {kNearTop}, INT64_MIN);
    add("0x7fffffff, ids INT64_MAX", Prelude::message, {kSignBoundary}, INT64_MAX);
    add("last byte of memory, ids 1<<40", Prelude::message, {kLastByte}, int64_t(1) << 40);

    if (i32s > 0) {
        for (const Pairs& pair : pairs()) {
            add(pair.name + std::string(", ids ") + std::to_string(pair.ids), Prelude::message,
                pair.cycle, pair.ids);
            if (i32s >= 2) // the pairs after a descriptor (1: stdout)
                add(pair.name + std::string(" after fd 1, ids ") + std::to_string(pair.ids),
                    Prelude::message, pair.cycle, pair.ids)
                    .i32_first = 1;
        }
        // Every pointer is bad (and the prelude can put no message: its bytes are in memory).
        add("no exported memory", Prelude::none, {kInBounds, 8}, 0).memory_exported = false;
    }

    for (Prelude prelude : kIdPreludes) {
        if (i64s == 0) break;
        // Live ids with each kind of pointer pair; dead ones with in-bounds pointers.
        std::vector<const Pairs*> with;
        for (const Pairs& pair : pairs())
            if ((is_live(prelude) && i32s > 0) || pair.cycle == std::vector<uint32_t>{kInBounds, 8})
                with.push_back(&pair);
        for (const Pairs* pair : with) {
            for (uint32_t position = 0; position < i64s; ++position) {
                std::string name = to_string(prelude);
                if (i64s > 1) name += " as i64 #" + std::to_string(position) + ", other ids -1";
                if (i32s > 0) name += std::string(", ") + pair->name;
                ArgumentPattern& p = add(std::move(name), prelude, pair->cycle, -1);
                p.id_position = position;
            }
        }
    }
    return out;
}

} // namespace tycho::hostile
