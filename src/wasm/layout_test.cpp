// The layouts compiled code relies on (layout.h): the fields must hold what the engine's
// accessors say.
#include "layout.h"
#include "objects.h"

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <vector>

using namespace tycho::wasm;
using tycho::wasm::detail::ContextLayout;

namespace {

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
