/*
 * compile_module.c - compile_module, spawning from a compiled module, moving modules in
 * messages, drop_module, and modules that cannot be used.
 *
 * ABI: §2.1 (imports resolved eagerly), §2.3 (the memory export), §2.4 (start function,
 * instantiation failures), §4 (per-process tables), §10.4 (resources in messages),
 * §16.1 (compile_module, drop_module), §16.3 (spawn from a module id), §17 (push_*,
 * take_*).
 *
 * The small modules used here are embedded below as bytes, each with its text form.
 * Expected behaviour checked here:
 *  - compile_module of a valid module returns 0 with module ids 0, 1, ... from the
 *    caller's table; a process spawned from it runs the named export with the records
 *    and has its own memory (its data segment). A trapping export or a missing export
 *    fails the child (link-died).
 *  - push_module returns indices 0, 1, ... in push order, the sender keeps the module;
 *    the receiver's take_module returns ids from its own table (starting at 0) and it can
 *    spawn from them.
 *  - drop_module does not affect a running process of that module.
 *  - A module whose memory is not exported: host calls that need no memory work, a
 *    write_data call traps.
 *  - compile_module returns 1 + error id for an unknown import module, an unknown
 *    function in a lunatic namespace and a mistyped lunatic import.
 *  - The same for big modules (a 256 KiB custom section takes them past the size from
 *    which Tycho compiles on a separate thread while the process waits): a valid one
 *    compiles and spawns, invalid ones (an unknown import, bytes that are no module) give
 *    error ids.
 *  - A process killed while compiling big modules in a loop dies (process-died).
 *  - A start function can compile a big module (it runs before its process has started).
 *  - A start function that traps, or that calls spawn (not allowed while instantiating),
 *    fails the child, not the spawn: spawn returns 0 and a link-died message follows
 *    (the start function runs in the child, see start_functions.c).
 *  - Traps (in children): spawn with a dropped module id, drop_module twice or with an
 *    unknown id, push_module of an unknown id or with an empty slot, take_module twice
 *    or out of range, take_tcp_stream of a module slot, push_tcp_stream/push_tls_stream/
 *    push_udp_socket of unknown ids, take_tls_stream/take_udp_socket out of range.
 */
#include "check.h"

#define T_MOD 110
#define T_REPORT 111
#define T_COMPILING 112
#define TAG_A 4242 /* sent by MODULE_A */
#define TAG_B 4343 /* sent by MODULE_B */

/*
 * (module
 *   (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
 *   (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
 *   (import "lunatic::message" "send" (func $send (param i64) (result i32)))
 *   (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 16) "from-module")
 *   (func $reply (param $pid i64) (param $x i32)
 *     (call $create_data (i64.const 4242) (i64.const 0))
 *     (i32.store (i32.const 0) (local.get $x))
 *     (drop (call $write_data (i32.const 0) (i32.const 4)))
 *     (drop (call $write_data (i32.const 16) (i32.const 11)))
 *     (drop (call $send (local.get $pid))))
 *   (func (export "entry") (param $pid i64) (param $x i32)
 *     (call $reply (local.get $pid) (local.get $x)))
 *   (func (export "wait_then_reply") (param $pid i64) (param $x i32)
 *     (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
 *     (call $reply (local.get $pid) (local.get $x)))
 *   (func (export "boom") unreachable))
 */
