// The layouts compiled code relies on (layout.h): fields read by byte offset from the
// address of a public object must be what the engine's accessors say.
#include "engine_api_fixture.h"
#include "layout.h"
#include "objects.h"

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <cstring>

using namespace tycho::wasm;
using tycho::wasm::detail::ContextLayout;
using tycho::wasm::detail::FunctionLayout;
using tycho::wasm::detail::InstanceLayout;

namespace {

// What compiled code does: read a field at a byte offset from an object's address.
template <class T> T field_at(const void* object, size_t offset) {
    T value;
    std::memcpy(&value, static_cast<const std::byte*>(object) + offset, sizeof value);
    return value;
}

// The module's host functions are those of the embedding API tests.
class Layout : public EngineApi {};

TEST_F(Layout, AFuncrefAddressesItsFunctionFields) {
    const Function* sum_to = instance->exported_function("sum_to");
    ASSERT_NE(sum_to, nullptr);
    EXPECT_NE(field_at<const void*>(sum_to, offsetof(FunctionLayout, code)), nullptr);
    EXPECT_EQ(field_at<const void*>(sum_to, offsetof(FunctionLayout, instance)),
              static_cast<const void*>(instance.get()));
    EXPECT_EQ(field_at<uint32_t>(sum_to, offsetof(FunctionLayout, func_index)),
              module->exported_func_index("sum_to").value());
    EXPECT_EQ(field_at<const FuncType*>(sum_to, offsetof(FunctionLayout, func_type)),
              &sum_to->type());

    // Type ids are canonical: a host function of the same type has the same one.
    auto same = Function::host([](Caller&, int64_t n) { return n; });
    auto other = Function::host([](Caller&, int32_t n) { return n; });
    const auto type_id = [](const Function* f) {
        return field_at<uint32_t>(f, offsetof(FunctionLayout, type_id));
    };
    EXPECT_EQ(type_id(sum_to), type_id(same.get()));
    EXPECT_NE(type_id(sum_to), type_id(other.get()));
    // A host function has no code and no instance.
    EXPECT_EQ(field_at<const void*>(same.get(), offsetof(FunctionLayout, code)), nullptr);
    EXPECT_EQ(field_at<const void*>(same.get(), offsetof(FunctionLayout, instance)), nullptr);
}

TEST_F(Layout, AnInstanceAddressesMemoryZeroGlobalsTablesAndImports) {
    const Instance* in = instance.get();
    const auto* memory0 = field_at<const Memory*>(in, offsetof(InstanceLayout, memory0));
    ASSERT_EQ(memory0, instance->memory(0));
    const auto memory_size = [&] { return field_at<size_t>(memory0, detail::kMemorySizeOffset); };
    EXPECT_EQ(field_at<const uint8_t*>(memory0, detail::kMemoryBaseOffset), memory0->data());
    EXPECT_EQ(memory_size(), kPageSize);
    ASSERT_TRUE(instance->exported_function("grow")->call(*context, std::vector{Value::i32(1)}));
    EXPECT_EQ(memory_size(), 2 * kPageSize);
    EXPECT_EQ(field_at<const uint8_t*>(memory0, detail::kMemoryBaseOffset), memory0->data());

    const auto* const* globals = field_at<uint64_t* const*>(in, offsetof(InstanceLayout, globals));
    EXPECT_EQ(*globals[0], 7u); // the module's counter
    ASSERT_TRUE(instance->exported_function("bump")->call(*context, {}));
    EXPECT_EQ(*globals[0], 8u);

    const auto* const* tables = field_at<Table* const*>(in, offsetof(InstanceLayout, tables));
    EXPECT_EQ(tables[0], instance->get_export("table")->table.get());

    const auto* const* imports =
        field_at<const Function* const*>(in, offsetof(InstanceLayout, imported_functions));
    EXPECT_EQ(imports[0], linker.find("host", "add")->func);
    EXPECT_EQ(imports[2], linker.find("host", "fail")->func);

    // The type of an imported function, by its canonical id, is the function's own.
    const auto* type_ids = field_at<const uint32_t*>(in, offsetof(InstanceLayout, type_ids));
    const uint32_t add_type = module->info().func_types[0];
    EXPECT_EQ(type_ids[add_type],
              field_at<uint32_t>(imports[0], offsetof(FunctionLayout, type_id)));
}

TEST(ContextLayoutFields, HoldTheBudgetAndTheStackLimits) {
    std::vector<uint64_t> values(1024);
    ExecutionContext::Options options;
    options.value_stack = values;
    options.native_stack_limit = 0x10000;
    auto context = ExecutionContext::create(options);
    const ContextLayout& layout = detail::impl(*context);
    EXPECT_EQ(layout.value_stack, values.data());
    EXPECT_EQ(layout.value_stack_end, values.data() + values.size());
    EXPECT_EQ(layout.stack_pointer_limit, 0x10000u);
    context->set_native_stack_limit(0x20000);
    EXPECT_EQ(layout.stack_pointer_limit, 0x20000u);
    EXPECT_EQ(layout.reentry_base, nullptr);
    context->set_reduction_hook(250, nullptr);
    EXPECT_EQ(layout.budget, 250);
}

} // namespace
