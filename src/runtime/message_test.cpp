#include "runtime/message.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

namespace tycho::runtime {
namespace {

// Resource kinds as a host module would define them; the runtime compares them by address.
const ResourceKind k_module{"module"};
const ResourceKind k_tcp_stream{"tcp_stream"};
const ResourceKind k_tls_stream{"tls_stream"};
const ResourceKind k_udp_socket{"udp_socket"};

static_assert(!std::is_copy_constructible_v<Message>);
static_assert(!std::is_copy_assignable_v<Message>);
static_assert(std::is_nothrow_move_constructible_v<Message>);
static_assert(std::is_nothrow_move_assignable_v<Message>);

std::vector<uint8_t> bytes(std::initializer_list<uint8_t> list) {
    return list;
}

TEST(Message, KindsCarryTheirFields) {
    Message data = Message::data(42);
    EXPECT_EQ(data.kind, MessageKind::data);
    EXPECT_EQ(data.tag, 42);
    EXPECT_EQ(data.process_id, 0u);
    EXPECT_EQ(data.read_position, 0u);

    Message link = Message::link_died(-7);
    EXPECT_EQ(link.kind, MessageKind::link_died);
    EXPECT_EQ(link.tag, -7);
    EXPECT_EQ(link.process_id, 0u);

    Message died = Message::process_died(123);
    EXPECT_EQ(died.kind, MessageKind::process_died);
    EXPECT_EQ(died.tag, 0);
    EXPECT_EQ(died.process_id, 123u);

    // The enum values are the receive() result codes.
    EXPECT_EQ(static_cast<int>(MessageKind::data), 0);
    EXPECT_EQ(static_cast<int>(MessageKind::link_died), 1);
    EXPECT_EQ(static_cast<int>(MessageKind::process_died), 2);
}

TEST(Message, CapacityHintIsCapped) {
    EXPECT_GE(Message::data(0, 100).buffer.capacity(), 100u);
    EXPECT_LE(Message::data(0, size_t{1} << 40).buffer.capacity(), Message::kMaxCapacityHint);
    EXPECT_TRUE(Message::data(0, 100).buffer.empty());
}

TEST(Message, EmptyFilterMatchesEveryKind) {
    EXPECT_TRUE(Message::data(0).matches({}));
    EXPECT_TRUE(Message::data(5).matches({}));
    EXPECT_TRUE(Message::link_died(0).matches({}));
    EXPECT_TRUE(Message::process_died(9).matches({}));
}

TEST(Message, FilterNeedsANonZeroListedTag) {
    const std::array<int64_t, 2> tags{5, -3};
    EXPECT_TRUE(Message::data(5).matches(tags));
    EXPECT_TRUE(Message::data(-3).matches(tags));
    EXPECT_FALSE(Message::data(4).matches(tags));
    EXPECT_FALSE(Message::data(0).matches(tags));
    EXPECT_TRUE(Message::link_died(5).matches(tags));
    EXPECT_FALSE(Message::link_died(0).matches(tags));
}

TEST(Message, TagZeroInTheFilterMatchesNothing) {
    const std::array<int64_t, 1> zero{0};
    EXPECT_FALSE(Message::data(0).matches(zero));
    EXPECT_FALSE(Message::link_died(0).matches(zero));
    EXPECT_FALSE(Message::process_died(1).matches(zero));
}

TEST(Message, ProcessDiedNeverMatchesAFilter) {
    Message died = Message::process_died(77);
    died.tag = 77; // even if some code set a tag on it
    const std::array<int64_t, 3> tags{0, 77, 1};
    EXPECT_FALSE(died.matches(tags));
}

TEST(Message, AppendIgnoresReadPosition) {
    Message m = Message::data(1);
    m.append(bytes({1, 2, 3}));
    std::array<uint8_t, 2> out{};
    ASSERT_EQ(m.read(out), 2u);
    m.append(bytes({4}));
    EXPECT_EQ(m.buffer, bytes({1, 2, 3, 4}));
    EXPECT_EQ(m.read_position, 2u);
}

TEST(Message, ReadAdvancesAndStopsAtTheEnd) {
    Message m = Message::data(1);
    m.append(bytes({10, 20, 30, 40, 50}));
    std::array<uint8_t, 3> out{};
    ASSERT_EQ(m.read(out), 3u);
    EXPECT_EQ(out, (std::array<uint8_t, 3>{10, 20, 30}));
    ASSERT_EQ(m.read(out), 2u);
    EXPECT_EQ(out[0], 40);
    EXPECT_EQ(out[1], 50);
    EXPECT_EQ(m.read(out), 0u);
    EXPECT_EQ(m.read_position, 5u);
    EXPECT_EQ(m.read(std::span<uint8_t>{}), 0u);
}

TEST(Message, ReadPastTheEndIsAnError) {
    Message m = Message::data(1);
    m.append(bytes({1, 2}));
    std::array<uint8_t, 4> out{};
    m.read_position = 2; // exactly at the end: fine
    EXPECT_EQ(m.read(out), 0u);
    m.read_position = 3; // seek_data does not check
    EXPECT_EQ(m.read(out), std::nullopt);
    EXPECT_EQ(m.read_position, 3u);
    m.read_position = UINT64_MAX; // a negative i64 from the guest
    EXPECT_EQ(m.read(out), std::nullopt);
    m.read_position = 0;
    EXPECT_EQ(m.read(out), 2u);
}

TEST(Message, MoveKeepsEverything) {
    Message m = Message::data(9);
    m.append(bytes({1, 2, 3}));
    m.read_position = 2;
    (void)m.push_resource(k_module, std::make_shared<int>(5));
    Message moved = std::move(m);
    EXPECT_EQ(moved.tag, 9);
    EXPECT_EQ(moved.buffer, bytes({1, 2, 3}));
    EXPECT_EQ(moved.read_position, 2u);
    EXPECT_EQ(moved.resources.size(), 1u);
}

TEST(MessageResources, PushReturnsConsecutiveIndicesAcrossKinds) {
    Message m = Message::data(0);
    EXPECT_EQ(m.push_resource(k_module, std::make_shared<int>(0)), 0u);
    EXPECT_EQ(m.push_resource(k_tcp_stream, std::make_shared<int>(1)), 1u);
    EXPECT_EQ(m.push_resource(k_udp_socket, std::make_shared<int>(2)), 2u);
    EXPECT_EQ(m.push_resource(k_module, std::make_shared<int>(3)), 3u);
}

TEST(MessageResources, TakeEmptiesOnlyThatSlot) {
    Message m = Message::data(0);
    auto a = std::make_shared<int>(1);
    auto b = std::make_shared<int>(2);
    (void)m.push_resource(k_tcp_stream, a);
    (void)m.push_resource(k_tls_stream, b);

    TakenResource taken = m.take_resource(1, k_tls_stream);
    ASSERT_TRUE(taken.ok());
    EXPECT_EQ(taken.object, b);
    EXPECT_EQ(m.resources.size(), 2u); // indices never shift

    TakenResource first = m.take_resource(0, k_tcp_stream);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first.object, a);
}

TEST(MessageResources, TakeErrors) {
    Message m = Message::data(0);
    auto module = std::make_shared<int>(7);
    (void)m.push_resource(k_module, module);

    TakenResource out_of_range = m.take_resource(1, k_module);
    EXPECT_EQ(out_of_range.error, TakeError::out_of_range);
    EXPECT_EQ(out_of_range.object, nullptr);
    EXPECT_EQ(m.take_resource(UINT64_MAX, k_module).error, TakeError::out_of_range);

    TakenResource wrong = m.take_resource(0, k_tcp_stream);
    EXPECT_EQ(wrong.error, TakeError::wrong_kind);
    EXPECT_EQ(wrong.object, nullptr);
    EXPECT_EQ(m.resources[0].object, module); // stays in the message

    ASSERT_TRUE(m.take_resource(0, k_module).ok());
    EXPECT_EQ(m.take_resource(0, k_module).error, TakeError::already_taken);
    EXPECT_EQ(m.take_resource(0, k_udp_socket).error, TakeError::already_taken);
}

TEST(MessageResources, NonDataMessagesHaveNoSlots) {
    Message link = Message::link_died(3);
    EXPECT_EQ(link.take_resource(0, k_module).error, TakeError::out_of_range);
}

TEST(MessageResources, SharedAndMovedResources) {
    Message m = Message::data(0);
    auto module = std::make_shared<int>(1);
    (void)m.push_resource(k_module, module); // shared: the sender keeps its id
    EXPECT_EQ(module.use_count(), 2);

    auto stream = std::make_shared<int>(2);
    std::weak_ptr<int> stream_alive = stream;
    (void)m.push_resource(k_tcp_stream, std::move(stream)); // moved
    EXPECT_FALSE(stream_alive.expired());

    TakenResource taken = m.take_resource(1, k_tcp_stream);
    ASSERT_TRUE(taken.ok());
    EXPECT_EQ(*std::static_pointer_cast<int>(taken.object), 2);
}

TEST(MessageResources, UntakenResourcesDieWithTheMessage) {
    std::weak_ptr<int> alive;
    {
        Message m = Message::data(0);
        auto stream = std::make_shared<int>(1);
        alive = stream;
        (void)m.push_resource(k_tcp_stream, std::move(stream));
        Message moved = std::move(m);
        EXPECT_FALSE(alive.expired());
    }
    EXPECT_TRUE(alive.expired());
}

} // namespace
} // namespace tycho::runtime