static const unsigned char MODULE_A[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x20, 0x06, 0x60, 0x02, 0x7e, 0x7e, 0x00,
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7f, 0x60, 0x03, 0x7f, 0x7f, 0x7e,
    0x01, 0x7f, 0x60, 0x02, 0x7e, 0x7f, 0x00, 0x60, 0x00, 0x00, 0x02, 0x71, 0x04, 0x10, 0x6c, 0x75,
    0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x0b, 0x63,
    0x72, 0x65, 0x61, 0x74, 0x65, 0x5f, 0x64, 0x61, 0x74, 0x61, 0x00, 0x00, 0x10, 0x6c, 0x75, 0x6e,
    0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x0a, 0x77, 0x72,
    0x69, 0x74, 0x65, 0x5f, 0x64, 0x61, 0x74, 0x61, 0x00, 0x01, 0x10, 0x6c, 0x75, 0x6e, 0x61, 0x74,
    0x69, 0x63, 0x3a, 0x3a, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x04, 0x73, 0x65, 0x6e, 0x64,
    0x00, 0x02, 0x10, 0x6c, 0x75, 0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x6d, 0x65, 0x73, 0x73,
    0x61, 0x67, 0x65, 0x07, 0x72, 0x65, 0x63, 0x65, 0x69, 0x76, 0x65, 0x00, 0x03, 0x03, 0x05, 0x04,
    0x04, 0x04, 0x04, 0x05, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x2b, 0x04, 0x06, 0x6d, 0x65, 0x6d,
    0x6f, 0x72, 0x79, 0x02, 0x00, 0x05, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x05, 0x0f, 0x77, 0x61,
    0x69, 0x74, 0x5f, 0x74, 0x68, 0x65, 0x6e, 0x5f, 0x72, 0x65, 0x70, 0x6c, 0x79, 0x00, 0x06, 0x04,
    0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x07, 0x0a, 0x44, 0x04, 0x23, 0x00, 0x42, 0x92, 0x21, 0x42, 0x00,
    0x10, 0x00, 0x41, 0x00, 0x20, 0x01, 0x36, 0x02, 0x00, 0x41, 0x00, 0x41, 0x04, 0x10, 0x01, 0x1a,
    0x41, 0x10, 0x41, 0x0b, 0x10, 0x01, 0x1a, 0x20, 0x00, 0x10, 0x02, 0x1a, 0x0b, 0x08, 0x00, 0x20,
    0x00, 0x20, 0x01, 0x10, 0x04, 0x0b, 0x11, 0x00, 0x41, 0x00, 0x41, 0x00, 0x42, 0x7f, 0x10, 0x03,
    0x1a, 0x20, 0x00, 0x20, 0x01, 0x10, 0x04, 0x0b, 0x03, 0x00, 0x00, 0x0b, 0x0b, 0x11, 0x01, 0x00,
    0x41, 0x10, 0x0b, 0x0b, 0x66, 0x72, 0x6f, 0x6d, 0x2d, 0x6d, 0x6f, 0x64, 0x75, 0x6c, 0x65,
};

/*
 * (module
 *   (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
 *   (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
 *   (import "lunatic::message" "send" (func $send (param i64) (result i32)))
 *   (memory 1)
 *   (func (export "entry") (param $pid i64)
 *     (call $create_data (i64.const 4343) (i64.const 0))
 *     (drop (call $send (local.get $pid))))
 *   (func (export "write") (param $pid i64)
 *     (call $create_data (i64.const 4344) (i64.const 0))
 *     (drop (call $write_data (i32.const 0) (i32.const 4)))
 *     (drop (call $send (local.get $pid)))))
 */
static const unsigned char MODULE_B[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x15, 0x04, 0x60, 0x02, 0x7e, 0x7e, 0x00,
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x00, 0x02,
    0x56, 0x03, 0x10, 0x6c, 0x75, 0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x6d, 0x65, 0x73, 0x73,
    0x61, 0x67, 0x65, 0x0b, 0x63, 0x72, 0x65, 0x61, 0x74, 0x65, 0x5f, 0x64, 0x61, 0x74, 0x61, 0x00,
    0x00, 0x10, 0x6c, 0x75, 0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x6d, 0x65, 0x73, 0x73, 0x61,
    0x67, 0x65, 0x0a, 0x77, 0x72, 0x69, 0x74, 0x65, 0x5f, 0x64, 0x61, 0x74, 0x61, 0x00, 0x01, 0x10,
    0x6c, 0x75, 0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65,
    0x04, 0x73, 0x65, 0x6e, 0x64, 0x00, 0x02, 0x03, 0x03, 0x02, 0x03, 0x03, 0x05, 0x03, 0x01, 0x00,
    0x01, 0x07, 0x11, 0x02, 0x05, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x03, 0x05, 0x77, 0x72, 0x69,
    0x74, 0x65, 0x00, 0x04, 0x0a, 0x26, 0x02, 0x0e, 0x00, 0x42, 0xf7, 0x21, 0x42, 0x00, 0x10, 0x00,
    0x20, 0x00, 0x10, 0x02, 0x1a, 0x0b, 0x15, 0x00, 0x42, 0xf8, 0x21, 0x42, 0x00, 0x10, 0x00, 0x41,
    0x00, 0x41, 0x04, 0x10, 0x01, 0x1a, 0x20, 0x00, 0x10, 0x02, 0x1a, 0x0b,
};

