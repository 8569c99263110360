// A small guest of the size a spawned process typically has: a couple of functions, a
// function table, globals and initialised data in two pages of memory.
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))

static const char greeting[] = "hello from a freshly spawned instance";
static uint32_t counter = 7;

static uint32_t add(uint32_t a, uint32_t b) {
    return a + b;
}
static uint32_t mul(uint32_t a, uint32_t b) {
    return a * b;
}
static uint32_t (*const ops[])(uint32_t, uint32_t) = {add, mul};

EXPORT("run") uint32_t run(uint32_t which) {
    uint32_t sum = 0;
    for (const char* p = greeting; *p; ++p)
        sum += (uint8_t)*p;
    counter = ops[which & 1](counter, sum);
    return counter;
}
