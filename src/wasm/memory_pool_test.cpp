// Pooled linear memories: growth inside and beyond a cell, zeroed reuse, page limits at
// instantiation, the mapping count of many memories, and concurrent use of one pool.
#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>
#include <thread>

using namespace tycho::wasm;

namespace {

constexpr size_t kPage = kPageSize; // wasm page, as size_t for offset arithmetic

std::vector<uint8_t> read_testdata(const char* name) {
    std::ifstream in(std::string(TYCHO_WASM_TESTDATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::shared_ptr<const Module> compile(const char* name) {
    auto m = Module::compile(read_testdata(name));
    EXPECT_TRUE(m) << m.error().to_string();
    return m ? m.value() : nullptr;
}

size_t mapping_count() {
    std::ifstream maps("/proc/self/maps");
    size_t lines = 0;
    for (std::string line; std::getline(maps, line);)
        ++lines;
    return lines;
}

std::shared_ptr<MemoryPool> make_pool(size_t reservation_pages, size_t max_cached = 16) {
    return MemoryPool::create(
        MemoryPool::Options{reservation_pages * kPage, 64 * reservation_pages * kPage, max_cached});
}

std::shared_ptr<Memory> pooled(const std::shared_ptr<MemoryPool>& pool, uint32_t pages) {
    auto m = Memory::create(MemoryType{Limits{pages, std::nullopt}}, pool);
    EXPECT_TRUE(m) << m.error().to_string();
    return m ? m.value() : nullptr;
}

bool is_zero(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (p[i] != 0) return false;
    return true;
}

void fill_pattern(uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i)
        p[i] = uint8_t(i * 7 + 1);
}

bool has_pattern(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (p[i] != uint8_t(i * 7 + 1)) return false;
    return true;
}

TEST(MemoryPool, GrowsWithinTheReservationInPlace) {
    auto pool = make_pool(4);
    auto mem = pooled(pool, 1);
    ASSERT_TRUE(mem);
    uint8_t* base = mem->data();
    fill_pattern(base, kPage);
    EXPECT_EQ(mem->grow(3), 1);
    EXPECT_EQ(mem->pages(), 4u);
    EXPECT_EQ(mem->data(), base);
    EXPECT_TRUE(has_pattern(base, kPage));
    EXPECT_TRUE(is_zero(base + kPage, 3 * kPage));
    base[4 * kPage - 1] = 1; // the whole reservation is usable
}

TEST(MemoryPool, GrowsBeyondTheReservationByMovingOut) {
    auto pool = make_pool(2);
    auto mem = pooled(pool, 2);
    ASSERT_TRUE(mem);
    uint8_t* cell = mem->data();
    fill_pattern(cell, 2 * kPage);
    EXPECT_EQ(pool->cached(), 0u);
    EXPECT_EQ(mem->grow(3), 2);
    EXPECT_NE(mem->data(), cell);
    EXPECT_EQ(mem->pages(), 5u);
    EXPECT_TRUE(has_pattern(mem->data(), 2 * kPage));
    EXPECT_TRUE(is_zero(mem->data() + 2 * kPage, 3 * kPage));
    EXPECT_EQ(pool->cached(), 1u); // the cell went back, zeroed
    EXPECT_TRUE(is_zero(cell, 2 * kPage));
    EXPECT_EQ(mem->grow(10), 5); // and the memory keeps growing on its own mapping
    EXPECT_TRUE(has_pattern(mem->data(), 2 * kPage));
}

TEST(MemoryPool, InitialSizeBeyondTheReservationIsNotPooled) {
    auto pool = make_pool(2);
    auto mem = pooled(pool, 3);
    ASSERT_TRUE(mem);
    mem->data()[3 * kPage - 1] = 1;
    mem.reset();
    EXPECT_EQ(pool->cached(), 0u); // no cell was involved
}

// Dirties scattered system pages of a memory that grew to the whole reservation, and reads
// others without writing them.
void dirty_scattered(Memory& mem) {
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    uint8_t* p = mem.data();
    for (size_t off = 0; off < mem.size(); off += 3 * page)
        p[off + (off / page) % page] = 0xab;
    p[mem.size() - 1] = 0xcd;
    volatile uint8_t sink = 0;
    for (size_t off = page; off < mem.size(); off += 5 * page)
        sink = sink + p[off + 1];
}

void expect_reused_cell_is_zero(size_t max_cached) {
    auto pool = make_pool(16, max_cached);
    auto mem = pooled(pool, 4);
    ASSERT_TRUE(mem);
    uint8_t* cell = mem->data();
    ASSERT_EQ(mem->grow(12), 4);
    dirty_scattered(*mem);
    mem.reset();
    EXPECT_EQ(pool->cached(), std::min<size_t>(max_cached, 1));
    mem = pooled(pool, 1);
    ASSERT_EQ(mem->data(), cell);
    ASSERT_EQ(mem->grow(15), 1);
    EXPECT_TRUE(is_zero(mem->data(), mem->size()));
}

TEST(MemoryPool, ReusedCellReadsAsZeros) {
    expect_reused_cell_is_zero(16);
}

TEST(MemoryPool, CellBeyondTheCacheCapReadsAsZeros) {
    expect_reused_cell_is_zero(0);
}

TEST(MemoryPool, MemoryKeepsItsPoolAlive) {
    auto pool = make_pool(1);
    std::weak_ptr<MemoryPool> weak = pool;
    auto mem = pooled(pool, 1);
    pool.reset();
    EXPECT_FALSE(weak.expired());
    mem->data()[0] = 1;
    mem.reset();
    EXPECT_TRUE(weak.expired());
}

TEST(MemoryPool, TwoHundredThousandMemoriesFitInFewMappings) {
    constexpr size_t kMemories = 200'000;
    auto pool = MemoryPool::create();
    const size_t before = mapping_count();
    std::vector<std::shared_ptr<Memory>> memories;
    memories.reserve(kMemories);
    for (size_t i = 0; i < kMemories; ++i) {
        memories.push_back(pooled(pool, 1));
        ASSERT_TRUE(memories.back());
    }
    for (size_t i = 0; i < kMemories; i += 997) // touch a sample: every page costs memory
        memories[i]->data()[kPage - 1] = 1;
    const size_t after = mapping_count();
    std::printf("%zu memories: %zu mappings before, %zu after\n", kMemories, before, after);
    EXPECT_LT(after, before + 1000); // one mapping per memory would be 200,000
}

TEST(MemoryPool, TwoThreadsShareAPool) {
    auto pool = make_pool(2, 4);
    auto churn = [&](unsigned seed) {
        std::mt19937 rng(seed);
        int failures = 0;
        std::vector<std::shared_ptr<Memory>> held;
        for (int i = 0; i < 20000; ++i) {
            auto mem = pooled(pool, 1);
            const size_t at = rng() % mem->size();
            failures += mem->data()[at] != 0; // every handed-out cell reads as zeros
            mem->data()[at] = 1;
            if (i % 97 == 0) failures += mem->grow(2) != 1; // moves out of its cell
            held.push_back(std::move(mem));
            if (held.size() == 8) held.clear();
        }
        return failures;
    };
    int failures1 = 0, failures2 = 0;
    std::thread t1([&] { failures1 = churn(1); });
    std::thread t2([&] { failures2 = churn(2); });
    t1.join();
    t2.join();
    EXPECT_EQ(failures1 + failures2, 0);
    EXPECT_EQ(pool->cached(), 4u);
}

// ---- instantiation ------------------------------------------------------------------------

class PooledInstances : public ::testing::Test {
  protected:
    Result<std::shared_ptr<Instance>> instantiate(const std::shared_ptr<const Module>& module,
                                                  uint32_t page_limit = kMaxPages) {
        return linker.instantiate(*context, module, InstantiateOptions{pool, page_limit});
    }
    int32_t call(const Instance& instance, const char* name, std::vector<Value> args) {
        auto r = instance.exported_function(name)->call(*context, args);
        EXPECT_TRUE(r);
        return r && !r->empty() ? (*r)[0].as_i32() : 0;
    }

    std::unique_ptr<ExecutionContext> context = ExecutionContext::create();
    Linker linker;
    std::shared_ptr<MemoryPool> pool = MemoryPool::create();
};

TEST_F(PooledInstances, InstanceMemoryComesFromThePoolAndIsZeroedOnReuse) {
    auto module = compile("memory_pool.wasm");
    ASSERT_TRUE(module);
    auto first = instantiate(module);
    ASSERT_TRUE(first) << first.error().to_string();
    Memory& mem = *first.value()->memory();
    uint8_t* cell = mem.data();
    EXPECT_EQ(std::memcmp(cell + 16, "pooled", 6), 0);
    call(*first.value(), "store", {Value::i32(40000), Value::i32(1234)});
    first.value().reset();
    EXPECT_EQ(pool->cached(), 1u);

    auto second = instantiate(module);
    ASSERT_TRUE(second) << second.error().to_string();
    EXPECT_EQ(second.value()->memory()->data(), cell);
    EXPECT_EQ(call(*second.value(), "load", {Value::i32(40000)}), 0);
    EXPECT_EQ(std::memcmp(cell + 16, "pooled", 6), 0);
    EXPECT_EQ(call(*second.value(), "grow", {Value::i32(15)}), 1); // fills the 1 MiB cell
    EXPECT_EQ(second.value()->memory()->data(), cell);
    EXPECT_EQ(call(*second.value(), "grow", {Value::i32(1)}), 16); // moves out
    EXPECT_EQ(std::memcmp(second.value()->memory()->data() + 16, "pooled", 6), 0);
}

TEST_F(PooledInstances, PageLimitStopsGrowth) {
    auto module = compile("memory_pool.wasm");
    ASSERT_TRUE(module);
    auto instance = instantiate(module, 3);
    ASSERT_TRUE(instance) << instance.error().to_string();
    EXPECT_EQ(call(*instance.value(), "grow", {Value::i32(2)}), 1);
    EXPECT_EQ(call(*instance.value(), "grow", {Value::i32(1)}), -1);
    EXPECT_EQ(instance.value()->memory()->pages(), 3u);
}

TEST_F(PooledInstances, InitialMemoryOverTheLimitFailsInstantiation) {
    auto module = compile("memory_pool_large.wasm");
    ASSERT_TRUE(module);
    auto refused = instantiate(module, 16);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "initial memory of 20 pages exceeds the limit of 16 pages");
    auto unpooled = instantiate(module, 20); // larger than the reservation: its own mapping
    ASSERT_TRUE(unpooled) << unpooled.error().to_string();
    EXPECT_EQ(call(*unpooled.value(), "load", {Value::i32(int32_t(20 * kPage - 4))}), 0);
}

TEST_F(PooledInstances, DefaultOptionsKeepTheUnpooledBehaviour) {
    auto module = compile("memory_pool.wasm");
    ASSERT_TRUE(module);
    auto instance = linker.instantiate(*context, module, InstantiateOptions{});
    ASSERT_TRUE(instance) << instance.error().to_string();
    EXPECT_EQ(call(*instance.value(), "grow", {Value::i32(100)}), 1);
    instance.value().reset();
    EXPECT_EQ(pool->cached(), 0u);
}

} // namespace