/*
 * (module
 *   (import "env" "foo" (func))
 *   (func (export "entry")))
 */
static const unsigned char MODULE_UNKNOWN_IMPORT[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x0b,
    0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x66, 0x6f, 0x6f, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07,
    0x09, 0x01, 0x05, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
};

/*
 * (module
 *   (import "lunatic::process" "process_id" (func (result i32)))
 *   (func (export "entry")))
 */
static const unsigned char MODULE_MISTYPED_IMPORT[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x01, 0x7f,
    0x60, 0x00, 0x00, 0x02, 0x1f, 0x01, 0x10, 0x6c, 0x75, 0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a,
    0x3a, 0x70, 0x72, 0x6f, 0x63, 0x65, 0x73, 0x73, 0x0a, 0x70, 0x72, 0x6f, 0x63, 0x65, 0x73,
    0x73, 0x5f, 0x69, 0x64, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x07, 0x09, 0x01, 0x05, 0x65,
    0x6e, 0x74, 0x72, 0x79, 0x00, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
};

/*
 * (module
 *   (import "lunatic::process" "no_such_function" (func))
 *   (func (export "entry")))
 */
static const unsigned char MODULE_UNKNOWN_FUNCTION[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02,
    0x25, 0x01, 0x10, 0x6c, 0x75, 0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x70, 0x72, 0x6f,
    0x63, 0x65, 0x73, 0x73, 0x10, 0x6e, 0x6f, 0x5f, 0x73, 0x75, 0x63, 0x68, 0x5f, 0x66, 0x75,
    0x6e, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x09, 0x01,
    0x05, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
};

/*
 * (module
 *   (func $start unreachable)
 *   (start $start)
 *   (func (export "entry")))
 */
static const unsigned char MODULE_START_TRAPS[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
    0x03, 0x02, 0x00, 0x00, 0x07, 0x09, 0x01, 0x05, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x01,
    0x08, 0x01, 0x00, 0x0a, 0x08, 0x02, 0x03, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x0b,
};

/*
 * (module
 *   (import "lunatic::process" "spawn"
 *     (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 0) "entry")
 *   (func $start
 *     (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
 *                        (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 16))))
 *   (start $start)
 *   (func (export "entry")))
 */
static const unsigned char MODULE_START_SPAWNS[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x02, 0x60, 0x08, 0x7e, 0x7e, 0x7e,
    0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x1a, 0x01, 0x10, 0x6c, 0x75,
    0x6e, 0x61, 0x74, 0x69, 0x63, 0x3a, 0x3a, 0x70, 0x72, 0x6f, 0x63, 0x65, 0x73, 0x73, 0x05, 0x73,
    0x70, 0x61, 0x77, 0x6e, 0x00, 0x00, 0x03, 0x03, 0x02, 0x01, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01,
    0x07, 0x12, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x05, 0x65, 0x6e, 0x74,
    0x72, 0x79, 0x00, 0x02, 0x08, 0x01, 0x01, 0x0a, 0x1a, 0x02, 0x15, 0x00, 0x42, 0x00, 0x42, 0x7f,
    0x42, 0x7f, 0x41, 0x00, 0x41, 0x05, 0x41, 0x00, 0x41, 0x00, 0x41, 0x10, 0x10, 0x00, 0x1a, 0x0b,
    0x02, 0x00, 0x0b, 0x0b, 0x0b, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x05, 0x65, 0x6e, 0x74, 0x72, 0x79,
};

