// Tests of the routing decision of Cluster (cluster.h).
#include "host/distributed/cluster.h"

#include <gtest/gtest.h>

namespace tycho::host {
namespace {

TEST(Cluster, ARuntimeOnItsOwnIsNodeZeroAndKnowsNoOtherNode) {
    const Cluster alone;
    EXPECT_FALSE(alone.distributed());
    EXPECT_EQ(alone.node_id(), 0u);
    EXPECT_TRUE(alone.node_ids().empty());
    EXPECT_EQ(alone.route({0, 5}), Cluster::Route::local);
    EXPECT_EQ(alone.route({1, 5}), Cluster::Route::unknown_node);
}

TEST(Cluster, ANodeRoutesToItselfLocallyAndToOthersNowhere) {
    const Cluster node(7);
    EXPECT_TRUE(node.distributed());
    EXPECT_EQ(node.node_id(), 7u);
    EXPECT_EQ(node.route({7, 1}), Cluster::Route::local);
    EXPECT_EQ(node.route({0, 1}), Cluster::Route::unknown_node);
    EXPECT_EQ(node.route({UINT64_MAX, 1}), Cluster::Route::unknown_node);
}

} // namespace
} // namespace tycho::host
