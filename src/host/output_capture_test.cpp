// Capture groups: one buffer per process, in the order the processes joined; captured bytes
// count against the memory budget, and what does not fit is dropped and said so.
#include "host/output_capture.h"

#include <gtest/gtest.h>

#include <memory>
#include <string_view>

namespace tycho::host {
namespace {

std::span<const uint8_t> bytes(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(CaptureGroup, BuffersPerProcessInJoiningOrder) {
    runtime::MemoryBudget budget(1 << 20);
    auto group = std::make_shared<CaptureGroup>(budget, false);
    CaptureSink root(group);
    root.write(bytes("root starts\n"));
    CaptureSink child(root.group());
    child.write(bytes("child speaks\n"));
    root.write(bytes("root ends\n"));
    EXPECT_EQ(group->text(0), "root starts\nroot ends\n");
    EXPECT_EQ(group->text(1), "child speaks\n");
    EXPECT_EQ(group->text(), "root starts\nroot ends\nchild speaks\n");
    EXPECT_EQ(group->text(2), "");
}

TEST(CaptureGroup, ChargesTheBudgetAndDropsWhatDoesNotFit) {
    runtime::MemoryBudget budget(16);
    {
        auto group = std::make_shared<CaptureGroup>(budget, false);
        CaptureSink sink(group);
        sink.write(bytes("0123456789"));
        EXPECT_EQ(budget.used(), 10u);
        sink.write(bytes("abcdefghij")); // would pass the limit: dropped
        sink.write(bytes("xy"));         // would fit, but output stays cut where it was cut
        EXPECT_EQ(budget.used(), 10u);
        EXPECT_EQ(group->text(0), "0123456789");
        EXPECT_EQ(group->text(), "0123456789\n[tycho: 12 more bytes of output were dropped: the "
                                 "runtime's memory budget is used up]\n");
    }
    EXPECT_EQ(budget.used(), 0u); // given back with the group
}

} // namespace
} // namespace tycho::host