/*
 * A start function that compiles a 61456-byte module: a header and a custom section "pad"
 * whose 61440 bytes of content are the zeroed memory after the data segment.
 * (module
 *   (import "lunatic::process" "compile_module"
 *     (func $compile_module (param i32 i32 i32) (result i32)))
 *   (memory (export "memory") 2)
 *   (data (i32.const 0) "\00asm\01\00\00\00\00\84\e0\03\03pad")
 *   (func $start
 *     (if (call $compile_module (i32.const 0) (i32.const 61456) (i32.const 65536))
 *       (then unreachable)))
 *   (start $start)
 *   (func (export "entry")))
 */
static const unsigned char MODULE_START_COMPILES[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0b, 0x02, 0x60, 0x03, 0x7f, 0x7f, 0x7f,
    0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x23, 0x01, 0x10, 0x6c, 0x75, 0x6e, 0x61, 0x74, 0x69, 0x63,
    0x3a, 0x3a, 0x70, 0x72, 0x6f, 0x63, 0x65, 0x73, 0x73, 0x0e, 0x63, 0x6f, 0x6d, 0x70, 0x69, 0x6c,
    0x65, 0x5f, 0x6d, 0x6f, 0x64, 0x75, 0x6c, 0x65, 0x00, 0x00, 0x03, 0x03, 0x02, 0x01, 0x01, 0x05,
    0x03, 0x01, 0x00, 0x02, 0x07, 0x12, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00,
    0x05, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x02, 0x08, 0x01, 0x01, 0x0a, 0x17, 0x02, 0x12, 0x00,
    0x41, 0x00, 0x41, 0x90, 0xe0, 0x03, 0x41, 0x80, 0x80, 0x04, 0x10, 0x00, 0x04, 0x40, 0x00, 0x0b,
    0x0b, 0x02, 0x00, 0x0b, 0x0b, 0x16, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x10, 0x00, 0x61, 0x73, 0x6d,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x84, 0xe0, 0x03, 0x03, 0x70, 0x61, 0x64,
};

#define SENTINEL 0x7777777777777777ull

/* ---- big modules -------------------------------------------------------------------- */

#define BIG_PADDING (256u << 10)

static unsigned char* put_leb_u32(unsigned char* p, uint32_t v) {
    do {
        unsigned char byte = v & 0x7f;
        v >>= 7;
        *p++ = byte | (v ? 0x80 : 0);
    } while (v);
    return p;
}

/* `module` followed by a custom section "pad" of `padding` zero bytes (valid anywhere in
   a module), in a fresh malloc'd buffer; *len gets the total size. */
static unsigned char* padded(const unsigned char* module, uint32_t module_len, uint32_t padding,
                             uint32_t* len) {
    unsigned char* out = malloc(module_len + padding + 16);
    CHECK(out != NULL);
    memcpy(out, module, module_len);
    unsigned char* p = out + module_len;
    *p++ = 0; /* custom section */
    p = put_leb_u32(p, 4 + padding);
    *p++ = 3;
    memcpy(p, "pad", 3);
    p += 3;
    memset(p, 0, padding);
    *len = (uint32_t)(p + padding - out);
    return out;
}

static int64_t compile_at(const unsigned char* bytes, uint32_t len, const char* file, int line) {
    uint64_t id = SENTINEL;
    int32_t r = lunatic_process_compile_module(bytes, len, &id);
    if (r != 0) fprintf(stderr, "compile_module returned %d\n", (int)r);
    CHECK_AT(r == 0 && id != SENTINEL, file, line);
    return (int64_t)id;
}
#define COMPILE(m) compile_at((m), sizeof(m), __FILE__, __LINE__)

/* Spawns `entry` of `module` with (i64 reply_to) or (i64 reply_to, i32 x). */
static int32_t try_spawn_from(int64_t link, int64_t module, const char* entry, uint64_t reply_to,
                              int with_x, int32_t x, uint64_t* id) {
    uint8_t recs[2 * LUNATIC_PARAM_SIZE];
    uint8_t* p = lunatic_param_i64(recs, (int64_t)reply_to);
    if (with_x) lunatic_param_i32(p, x);
    return lunatic_process_spawn(link, LUNATIC_SELF_CONFIG, module, entry, (uint32_t)strlen(entry),
                                 recs, with_x ? 2 * LUNATIC_PARAM_SIZE : LUNATIC_PARAM_SIZE, id);
}

