// One madvise advice for many ranges: each range takes it, and nothing else does.
#include "runtime/page_advice.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <vector>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

using namespace tycho::runtime;

namespace {

size_t page() {
    return size_t(sysconf(_SC_PAGESIZE));
}

class Mapping {
  public:
    explicit Mapping(size_t pages) : bytes_(pages * page()) {
        void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        base_ = p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
    }
    ~Mapping() {
        if (base_) munmap(base_, bytes_);
    }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;

    uint8_t* page_at(size_t i) const { return base_ + i * page(); }
    std::vector<bool> resident() const {
        std::vector<unsigned char> state(bytes_ / page());
        EXPECT_EQ(mincore(base_, bytes_, state.data()), 0);
        std::vector<bool> out;
        for (unsigned char s : state)
            out.push_back((s & 1) != 0);
        return out;
    }
    bool valid() const { return base_ != nullptr; }

  private:
    size_t bytes_;
    uint8_t* base_ = nullptr;
};

TEST(PageAdvice, EveryRangeTakesTheAdviceAndNothingElse) {
    Mapping m(8);
    ASSERT_TRUE(m.valid());
    const std::vector<iovec> ranges = {
        {m.page_at(1), page()}, {m.page_at(3), 2 * page()}, {m.page_at(7), page()}};
    ASSERT_TRUE(advise_ranges(ranges, MADV_POPULATE_WRITE));
    EXPECT_EQ(m.resident(),
              (std::vector<bool>{false, true, false, true, true, false, false, true}));
}

TEST(PageAdvice, MoreRangesThanOneCallTakes) {
    constexpr size_t kPages = 2 * 1024 + 10; // beyond two calls' worth (1,024 ranges each)
    Mapping m(2 * kPages);
    ASSERT_TRUE(m.valid());
    std::vector<iovec> ranges;
    for (size_t i = 0; i < kPages; ++i)
        ranges.push_back({m.page_at(2 * i + 1), page()});
    ASSERT_TRUE(advise_ranges(ranges, MADV_POPULATE_WRITE));
    const std::vector<bool> resident = m.resident();
    for (size_t i = 0; i < 2 * kPages; ++i)
        ASSERT_EQ(resident[i], i % 2 == 1) << "page " << i;
}

TEST(PageAdvice, ReportsARangeThatCannotTakeIt) {
    Mapping m(4);
    ASSERT_TRUE(m.valid());
    ASSERT_EQ(mprotect(m.page_at(2), page(), PROT_NONE), 0); // cannot be populated for writing
    const std::vector<iovec> ranges = {{m.page_at(0), page()}, {m.page_at(2), page()}};
    EXPECT_FALSE(advise_ranges(ranges, MADV_POPULATE_WRITE));
    EXPECT_TRUE(m.resident()[0]); // the other range still took it
    EXPECT_TRUE(advise_ranges({}, MADV_POPULATE_WRITE));
}

} // namespace
