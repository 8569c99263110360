#include "hostile_module.h"

#include "wasm_test_module.h"

#include <cstring>
#include <stdexcept>
#include <string_view>

namespace tycho::hostile {

const char* to_string(Place place) {
    switch (place) {
    case Place::root_start: return "_start";
    case Place::spawned_entry: return "spawned entry";
    case Place::start_function: return "start function";
    case Place::inside_catch: return "inside catch";
    }
    return "?";
}

namespace {

using wasm::ValType;
using wasm::test::Code;

// Imports, in function-index order: the function under test first, then the helpers.
enum Import : uint32_t {
    kUnderTest,
    kCreateConfig,
    kDropConfig,
    kCompileModule,
    kDropModule,
    kDropError,
    kSendAfter,
    kCancelTimer,
    kCreateData,
    kWriteData,
    kProcessId,
    kSpawn,
    kProcExit,
    kPushModule,
    kCatch,
    kSqliteOpen,
    kSqlitePrepare,
    kSqliteStep,
    kSqliteFinalize,
    kImportCount,
};
struct HelperName {
    const char* module;
    const char* name;
};
constexpr HelperName kHelpers[kImportCount] = {
    {nullptr, nullptr},
    {"lunatic::process", "create_config"},
    {"lunatic::process", "drop_config"},
    {"lunatic::process", "compile_module"},
    {"lunatic::process", "drop_module"},
    {"lunatic::error", "drop"},
    {"lunatic::timer", "send_after"},
    {"lunatic::timer", "cancel_timer"},
    {"lunatic::message", "create_data"},
    {"lunatic::message", "write_data"},
    {"lunatic::process", "process_id"},
    {"lunatic::process", "spawn"},
    {"wasi_snapshot_preview1", "proc_exit"},
    {"lunatic::message", "push_module"},
    {"lunatic::trap", "catch"},
    {"lunatic::sqlite", "open"},
    {"lunatic::sqlite", "query_prepare"},
    {"lunatic::sqlite", "sqlite3_step"},
    {"lunatic::sqlite", "sqlite3_finalize"},
};

// Own functions follow the imports.
constexpr uint32_t kHostileFunction = kImportCount; // prelude + the call under test
constexpr uint32_t kStartExport = kImportCount + 1; // `_start`
constexpr uint32_t kEntryExport = kImportCount + 2; // `entry`, for spawned children
// `_lunatic_catch_trap`, which lunatic::trap::catch calls: it makes the hostile call (so
// when that is catch itself, catch recurses through the host until something gives).
constexpr uint32_t kCatchHandler = kImportCount + 3;
// `lunatic_alloc`, which host functions returning a result buffer call: always kAllocArea,
// so small results land in memory and results too big for the rest of it do not.
constexpr uint32_t kAllocExport = kImportCount + 4;

// Linear memory: a data segment at kDataStart with what the preludes and the spawning root
// need. Everything else is zero.
constexpr uint32_t kDataStart = 0x100;
constexpr uint32_t kEntryName = 0x100;      // "entry"
constexpr uint32_t kEmptyModule = 0x108;    // "\0asm" version 1: a valid module
constexpr uint32_t kGarbage = 0x110;        // 8 bytes that are no module
constexpr uint32_t kIdSlot = 0x120;         // where compile_module and spawn store ids
constexpr uint32_t kPayload = 0x130;        // 16 bytes written into prelude messages
constexpr uint32_t kMemoryDatabase = 0x140; // ":memory:"
constexpr uint32_t kQuery = 0x148;          // a query with one row of three columns
constexpr std::string_view kQueryText = "SELECT 1, 'two', x'03'";
constexpr uint32_t kDataEnd = 0x160;
constexpr uint32_t kAllocArea = 0x400; // what lunatic_alloc returns

std::vector<uint8_t> data_segment() {
    std::vector<uint8_t> data(kDataEnd - kDataStart, 0);
    auto put = [&data](uint32_t at, const void* bytes, size_t n) {
        std::memcpy(data.data() + (at - kDataStart), bytes, n);
    };
    put(kEntryName, "entry", 5);
    put(kEmptyModule, "\0asm\1\0\0\0", 8);
    put(kGarbage, "garbage!", 8);
    put(kPayload, "hostile payload!", 16);
    put(kMemoryDatabase, ":memory:", 8);
    put(kQuery, kQueryText.data(), kQueryText.size());
    return data;
}

constexpr uint32_t kIdLocal = 0; // the i64 the prelude leaves

Code& load_id(Code& c) {
    return c.i32_const(int32_t(kIdSlot)).memory_access(0x29, 3, 0); // i64.load
}

Code& put_message(Code& c) {
    c.i64_const(7).i64_const(16).call(kCreateData);
    return c.i32_const(int32_t(kPayload)).i32_const(16).call(kWriteData).drop();
}

// compile_module of the 8 bytes at `bytes`; the module or error id goes to kIdLocal.
Code& compile_into_id(Code& c, uint32_t bytes) {
    c.i32_const(int32_t(bytes)).i32_const(8).i32_const(int32_t(kIdSlot));
    c.call(kCompileModule).drop();
    return load_id(c).local_set(kIdLocal);
}

// sqlite::open(":memory:") (unreachable unless it returns 0); the connection id is left
// at kIdSlot.
Code& open_database(Code& c) {
    c.i32_const(int32_t(kMemoryDatabase)).i32_const(8).i32_const(int32_t(kIdSlot));
    c.call(kSqliteOpen).i64_const(0).op(0x52);    // i64.ne
    return c.op(0x04).op(0x40).op(0x00).op(0x0b); // if (status != 0) unreachable
}

// open_database, then query_prepare of kQuery; the statement id goes to kIdLocal.
Code& prepare_query(Code& c) {
    load_id(open_database(c));
    c.i32_const(int32_t(kQuery)).i32_const(int32_t(kQueryText.size())).call(kSqlitePrepare);
    return c.local_set(kIdLocal);
}

Code prelude(Prelude kind) {
    Code c;
    switch (kind) {
    case Prelude::none: return c;
    case Prelude::message: break;
    case Prelude::dropped_config:
        c.call(kCreateConfig).local_set(kIdLocal).local_get(kIdLocal).call(kDropConfig);
        break;
    case Prelude::dropped_module:
        compile_into_id(c, kEmptyModule).local_get(kIdLocal).call(kDropModule);
        break;
    case Prelude::dropped_error:
        compile_into_id(c, kGarbage).local_get(kIdLocal).call(kDropError);
        break;
    case Prelude::cancelled_timer: // send_after takes the message it is given
        c.i64_const(7).i64_const(0).call(kCreateData);
        c.call(kProcessId).i64_const(int64_t(1) << 40).call(kSendAfter).local_set(kIdLocal);
        c.local_get(kIdLocal).call(kCancelTimer).drop();
        break;
    case Prelude::own_id: c.call(kProcessId).local_set(kIdLocal); break;
    case Prelude::live_config: c.call(kCreateConfig).local_set(kIdLocal); break;
    case Prelude::live_module:
        compile_into_id(c, kEmptyModule);
        put_message(c).local_get(kIdLocal).call(kPushModule).drop();
        return c;
    case Prelude::live_error: compile_into_id(c, kGarbage); break;
    case Prelude::live_database: load_id(open_database(c)).local_set(kIdLocal); break;
    case Prelude::live_row: prepare_query(c).local_get(kIdLocal).call(kSqliteStep).drop(); break;
    case Prelude::finalized_stmt: prepare_query(c).local_get(kIdLocal).call(kSqliteFinalize); break;
    }
    put_message(c);
    return c;
}

Code hostile_call(const HostFunction& function, const ArgumentPattern& pattern) {
    Code c = prelude(pattern.prelude);
    uint32_t i32_index = 0;
    uint32_t i64_index = 0;
    for (ValType type : function.type.params) {
        switch (type) {
        case ValType::I32: c.i32_const(int32_t(pattern.i32_argument(i32_index++))); break;
        case ValType::I64:
            if (pattern.id_position == i64_index++)
                c.local_get(kIdLocal);
            else
                c.i64_const(pattern.i64_value);
            break;
        case ValType::F32: c.f32_const_bits(0x7fc00000); break; // NaN
        case ValType::F64: c.f64_const_bits(0x7ff8000000000000); break;
        default: throw std::invalid_argument(function.full_name() + ": unexpected parameter type");
        }
    }
    c.call(kUnderTest);
    for (size_t i = 0; i < function.type.results.size(); ++i)
        c.drop();
    return c;
}

// The root's `_start` in the spawned_entry place: spawn `entry` (no link, the root's own
// config and module), trap if that fails, else exit with the child's id.
Code spawn_child_then_exit() {
    Code c;
    c.i64_const(0).i64_const(-1).i64_const(-1);
    c.i32_const(int32_t(kEntryName)).i32_const(5).i32_const(0).i32_const(0);
    c.i32_const(int32_t(kIdSlot)).call(kSpawn);
    c.op(0x04).op(0x40).op(0x00).op(0x0b); // if (status != 0) unreachable
    load_id(c).op(0xa7).call(kProcExit);   // i32.wrap_i64
    return c;
}

} // namespace

std::vector<uint8_t> hostile_module(const wasm::Linker& linker, const HostFunction& function,
                                    const ArgumentPattern& pattern, Place place) {
    wasm::test::TestModule m;
    m.export_memory = pattern.memory_exported;
    for (uint32_t i = 0; i < kImportCount; ++i) {
        const std::string module = i == kUnderTest ? function.module : kHelpers[i].module;
        const std::string name = i == kUnderTest ? function.name : kHelpers[i].name;
        const wasm::Extern* found = linker.find(module, name);
        if (found == nullptr || found->kind != wasm::ExternKind::Func)
            throw std::invalid_argument("the linker defines no function " + module + "::" + name);
        m.imports.push_back({module, name, found->func->type()});
    }
    wasm::test::TestFunction hostile{"", {}, {}, 0, hostile_call(function, pattern), 1};
    wasm::test::TestFunction start{"_start", {}, {}, 0, {}};
    wasm::test::TestFunction entry{"entry", {}, {}, 0, Code{}.call(kHostileFunction)};
    switch (place) {
    case Place::root_start: start.body.call(kHostileFunction); break;
    case Place::spawned_entry: start.body = spawn_child_then_exit(); break;
    case Place::start_function: m.start = kHostileFunction; break;
    case Place::inside_catch: start.body.i32_const(0).i32_const(0).call(kCatch).drop(); break;
    }
    wasm::test::TestFunction catch_handler{"_lunatic_catch_trap",
                                           {ValType::I32, ValType::I32},
                                           {ValType::I32},
                                           0,
                                           Code{}.call(kHostileFunction).i32_const(0)};
    wasm::test::TestFunction alloc{
        "lunatic_alloc", {ValType::I32}, {ValType::I32}, 0, Code{}.i32_const(kAllocArea)};
    m.functions = {std::move(hostile), std::move(start), std::move(entry), std::move(catch_handler),
                   std::move(alloc)};
    static_assert(kStartExport == kHostileFunction + 1 && kEntryExport == kHostileFunction + 2 &&
                  kCatchHandler == kHostileFunction + 3 && kAllocExport == kHostileFunction + 4);
    m.data_offset = kDataStart;
    m.data = data_segment();
    return m.encode();
}

} // namespace tycho::hostile