static uint64_t spawn_from(int64_t link, int64_t module, const char* entry, uint64_t reply_to,
                           int with_x, int32_t x) {
    uint64_t id = 0;
    CHECK_EQ(try_spawn_from(link, module, entry, reply_to, with_x, x, &id), 0);
    CHECK(id != 0);
    return id;
}

/* MODULE_A's reply: tag 4242, {i32 x, "from-module"}. */
static void expect_a_reply(int32_t x) {
    EXPECT_MSG(TAG_A);
    CHECK_EQ(lunatic_message_data_size(), 15);
    int32_t got = 0;
    CHECK_EQ(lunatic_message_read_data(&got, 4), 4);
    CHECK_EQ(got, x);
    char text[11];
    CHECK_EQ(lunatic_message_read_data(text, sizeof text), sizeof text);
    CHECK(memcmp(text, "from-module", sizeof text) == 0);
}

static void expect_link_died(int64_t tag) {
    CHECK_EQ(lunatic_receive_tag(tag, WAIT_MS), LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), tag);
}

static void expect_compile_error(const unsigned char* bytes, uint32_t len) {
    uint64_t err = SENTINEL;
    CHECK_EQ(lunatic_process_compile_module(bytes, len, &err), 1);
    CHECK(err != SENTINEL);
    check_error_text_and_drop(err);
}

static void expect_start_failure(const unsigned char* bytes, uint32_t len, int64_t link) {
    int64_t m = compile_at(bytes, len, __FILE__, __LINE__);
    uint64_t id = SENTINEL;
    CHECK_EQ(lunatic_process_spawn(link, LUNATIC_SELF_CONFIG, m, "entry", 5, 0, 0, &id), 0);
    CHECK(id != SENTINEL);
    expect_link_died(link);
    lunatic_process_drop_module(m);
}

/* ---- children of this module -------------------------------------------------------- */

/* Compiles (and drops) a big module forever; says so after the first one. */
ENTRY(e_compile_forever)(int64_t parent) {
    uint32_t len;
    unsigned char* big = padded(MODULE_A, sizeof MODULE_A, BIG_PADDING, &len);
    for (int round = 0;; round++) {
        uint64_t id = SENTINEL;
        CHECK_EQ(lunatic_process_compile_module(big, len, &id), 0);
        lunatic_process_drop_module((int64_t)id);
        if (round == 0) SEND((uint64_t)parent, T_COMPILING, 0);
    }
}

/* Receives a message with two modules (indices [A, B] in the data), takes B then A and
   spawns from both; reports the ids its own table gave them. */
ENTRY(e_take)(int64_t parent) {
    CHECK_EQ(lunatic_receive_tag(T_MOD, WAIT_MS), LUNATIC_DATA_MESSAGE);
    uint64_t ia = READ_U64();
    uint64_t ib = READ_U64();
    int64_t mb = lunatic_message_take_module(ib);
    int64_t ma = lunatic_message_take_module(ia);
    spawn_from(0, ma, "entry", (uint64_t)parent, 1, 77);
    spawn_from(0, mb, "entry", (uint64_t)parent, 0, 0);
    SEND((uint64_t)parent, T_REPORT, (uint64_t)ma, (uint64_t)mb);
}

/* Puts a received data message holding one module (index 0) into the slot. */
static void module_message_in_slot(void) {
    int64_t m = COMPILE(MODULE_A);
    lunatic_message_create_data(T_MOD, 0);
    CHECK_EQ(lunatic_message_push_module(m), 0);
    lunatic_message_send(self_pid());
    CHECK_EQ(lunatic_receive_tag(T_MOD, WAIT_MS), LUNATIC_DATA_MESSAGE);
}

ENTRY(t_spawn_dropped_module)(int64_t parent) {
    uint64_t id;
    int64_t m = COMPILE(MODULE_A);
    lunatic_process_drop_module(m);
    child_reached(parent);
    try_spawn_from(0, m, "entry", (uint64_t)parent, 1, 1, &id);
    child_survived(parent);
}

