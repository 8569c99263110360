// The runtime raises its soft limit on open descriptors to the hard one (descriptor_limit.h).
#include "descriptor_limit.h"

#include <gtest/gtest.h>

namespace tycho::cli {
namespace {

rlimit current() {
    rlimit limit{};
    EXPECT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    return limit;
}

TEST(DescriptorLimit, TheSoftLimitIsRaisedToTheHardOne) {
    const rlimit before = current();
    if (before.rlim_max < 2) GTEST_SKIP() << "the hard limit leaves nothing to lower";
    rlimit lowered = before;
    lowered.rlim_cur = before.rlim_max / 2;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);

    EXPECT_EQ(raise_descriptor_limit(), before.rlim_max);
    EXPECT_EQ(current().rlim_cur, before.rlim_max);
    EXPECT_EQ(current().rlim_max, before.rlim_max); // the hard limit stays where it was

    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &before), 0);
}

TEST(DescriptorLimit, ALimitAlreadyAtTheHardOneStays) {
    const rlimit before = current();
    rlimit raised = before;
    raised.rlim_cur = before.rlim_max;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &raised), 0);
    EXPECT_EQ(raise_descriptor_limit(), before.rlim_max);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &before), 0);
}

} // namespace
} // namespace tycho::cli