ENTRY(t_drop_module_twice)(int64_t parent) {
    int64_t m = COMPILE(MODULE_A);
    lunatic_process_drop_module(m);
    child_reached(parent);
    lunatic_process_drop_module(m);
    child_survived(parent);
}

ENTRY(t_drop_unknown_module)(int64_t parent) {
    child_reached(parent);
    lunatic_process_drop_module(1234);
    child_survived(parent);
}

ENTRY(t_push_unknown_module)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    child_reached(parent);
    lunatic_message_push_module(1234);
    child_survived(parent);
}

ENTRY(t_push_module_empty_slot)(int64_t parent) {
    int64_t m = COMPILE(MODULE_A);
    child_reached(parent);
    lunatic_message_push_module(m);
    child_survived(parent);
}

ENTRY(t_take_module_empty_slot)(int64_t parent) {
    child_reached(parent);
    lunatic_message_take_module(0);
    child_survived(parent);
}

ENTRY(t_take_module_twice)(int64_t parent) {
    module_message_in_slot();
    lunatic_message_take_module(0);
    child_reached(parent);
    lunatic_message_take_module(0);
    child_survived(parent);
}

ENTRY(t_take_module_out_of_range)(int64_t parent) {
    module_message_in_slot();
    child_reached(parent);
    lunatic_message_take_module(1);
    child_survived(parent);
}

ENTRY(t_take_tcp_from_module_slot)(int64_t parent) {
    module_message_in_slot();
    child_reached(parent);
    lunatic_message_take_tcp_stream(0);
    child_survived(parent);
}

ENTRY(t_push_tcp_unknown)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    child_reached(parent);
    lunatic_message_push_tcp_stream(0);
    child_survived(parent);
}

ENTRY(t_push_tls_unknown)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    child_reached(parent);
    lunatic_message_push_tls_stream(0);
    child_survived(parent);
}

ENTRY(t_push_udp_unknown)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    child_reached(parent);
    lunatic_message_push_udp_socket(0);
    child_survived(parent);
}

ENTRY(t_take_tls_out_of_range)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    child_reached(parent);
    lunatic_message_take_tls_stream(0);
    child_survived(parent);
}

ENTRY(t_take_udp_out_of_range)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    child_reached(parent);
    lunatic_message_take_udp_socket(0);
    child_survived(parent);
}

/* ---- root --------------------------------------------------------------------------- */

int main(void) {
    lunatic_process_die_when_link_dies(0);
    uint64_t self = self_pid();

    int64_t a0 = COMPILE(MODULE_A);
    int64_t a1 = COMPILE(MODULE_A);
    CHECK_EQ(a0, 0);
    CHECK_EQ(a1, 1);

    /* Spawning exports of a compiled module. */
    spawn_from(HELPER_LINK, a0, "entry", self, 1, 31);
    expect_a_reply(31);
    spawn_from(HELPER_LINK, a1, "entry", self, 1, -8);
    expect_a_reply(-8);
    spawn_from(700, a0, "boom", self, 0, 0); /* (i64) record for a () export: fails too */
    expect_link_died(700);
    uint64_t id = 0;
    CHECK_EQ(lunatic_process_spawn(701, LUNATIC_SELF_CONFIG, a0, "boom", 4, 0, 0, &id), 0);
    expect_link_died(701);
    spawn_from(702, a0, "e_take", self, 0, 0); /* an export of the root module, not of A */
    expect_link_died(702);

    /* A module that does not export its memory. */
    int64_t b = COMPILE(MODULE_B);
    spawn_from(HELPER_LINK, b, "entry", self, 0, 0);
    EXPECT_MSG(TAG_B);
    CHECK_EQ(lunatic_message_data_size(), 0);
    spawn_from(703, b, "write", self, 0, 0);
    int64_t tags[2] = {703, TAG_B + 1};
    CHECK_EQ(lunatic_message_receive(tags, 2, WAIT_MS), LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), 703);

    /* Modules travel in messages; the sender keeps them. */
    lunatic_message_create_data(T_MOD, 0);
    uint64_t ia = lunatic_message_push_module(a0);
    uint64_t ib = lunatic_message_push_module(b);
    CHECK_EQ(ia, 0);
    CHECK_EQ(ib, 1);
    uint64_t idx[2] = {ia, ib};
    lunatic_message_write_data(idx, sizeof idx);
    uint64_t taker = SPAWN_HELPER("e_take");
    CHECK_EQ(lunatic_message_send(taker), 0);
    expect_a_reply(77);
    EXPECT_MSG(TAG_B);
    EXPECT_MSG(T_REPORT);
    CHECK_EQ(READ_U64(), 1); /* A was taken second: id 1 in the taker's table */
    CHECK_EQ(READ_U64(), 0); /* B first: id 0 */
    spawn_from(HELPER_LINK, a0, "entry", self, 1, 32);
    expect_a_reply(32);

    /* drop_module does not affect a running process. */
    uint64_t waiter = spawn_from(HELPER_LINK, a1, "wait_then_reply", self, 1, 55);
    lunatic_process_drop_module(a1);
    SEND(waiter, 0, 0);
    expect_a_reply(55);

    /* Modules that cannot be linked. */
    expect_compile_error(MODULE_UNKNOWN_IMPORT, sizeof MODULE_UNKNOWN_IMPORT);
    expect_compile_error(MODULE_MISTYPED_IMPORT, sizeof MODULE_MISTYPED_IMPORT);
    expect_compile_error(MODULE_UNKNOWN_FUNCTION, sizeof MODULE_UNKNOWN_FUNCTION);

    /* Big modules (compiled off the worker threads). */
    uint32_t big_len;
    unsigned char* big = padded(MODULE_A, sizeof MODULE_A, BIG_PADDING, &big_len);
    CHECK(big_len > (64u << 10));
    int64_t big_a = compile_at(big, big_len, __FILE__, __LINE__);
    CHECK_EQ(big_a, 3); /* after a0, a1 and b */
    spawn_from(HELPER_LINK, big_a, "entry", self, 1, 99);
    expect_a_reply(99);
    lunatic_process_drop_module(big_a);
    free(big);
    big = padded(MODULE_UNKNOWN_IMPORT, sizeof MODULE_UNKNOWN_IMPORT, BIG_PADDING, &big_len);
    expect_compile_error(big, big_len);
    memset(big, 0xAB, big_len); /* no module at all */
    expect_compile_error(big, big_len);
    free(big);

    /* Killed while compiling. */
    uint64_t compiler = SPAWN(0, LUNATIC_SELF_CONFIG, "e_compile_forever", (int64_t)self);
    EXPECT_MSG(T_COMPILING);
    lunatic_process_monitor(compiler);
    lunatic_process_kill(compiler);
    CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_PROCESS_DIED);
    CHECK_EQ(lunatic_message_get_process_id(), compiler);

    /* A start function compiling a big module (a trap there would fail the spawn). */
    int64_t start_compiles = COMPILE(MODULE_START_COMPILES);
    CHECK_EQ(lunatic_process_spawn(0, LUNATIC_SELF_CONFIG, start_compiles, "entry", 5, 0, 0, &id),
             0);
    lunatic_process_drop_module(start_compiles);

    /* Modules whose instantiation fails. */
    expect_start_failure(MODULE_START_TRAPS, sizeof MODULE_START_TRAPS, 703);
    expect_start_failure(MODULE_START_SPAWNS, sizeof MODULE_START_SPAWNS, 704);

    EXPECT_TRAP("t_spawn_dropped_module");
    EXPECT_TRAP("t_drop_module_twice");
    EXPECT_TRAP("t_drop_unknown_module");
    EXPECT_TRAP("t_push_unknown_module");
    EXPECT_TRAP("t_push_module_empty_slot");
    EXPECT_TRAP("t_take_module_empty_slot");
    EXPECT_TRAP("t_take_module_twice");
    EXPECT_TRAP("t_take_module_out_of_range");
    EXPECT_TRAP("t_take_tcp_from_module_slot");
    EXPECT_TRAP("t_push_tcp_unknown");
    EXPECT_TRAP("t_push_tls_unknown");
    EXPECT_TRAP("t_push_udp_unknown");
    EXPECT_TRAP("t_take_tls_out_of_range");
    EXPECT_TRAP("t_take_udp_out_of_range");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
