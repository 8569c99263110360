/*
 * lunatic.h - C declarations of the Lunatic v0.13 host ABI for wasm32 guests.
 *
 * Covers the namespaces lunatic::process, ::message, ::timer, ::registry,
 * ::networking, ::error, ::version, ::wasi, ::trap, ::distributed, ::sqlite and
 * ::metrics. The Wasm types of every import match those Lunatic v0.13.2 registers
 * exactly: each i32 is an int32_t, uint32_t or pointer (wasm32 pointers are i32),
 * each i64 an int64_t or uint64_t. Which C signedness is used only documents the meaning.
 *
 * Conventions (Lunatic's, which Tycho follows):
 *  - Strings are (pointer, byte length) pairs, never NUL terminated.
 *  - Out-pointers receive little-endian values; no alignment is required.
 *  - Fallible calls return 0 (success), 1 (failure: an error id is written,
 *    read it with lunatic_error_* and free it with lunatic_error_drop),
 *    2 (function-specific), -1 (permission denied) or LUNATIC_TIMEOUT.
 *  - "traps" means the calling process dies with a failure.
 *  - Timeouts are milliseconds; LUNATIC_NO_TIMEOUT waits forever.
 *  - config_id / module_id -1 means "the caller's own config / module".
 *
 * Build a guest with sdk/bin/tycho-cc (clang-19 for wasm32-wasi with this directory on the
 * include path; sdk/c/README.md):
 *   sdk/bin/tycho-cc app.c -o app.wasm
 */
#ifndef LUNATIC_H
#define LUNATIC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LUNATIC_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

/* ---------------------------------------------------------------------------
 * Constants
 * ------------------------------------------------------------------------- */

/** Status returned by calls whose timeout expired. */
#define LUNATIC_TIMEOUT 9027
/** Timeout value meaning "wait forever" (u64::MAX, -1 as a Wasm i64). */
#define LUNATIC_NO_TIMEOUT ((int64_t)-1)

/** Results of lunatic_message_receive. */
#define LUNATIC_DATA_MESSAGE 0
#define LUNATIC_LINK_DIED 1
#define LUNATIC_PROCESS_DIED 2

/** Spawn parameter records. */
#define LUNATIC_PARAM_SIZE 17
#define LUNATIC_PARAM_I32 0x7F
#define LUNATIC_PARAM_I64 0x7E
#define LUNATIC_PARAM_V128 0x7B

/** Special ids accepted by spawn and get_or_spawn. */
#define LUNATIC_SELF_CONFIG ((int64_t)-1)
#define LUNATIC_SELF_MODULE ((int64_t)-1)

/* ---------------------------------------------------------------------------
 * lunatic::process (26 functions)
 * ------------------------------------------------------------------------- */

/** Compiles a module; 0 + module id at *id, 1 + error id at *id, -1 without permission. */
LUNATIC_IMPORT("lunatic::process", "compile_module")
int32_t lunatic_process_compile_module(const void* module_data, uint32_t module_data_len,
                                       uint64_t* id);
/** Removes a module from the caller's table; traps on an unknown id. */
LUNATIC_IMPORT("lunatic::process", "drop_module")
void lunatic_process_drop_module(int64_t module_id);

/** Creates a config with default values; returns its id, or -1 without permission. */
LUNATIC_IMPORT("lunatic::process", "create_config")
int64_t lunatic_process_create_config(void);
/** Removes a config from the caller's table; traps on an unknown id. */
LUNATIC_IMPORT("lunatic::process", "drop_config")
void lunatic_process_drop_config(int64_t config_id);
/** Sets the memory limit in bytes; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "config_set_max_memory")
void lunatic_process_config_set_max_memory(int64_t config_id, uint64_t max_memory);
/** Returns the memory limit in bytes. */
LUNATIC_IMPORT("lunatic::process", "config_get_max_memory")
uint64_t lunatic_process_config_get_max_memory(int64_t config_id);
/** Sets the fuel limit in units of 100 000 (0 = unlimited); returns nothing. */
LUNATIC_IMPORT("lunatic::process", "config_set_max_fuel")
void lunatic_process_config_set_max_fuel(int64_t config_id, uint64_t max_fuel);
/** Returns the fuel limit in units of 100 000 (0 = unlimited). */
LUNATIC_IMPORT("lunatic::process", "config_get_max_fuel")
uint64_t lunatic_process_config_get_max_fuel(int64_t config_id);
/** Returns 1 if the config may compile modules, else 0. */
LUNATIC_IMPORT("lunatic::process", "config_can_compile_modules")
int32_t lunatic_process_config_can_compile_modules(int64_t config_id);
/** Grants (non-zero) or revokes (0) module compilation; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "config_set_can_compile_modules")
void lunatic_process_config_set_can_compile_modules(int64_t config_id, int32_t can);
/** Returns 1 if the config may create configs, else 0. */
LUNATIC_IMPORT("lunatic::process", "config_can_create_configs")
int32_t lunatic_process_config_can_create_configs(int64_t config_id);
/** Grants (non-zero) or revokes (0) config creation; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "config_set_can_create_configs")
void lunatic_process_config_set_can_create_configs(int64_t config_id, int32_t can);
/** Returns 1 if the config may spawn processes, else 0. */
LUNATIC_IMPORT("lunatic::process", "config_can_spawn_processes")
int32_t lunatic_process_config_can_spawn_processes(int64_t config_id);
/** Grants (non-zero) or revokes (0) spawning; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "config_set_can_spawn_processes")
void lunatic_process_config_set_can_spawn_processes(int64_t config_id, int32_t can);

/** Spawns entry(params...); 0 + pid at *id, or 1 + error id at *id (instantiation failed). */
LUNATIC_IMPORT("lunatic::process", "spawn")
int32_t lunatic_process_spawn(int64_t link, int64_t config_id, int64_t module_id, const char* func,
                              uint32_t func_len, const void* params, uint32_t params_len,
                              uint64_t* id);
/** Returns 2 + the registered (node, pid) if name exists, else spawns like spawn (0 or 1). */
LUNATIC_IMPORT("lunatic::process", "get_or_spawn")
int32_t lunatic_process_get_or_spawn(const char* name, uint32_t name_len, int64_t link,
                                     int64_t config_id, int64_t module_id, const char* func,
                                     uint32_t func_len, const void* params, uint32_t params_len,
                                     uint64_t* node_id, uint64_t* id);
/** Suspends the caller for at least millis milliseconds; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "sleep_ms")
void lunatic_process_sleep_ms(uint64_t millis);
/** 0: failures of linked processes arrive as link-died messages; non-zero: they kill us. */
LUNATIC_IMPORT("lunatic::process", "die_when_link_dies")
void lunatic_process_die_when_link_dies(int32_t trap);
/** Returns the caller's process id. */
LUNATIC_IMPORT("lunatic::process", "process_id")
uint64_t lunatic_process_process_id(void);
/** Returns the caller's environment id. */
LUNATIC_IMPORT("lunatic::process", "environment_id")
uint64_t lunatic_process_environment_id(void);
/** Links the caller with process_id under tag (0 = none); returns nothing, never traps. */
LUNATIC_IMPORT("lunatic::process", "link")
void lunatic_process_link(int64_t tag, uint64_t process_id);
/** Removes the link with process_id on both sides; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "unlink")
void lunatic_process_unlink(uint64_t process_id);
/** Asks for a process-died message when process_id ends; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "monitor")
void lunatic_process_monitor(uint64_t process_id);
/** Cancels a monitor; returns nothing. */
LUNATIC_IMPORT("lunatic::process", "stop_monitoring")
void lunatic_process_stop_monitoring(uint64_t process_id);
/** Kills process_id (ignored if it does not exist); returns nothing. */
LUNATIC_IMPORT("lunatic::process", "kill")
void lunatic_process_kill(uint64_t process_id);
/** Returns 1 if process_id is alive in the caller's environment, else 0. */
LUNATIC_IMPORT("lunatic::process", "exists")
int32_t lunatic_process_exists(uint64_t process_id);

/* ---------------------------------------------------------------------------
 * lunatic::message (18 functions)
 * ------------------------------------------------------------------------- */

/** Replaces the scratch slot with an empty data message (tag 0 = untagged). */
LUNATIC_IMPORT("lunatic::message", "create_data")
void lunatic_message_create_data(int64_t tag, uint64_t buffer_capacity);
/** Appends data to the scratch message; returns data_len. */
LUNATIC_IMPORT("lunatic::message", "write_data")
uint32_t lunatic_message_write_data(const void* data, uint32_t data_len);
/** Reads up to data_len bytes from the read position; returns the count (0 at the end). */
LUNATIC_IMPORT("lunatic::message", "read_data")
uint32_t lunatic_message_read_data(void* data, uint32_t data_len);
/** Sets the read position (no range check); returns nothing. */
LUNATIC_IMPORT("lunatic::message", "seek_data")
void lunatic_message_seek_data(uint64_t index);
/** Returns the tag of the scratch message (0 if none). */
LUNATIC_IMPORT("lunatic::message", "get_tag")
int64_t lunatic_message_get_tag(void);
/** Returns the dead process's id for a process-died message, 0 for other kinds. */
LUNATIC_IMPORT("lunatic::message", "get_process_id")
uint64_t lunatic_message_get_process_id(void);
/** Returns the total byte length of the scratch data message. */
LUNATIC_IMPORT("lunatic::message", "data_size")
uint64_t lunatic_message_data_size(void);
/** Adds a module reference to the message (caller keeps it); returns its resource index. */
LUNATIC_IMPORT("lunatic::message", "push_module")
uint64_t lunatic_message_push_module(int64_t module_id);
/** Moves the module at index into the caller's table; returns the new module id. */
LUNATIC_IMPORT("lunatic::message", "take_module")
int64_t lunatic_message_take_module(uint64_t index);
/** Moves a TCP stream into the message; returns its resource index. */
LUNATIC_IMPORT("lunatic::message", "push_tcp_stream")
uint64_t lunatic_message_push_tcp_stream(uint64_t stream_id);
/** Moves the TCP stream at index into the caller's table; returns the new stream id. */
LUNATIC_IMPORT("lunatic::message", "take_tcp_stream")
uint64_t lunatic_message_take_tcp_stream(uint64_t index);
/** Moves a TLS stream into the message; returns its resource index. */
LUNATIC_IMPORT("lunatic::message", "push_tls_stream")
uint64_t lunatic_message_push_tls_stream(uint64_t stream_id);
/** Moves the TLS stream at index into the caller's table; returns the new stream id. */
LUNATIC_IMPORT("lunatic::message", "take_tls_stream")
uint64_t lunatic_message_take_tls_stream(uint64_t index);
/** Sends the scratch message to process_id (dropped if it does not exist); returns 0. */
LUNATIC_IMPORT("lunatic::message", "send")
int32_t lunatic_message_send(uint64_t process_id);
/** Sends, then waits for a new message tagged wait_on_tag; 0 (reply in slot) or LUNATIC_TIMEOUT. */
LUNATIC_IMPORT("lunatic::message", "send_receive_skip_search")
int32_t lunatic_message_send_receive_skip_search(uint64_t process_id, int64_t wait_on_tag,
                                                 int64_t timeout_ms);
/** Takes the oldest (matching) message: 0 data, 1 link died, 2 process died, or LUNATIC_TIMEOUT. */
LUNATIC_IMPORT("lunatic::message", "receive")
int32_t lunatic_message_receive(const int64_t* tags, uint32_t tag_count, int64_t timeout_ms);
/** Moves a UDP socket into the message; returns its resource index. */
LUNATIC_IMPORT("lunatic::message", "push_udp_socket")
uint64_t lunatic_message_push_udp_socket(uint64_t socket_id);
/** Moves the UDP socket at index into the caller's table; returns the new socket id. */
LUNATIC_IMPORT("lunatic::message", "take_udp_socket")
uint64_t lunatic_message_take_udp_socket(uint64_t index);

/* ---------------------------------------------------------------------------
 * lunatic::networking (49 functions)
 *
 * Addresses go in as (addr_type, addr, port, flow_info, scope_id): addr_type 4 reads 4
 * bytes at addr, 6 reads 16 (any other value traps); the port is the low 16 bits. They
 * come back as DNS iterators: call lunatic_networking_resolve_next until it returns 1, with
 * a 16-byte addr buffer, then drop the iterator. Fallible calls return 0, or 1 with an
 * error id written at the out-pointer, or LUNATIC_TIMEOUT. Stream timeouts are stored per
 * connection (shared by its clones) in milliseconds, LUNATIC_NO_TIMEOUT for none.
 * ------------------------------------------------------------------------- */

/** A buffer for the vectored writes: 8 bytes, as wasm32 lays out (pointer, length). */
typedef struct lunatic_ciovec {
    const void* buf;
    uint32_t buf_len;
} lunatic_ciovec;

/** Resolves "host:port" (IP literals need no lookup); 0: a DNS iterator id at id. */
LUNATIC_IMPORT("lunatic::networking", "resolve")
int32_t lunatic_networking_resolve(const char* name, uint32_t name_len, int64_t timeout_ms,
                                   uint64_t* id);
LUNATIC_IMPORT("lunatic::networking", "drop_dns_iterator")
void lunatic_networking_drop_dns_iterator(uint64_t dns_iter_id);
/** Writes the next address; 0, or 1 when there are no more (nothing written). */
LUNATIC_IMPORT("lunatic::networking", "resolve_next")
int32_t lunatic_networking_resolve_next(uint64_t dns_iter_id, uint32_t* addr_type, uint8_t addr[16],
                                        uint16_t* port, uint32_t* flow_info, uint32_t* scope_id);

/** Binds a listening TCP socket (port 0: the system chooses); 0: listener id at id. */
LUNATIC_IMPORT("lunatic::networking", "tcp_bind")
int32_t lunatic_networking_tcp_bind(uint32_t addr_type, const uint8_t* addr, uint32_t port,
                                    uint32_t flow_info, uint32_t scope_id, uint64_t* id);
LUNATIC_IMPORT("lunatic::networking", "drop_tcp_listener")
void lunatic_networking_drop_tcp_listener(uint64_t listener_id);
/** 0: a one-address DNS iterator id with the bound address at id. */
LUNATIC_IMPORT("lunatic::networking", "tcp_local_addr")
int32_t lunatic_networking_tcp_local_addr(uint64_t listener_id, uint64_t* id);
/** Waits for a connection; 0: stream id at id, peer address iterator id at peer_addr_id. */
LUNATIC_IMPORT("lunatic::networking", "tcp_accept")
int32_t lunatic_networking_tcp_accept(uint64_t listener_id, uint64_t* id, uint64_t* peer_addr_id);
/** 0: stream id at id; 1: error id at id; LUNATIC_TIMEOUT: nothing written. */
LUNATIC_IMPORT("lunatic::networking", "tcp_connect")
int32_t lunatic_networking_tcp_connect(uint32_t addr_type, const uint8_t* addr, uint32_t port,
                                       uint32_t flow_info, uint32_t scope_id, int64_t timeout_ms,
                                       uint64_t* id);
/** 0: a one-address DNS iterator id with the remote address at id. */
LUNATIC_IMPORT("lunatic::networking", "tcp_peer_addr")
int32_t lunatic_networking_tcp_peer_addr(uint64_t stream_id, uint64_t* id);
/** Drops this reference; the connection closes with the last one. */
LUNATIC_IMPORT("lunatic::networking", "drop_tcp_stream")
void lunatic_networking_drop_tcp_stream(uint64_t stream_id);
/** Returns a new id for the same connection. */
LUNATIC_IMPORT("lunatic::networking", "clone_tcp_stream")
uint64_t lunatic_networking_clone_tcp_stream(uint64_t stream_id);
/** One vectored write; 0: bytes written (u64) at result, 1: error id there. */
LUNATIC_IMPORT("lunatic::networking", "tcp_write_vectored")
int32_t lunatic_networking_tcp_write_vectored(uint64_t stream_id, const lunatic_ciovec* iovs,
                                              uint32_t iovs_len, uint64_t* result);
/** Like tcp_read, but the data stays in the socket. */
LUNATIC_IMPORT("lunatic::networking", "tcp_peek")
int32_t lunatic_networking_tcp_peek(uint64_t stream_id, void* buf, uint32_t buf_len,
                                    uint64_t* result);
/** One read; 0: bytes read (u64) at result (0: end of stream), 1: error id there. */
LUNATIC_IMPORT("lunatic::networking", "tcp_read")
int32_t lunatic_networking_tcp_read(uint64_t stream_id, void* buf, uint32_t buf_len,
                                    uint64_t* result);
LUNATIC_IMPORT("lunatic::networking", "set_read_timeout")
void lunatic_networking_set_read_timeout(uint64_t stream_id, int64_t timeout_ms);
LUNATIC_IMPORT("lunatic::networking", "set_write_timeout")
void lunatic_networking_set_write_timeout(uint64_t stream_id, int64_t timeout_ms);
LUNATIC_IMPORT("lunatic::networking", "set_peek_timeout")
void lunatic_networking_set_peek_timeout(uint64_t stream_id, int64_t timeout_ms);
LUNATIC_IMPORT("lunatic::networking", "get_read_timeout")
int64_t lunatic_networking_get_read_timeout(uint64_t stream_id);
LUNATIC_IMPORT("lunatic::networking", "get_write_timeout")
int64_t lunatic_networking_get_write_timeout(uint64_t stream_id);
LUNATIC_IMPORT("lunatic::networking", "get_peek_timeout")
int64_t lunatic_networking_get_peek_timeout(uint64_t stream_id);
/** 0 (and 0 written at error_id), or 1 with an error id there. */
LUNATIC_IMPORT("lunatic::networking", "tcp_flush")
int32_t lunatic_networking_tcp_flush(uint64_t stream_id, uint64_t* error_id);

/** Binds a TLS listener with one PEM certificate and one PEM PKCS#8 private key. */
LUNATIC_IMPORT("lunatic::networking", "tls_bind")
int32_t lunatic_networking_tls_bind(uint32_t addr_type, const uint8_t* addr, uint32_t port,
                                    uint32_t flow_info, uint32_t scope_id, uint64_t* id,
                                    const char* cert_pem, uint32_t cert_pem_len,
                                    const char* key_pem, uint32_t key_pem_len);
LUNATIC_IMPORT("lunatic::networking", "drop_tls_listener")
void lunatic_networking_drop_tls_listener(uint64_t listener_id);
LUNATIC_IMPORT("lunatic::networking", "tls_local_addr")
int32_t lunatic_networking_tls_local_addr(uint64_t listener_id, uint64_t* id);
/** Accepts a connection; as tcp_accept. The server handshake runs in the stream's first
 *  tls_read, tls_write_vectored or tls_flush (Tycho; Lunatic does it here). */
LUNATIC_IMPORT("lunatic::networking", "tls_accept")
int32_t lunatic_networking_tls_accept(uint64_t listener_id, uint64_t* id, uint64_t* peer_addr_id);
/** A (pointer, length) entry of tls_connect's list of PEM root certificates. */
typedef struct lunatic_pem {
    const char* pem;
    uint32_t pem_len;
} lunatic_pem;
/** Connects to host (a name or IP literal, also the name the certificate must carry) on
 *  port; trusts roots[0..roots_len), or the system's roots when roots_len is 0. */
LUNATIC_IMPORT("lunatic::networking", "tls_connect")
int32_t lunatic_networking_tls_connect(const char* host, uint32_t host_len, uint32_t port,
                                       int64_t timeout_ms, uint64_t* id, const lunatic_pem* roots,
                                       uint32_t roots_len);
LUNATIC_IMPORT("lunatic::networking", "drop_tls_stream")
void lunatic_networking_drop_tls_stream(uint64_t stream_id);
LUNATIC_IMPORT("lunatic::networking", "clone_tls_stream")
uint64_t lunatic_networking_clone_tls_stream(uint64_t stream_id);
LUNATIC_IMPORT("lunatic::networking", "tls_write_vectored")
int32_t lunatic_networking_tls_write_vectored(uint64_t stream_id, const lunatic_ciovec* iovs,
                                              uint32_t iovs_len, uint64_t* result);
LUNATIC_IMPORT("lunatic::networking", "tls_read")
int32_t lunatic_networking_tls_read(uint64_t stream_id, void* buf, uint32_t buf_len,
                                    uint64_t* result);
LUNATIC_IMPORT("lunatic::networking", "set_tls_read_timeout")
void lunatic_networking_set_tls_read_timeout(uint64_t stream_id, int64_t timeout_ms);
LUNATIC_IMPORT("lunatic::networking", "set_tls_write_timeout")
void lunatic_networking_set_tls_write_timeout(uint64_t stream_id, int64_t timeout_ms);
LUNATIC_IMPORT("lunatic::networking", "get_tls_read_timeout")
int64_t lunatic_networking_get_tls_read_timeout(uint64_t stream_id);
LUNATIC_IMPORT("lunatic::networking", "get_tls_write_timeout")
int64_t lunatic_networking_get_tls_write_timeout(uint64_t stream_id);
LUNATIC_IMPORT("lunatic::networking", "tls_flush")
int32_t lunatic_networking_tls_flush(uint64_t stream_id, uint64_t* error_id);

/** Binds a UDP socket; 0: socket id at id. */
LUNATIC_IMPORT("lunatic::networking", "udp_bind")
int32_t lunatic_networking_udp_bind(uint32_t addr_type, const uint8_t* addr, uint32_t port,
                                    uint32_t flow_info, uint32_t scope_id, uint64_t* id);
LUNATIC_IMPORT("lunatic::networking", "udp_local_addr")
int32_t lunatic_networking_udp_local_addr(uint64_t socket_id, uint64_t* id);
/** 0: peer address iterator id; 1: not connected (error id); 2: another error (error id). */
LUNATIC_IMPORT("lunatic::networking", "udp_peer_addr")
int32_t lunatic_networking_udp_peer_addr(uint64_t socket_id, uint64_t* id);
LUNATIC_IMPORT("lunatic::networking", "drop_udp_socket")
void lunatic_networking_drop_udp_socket(uint64_t socket_id);
/** One datagram from the connected peer; 0: its length (u64) at result. */
LUNATIC_IMPORT("lunatic::networking", "udp_receive")
int32_t lunatic_networking_udp_receive(uint64_t socket_id, void* buf, uint32_t buf_len,
                                       uint64_t* result);
/** One datagram; 0: its length at result, the sender's address iterator id at from_id. */
LUNATIC_IMPORT("lunatic::networking", "udp_receive_from")
int32_t lunatic_networking_udp_receive_from(uint64_t socket_id, void* buf, uint32_t buf_len,
                                            uint64_t* result, uint64_t* from_id);
/** Sets the default peer; 0 (and 0 written at error_id), 1, or LUNATIC_TIMEOUT. */
LUNATIC_IMPORT("lunatic::networking", "udp_connect")
int32_t lunatic_networking_udp_connect(uint64_t socket_id, uint32_t addr_type, const uint8_t* addr,
                                       uint32_t port, uint32_t flow_info, uint32_t scope_id,
                                       int64_t timeout_ms, uint64_t* error_id);
LUNATIC_IMPORT("lunatic::networking", "clone_udp_socket")
uint64_t lunatic_networking_clone_udp_socket(uint64_t socket_id);
LUNATIC_IMPORT("lunatic::networking", "set_udp_socket_broadcast")
void lunatic_networking_set_udp_socket_broadcast(uint64_t socket_id, uint32_t enabled);
LUNATIC_IMPORT("lunatic::networking", "get_udp_socket_broadcast")
uint32_t lunatic_networking_get_udp_socket_broadcast(uint64_t socket_id);
LUNATIC_IMPORT("lunatic::networking", "set_udp_socket_ttl")
void lunatic_networking_set_udp_socket_ttl(uint64_t socket_id, uint32_t ttl);
LUNATIC_IMPORT("lunatic::networking", "get_udp_socket_ttl")
uint32_t lunatic_networking_get_udp_socket_ttl(uint64_t socket_id);
/** Sends one datagram to the address; 0: bytes sent (u64) at result. */
LUNATIC_IMPORT("lunatic::networking", "udp_send_to")
int32_t lunatic_networking_udp_send_to(uint64_t socket_id, const void* buf, uint32_t buf_len,
                                       uint32_t addr_type, const uint8_t* addr, uint32_t port,
                                       uint32_t flow_info, uint32_t scope_id, uint64_t* result);
/** Sends one datagram to the connected peer; 0: bytes sent (u64) at result. */
LUNATIC_IMPORT("lunatic::networking", "udp_send")
int32_t lunatic_networking_udp_send(uint64_t socket_id, const void* buf, uint32_t buf_len,
                                    uint64_t* result);

/* ---------------------------------------------------------------------------
 * lunatic::timer (2 functions)
 * ------------------------------------------------------------------------- */

/** Sends the scratch message to process_id after delay_ms; returns a timer id. */
LUNATIC_IMPORT("lunatic::timer", "send_after")
uint64_t lunatic_timer_send_after(uint64_t process_id, uint64_t delay_ms);
/** Returns 1 if the cancel won (the timer had not fired and now never will); 0 if it
    already fired, was cancelled before or is unknown. (Lunatic may return 1 for a timer
    that already fired; Tycho does not.) Never traps. */
LUNATIC_IMPORT("lunatic::timer", "cancel_timer")
int32_t lunatic_timer_cancel_timer(uint64_t timer_id);

/* ---------------------------------------------------------------------------
 * lunatic::registry (3 functions)
 * ------------------------------------------------------------------------- */

/** Stores name -> (node_id, process_id), replacing any entry; returns nothing. */
LUNATIC_IMPORT("lunatic::registry", "put")
void lunatic_registry_put(const char* name, uint32_t name_len, uint64_t node_id,
                          uint64_t process_id);
/** Returns 0 and writes (node id, pid) if name is registered, else 1 (nothing written). */
LUNATIC_IMPORT("lunatic::registry", "get")
int32_t lunatic_registry_get(const char* name, uint32_t name_len, uint64_t* node_id,
                             uint64_t* process_id);
/** Deletes name if present; returns nothing. */
LUNATIC_IMPORT("lunatic::registry", "remove")
void lunatic_registry_remove(const char* name, uint32_t name_len);

/* ---------------------------------------------------------------------------
 * lunatic::error (3 functions)
 * ------------------------------------------------------------------------- */

/** Returns the byte length of the error's UTF-8 text. */
LUNATIC_IMPORT("lunatic::error", "string_size")
uint32_t lunatic_error_string_size(uint64_t error_id);
/** Writes exactly string_size bytes of text (no terminator) to out; returns nothing. */
LUNATIC_IMPORT("lunatic::error", "to_string")
void lunatic_error_to_string(uint64_t error_id, char* out);
/** Frees the error entry; returns nothing. */
LUNATIC_IMPORT("lunatic::error", "drop")
void lunatic_error_drop(uint64_t error_id);

/* ---------------------------------------------------------------------------
 * lunatic::version (3 functions)
 * ------------------------------------------------------------------------- */

/** Returns the host's major version (0). */
LUNATIC_IMPORT("lunatic::version", "major")
int32_t lunatic_version_major(void);
/** Returns the host's minor version (13). */
LUNATIC_IMPORT("lunatic::version", "minor")
int32_t lunatic_version_minor(void);
/** Returns the host's patch version (2). */
LUNATIC_IMPORT("lunatic::version", "patch")
int32_t lunatic_version_patch(void);

/* ---------------------------------------------------------------------------
 * lunatic::wasi (3 functions)
 * ------------------------------------------------------------------------- */

/** Appends key=value to the config's WASI environment; returns nothing. */
LUNATIC_IMPORT("lunatic::wasi", "config_add_environment_variable")
void lunatic_wasi_config_add_environment_variable(int64_t config_id, const char* key,
                                                  uint32_t key_len, const char* value,
                                                  uint32_t value_len);
/** Appends one argument to the config's WASI argv; returns nothing. */
LUNATIC_IMPORT("lunatic::wasi", "config_add_command_line_argument")
void lunatic_wasi_config_add_command_line_argument(int64_t config_id, const char* argument,
                                                   uint32_t argument_len);
/** Appends a host directory to preopen (opened at spawn time); returns nothing. */
LUNATIC_IMPORT("lunatic::wasi", "config_preopen_dir")
void lunatic_wasi_config_preopen_dir(int64_t config_id, const char* dir, uint32_t dir_len);

/* ---------------------------------------------------------------------------
 * lunatic::trap (1 function)
 * ------------------------------------------------------------------------- */

/** Calls _lunatic_catch_trap(function, pointer); returns its result, or 0 if that trapped. */
LUNATIC_IMPORT("lunatic::trap", "catch")
int32_t lunatic_trap_catch(int32_t function, int32_t pointer);

/* ---------------------------------------------------------------------------
 * Result buffers (used by lunatic::distributed and lunatic::sqlite)
 *
 * Functions documented as returning "a result buffer" hand their result over in
 * memory the guest allocates: from inside the call the host calls the module's
 * export `int32_t lunatic_alloc(int32_t size)`, copies the result to the pointer
 * it returns, writes the result's length as 8 bytes (u64 LE) to *len and returns
 * the pointer. The buffer then belongs to the guest. A module calling these
 * functions must export lunatic_alloc, or the call traps (as it does when
 * lunatic_alloc traps or returns a pointer the result does not fit at);
 * LUNATIC_DEFINE_ALLOC below defines one with malloc (free() the buffers).
 * ------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------
 * lunatic::distributed (12 functions)
 *
 * Tycho runs as one node that is not part of a distributed setup: node_id and
 * module_id are 0, no other node is known, and spawn, send,
 * send_receive_skip_search, exec_lookup_nodes and copy_lookup_nodes_results
 * trap. The certificate helpers work. Bincode strings are a u64 LE byte length
 * followed by the UTF-8 bytes; a pair is two of them back to back.
 * ------------------------------------------------------------------------- */

/** Returns the number of other nodes known (0 here). */
LUNATIC_IMPORT("lunatic::distributed", "nodes_count")
int32_t lunatic_distributed_nodes_count(void);
/** Copies up to nodes_len node ids to nodes; returns how many (0 here). */
LUNATIC_IMPORT("lunatic::distributed", "get_nodes")
uint32_t lunatic_distributed_get_nodes(uint64_t* nodes, uint32_t nodes_len);
/** Returns this node's id (0 when not distributed). */
LUNATIC_IMPORT("lunatic::distributed", "node_id")
uint64_t lunatic_distributed_node_id(void);
/** Returns the control server's id of the caller's module (0: it has none). */
LUNATIC_IMPORT("lunatic::distributed", "module_id")
uint64_t lunatic_distributed_module_id(void);
/**
 * Spawns entry of control-server module module_id on node node_id (config_id -1:
 * the caller's config); 0 + pid at *id, 1 node not found, 2 module not found,
 * LUNATIC_TIMEOUT connection error (each with an error id at *id). Traps here.
 */
LUNATIC_IMPORT("lunatic::distributed", "spawn")
int32_t lunatic_distributed_spawn(uint64_t node_id, int64_t config_id, uint64_t module_id,
                                  const char* entry, uint32_t entry_len, const void* params,
                                  uint32_t params_len, uint64_t* id);
/**
 * Sends the data message in the scratch slot (no resources) to a process on another
 * node: 0 sent, 1 process not found, 2 node not found, LUNATIC_TIMEOUT connection
 * error. Traps here.
 */
LUNATIC_IMPORT("lunatic::distributed", "send")
int32_t lunatic_distributed_send(uint64_t node_id, uint64_t process_id);
/** send, then waits for a reply tagged wait_on_tag (as message::send_receive_skip_search).
    Traps here. */
LUNATIC_IMPORT("lunatic::distributed", "send_receive_skip_search")
int32_t lunatic_distributed_send_receive_skip_search(uint64_t node_id, uint64_t process_id,
                                                     int64_t wait_on_tag, int64_t timeout_ms);
/** Asks the control server for nodes matching a "key=value&..." query: 0 + query id and
    result count, or 1 + error id. Traps here. */
LUNATIC_IMPORT("lunatic::distributed", "exec_lookup_nodes")
int32_t lunatic_distributed_exec_lookup_nodes(const char* query, uint32_t query_len,
                                              uint64_t* query_id, uint64_t* nodes_len,
                                              uint64_t* error_id);
/** Copies up to nodes_len node ids of a finished query and returns how many; -1 + error
    id for an unknown query. Traps here. */
LUNATIC_IMPORT("lunatic::distributed", "copy_lookup_nodes_results")
int32_t lunatic_distributed_copy_lookup_nodes_results(uint64_t query_id, uint64_t* nodes,
                                                      uint32_t nodes_len, uint64_t* error_id);
/**
 * Returns a result buffer holding the bincode pair (certificate PEM, private key PEM) of
 * the runtime's test certificate authority. Tycho makes its own, once per runtime.
 */
LUNATIC_IMPORT("lunatic::distributed", "test_root_cert")
uint8_t* lunatic_distributed_test_root_cert(uint64_t* len);
/**
 * Issues a certificate for "ctrl.lunatic.cloud" with a new key, signed by the CA given
 * as PEM; returns a result buffer holding the bincode pair (certificate PEM, key PEM).
 * Traps on an unusable CA certificate or key (or invalid UTF-8).
 */
LUNATIC_IMPORT("lunatic::distributed", "default_server_certificates")
uint8_t* lunatic_distributed_default_server_certificates(const char* ca_cert, uint32_t ca_cert_len,
                                                         const char* ca_key, uint32_t ca_key_len,
                                                         uint64_t* len);
/**
 * Signs a node's certificate signing request (PEM) with the CA; returns a result buffer
 * holding the bincode string of the certificate PEM, or NULL (nothing written to *len)
 * when the request cannot be read or signed. Traps on an unusable CA (or invalid UTF-8).
 */
LUNATIC_IMPORT("lunatic::distributed", "sign_node")
uint8_t* lunatic_distributed_sign_node(const char* ca_cert, uint32_t ca_cert_len,
                                       const char* ca_key, uint32_t ca_key_len, const char* csr,
                                       uint32_t csr_len, uint64_t* len);

/* ---------------------------------------------------------------------------
 * lunatic::sqlite (14 functions)
 *
 * Connections and statements are resources of the calling process (ids from 0
 * in two tables of their own, never reused); there is no way to close a
 * connection, everything is finalised and closed when the process ends. A
 * process may hold 64 connections and 4096 statements. SQLite's memory counts
 * against the process's max_memory: a query that needs more traps.
 *
 * Values travel in bincode (little-endian, u64 lengths before strings and byte
 * vectors, enum variants as a u32 index before their payload):
 *  - bind lists (bind_value): u64 count, then count pairs of key and value.
 *    Keys: LUNATIC_SQLITE_KEY_NONE; _INDEX + u64 parameter index (from 1);
 *    _NAME + string. A name or no key binds at parameter 1. Values:
 *    LUNATIC_SQLITE_NULL; _BLOB + bytes; _TEXT + string; _DOUBLE + f64;
 *    _INT + i32; _INT64 + i64.
 *  - column values (read_column): LUNATIC_SQLITE_NULL, _BLOB + bytes,
 *    _TEXT + string, _DOUBLE + f64 or _INTEGER + i64; rows (read_row): u64
 *    count, then the values; column names (column_names): u64 count, then the
 *    strings; errors (last_error): u8 0/1 and u32 code, then u8 0/1 and string
 *    message (0 and 0 when the last call succeeded).
 * ------------------------------------------------------------------------- */

/** Results of lunatic_sqlite_step. */
#define LUNATIC_SQLITE_ROW 100
#define LUNATIC_SQLITE_DONE 101
/** Bind list keys. */
#define LUNATIC_SQLITE_KEY_NONE 0
#define LUNATIC_SQLITE_KEY_INDEX 1
#define LUNATIC_SQLITE_KEY_NAME 2
/** Bind list values and column values. */
#define LUNATIC_SQLITE_NULL 0
#define LUNATIC_SQLITE_BLOB 1
#define LUNATIC_SQLITE_TEXT 2
#define LUNATIC_SQLITE_DOUBLE 3
#define LUNATIC_SQLITE_INT 4     /* in bind lists: an i32 */
#define LUNATIC_SQLITE_INTEGER 4 /* in column values: an i64 */
#define LUNATIC_SQLITE_INT64 5   /* in bind lists */

/**
 * Opens (creating it if needed) the database at path (UTF-8, relative to the runtime's
 * working directory), which must lie inside a directory preopened for the process
 * (":memory:" is checked like a relative path, then opens an in-memory database):
 * 0 + connection id (8 bytes) at *connection_id, or 1 + error id there.
 */
LUNATIC_IMPORT("lunatic::sqlite", "open")
int64_t lunatic_sqlite_open(const char* path, uint32_t path_len, uint64_t* connection_id);
/** Prepares the first statement of sql and returns its id; traps on an unknown connection,
    invalid UTF-8, or SQL that does not prepare or holds no statement. */
LUNATIC_IMPORT("lunatic::sqlite", "query_prepare")
uint64_t lunatic_sqlite_query_prepare(uint64_t connection, const char* sql, uint32_t sql_len);
/** Runs every statement of sql, discarding rows: 0, or the SQLite result code of the first
    failure (see last_error). Traps on an unknown connection or invalid UTF-8. */
LUNATIC_IMPORT("lunatic::sqlite", "execute")
int32_t lunatic_sqlite_execute(uint64_t connection, const char* sql, uint32_t sql_len);
/** Binds a bind list (see above); traps on a malformed list or a failed binding. */
LUNATIC_IMPORT("lunatic::sqlite", "bind_value")
void lunatic_sqlite_bind_value(uint64_t statement, const void* bind_list, uint32_t len);
/** Returns the number of rows the connection's last statement changed. */
LUNATIC_IMPORT("lunatic::sqlite", "sqlite3_changes")
int32_t lunatic_sqlite_changes(uint64_t connection);
/** Resets the statement to run again (bindings stay); traps on failure. */
LUNATIC_IMPORT("lunatic::sqlite", "statement_reset")
void lunatic_sqlite_statement_reset(uint64_t statement);
/** Returns a result buffer holding the connection's last error (bincode, see above). */
LUNATIC_IMPORT("lunatic::sqlite", "last_error")
uint8_t* lunatic_sqlite_last_error(uint64_t connection, uint64_t* len);
/** Finalises the statement; its id is gone. */
LUNATIC_IMPORT("lunatic::sqlite", "sqlite3_finalize")
void lunatic_sqlite_finalize(uint64_t statement);
/** Runs the statement to its next row: LUNATIC_SQLITE_ROW or LUNATIC_SQLITE_DONE; any
    error traps. */
LUNATIC_IMPORT("lunatic::sqlite", "sqlite3_step")
int32_t lunatic_sqlite_step(uint64_t statement);
/** Returns a result buffer holding column `column` of the current row (bincode). Traps
    without a current row or for a column out of range. */
LUNATIC_IMPORT("lunatic::sqlite", "read_column")
uint8_t* lunatic_sqlite_read_column(uint64_t statement, int32_t column, uint64_t* len);
/** Returns a result buffer holding the names of the result columns (bincode). */
LUNATIC_IMPORT("lunatic::sqlite", "column_names")
uint8_t* lunatic_sqlite_column_names(uint64_t statement, uint64_t* len);
/** Returns a result buffer holding the current row (bincode). Traps without one. */
LUNATIC_IMPORT("lunatic::sqlite", "read_row")
uint8_t* lunatic_sqlite_read_row(uint64_t statement, uint64_t* len);
/** Returns the number of result columns. */
LUNATIC_IMPORT("lunatic::sqlite", "column_count")
int32_t lunatic_sqlite_column_count(uint64_t statement);
/** Returns a result buffer holding the raw UTF-8 bytes of one column name (no bincode).
    Traps for a column out of range. */
LUNATIC_IMPORT("lunatic::sqlite", "column_name")
uint8_t* lunatic_sqlite_column_name(uint64_t statement, int32_t column, uint64_t* len);

/* ---------------------------------------------------------------------------
 * lunatic::metrics (6 functions)
 *
 * Metrics by name (UTF-8; no labels). Tycho records them only when run with
 * --metrics, which serves them to Prometheus; otherwise the calls do nothing.
 * An invalid or out-of-bounds name traps either way.
 * ------------------------------------------------------------------------- */

/** Adds value (as unsigned) to the counter: despite the name, it does not set it. */
LUNATIC_IMPORT("lunatic::metrics", "counter")
void lunatic_metrics_counter(const char* name, uint32_t name_len, uint64_t value);
/** Adds 1 to the counter. */
LUNATIC_IMPORT("lunatic::metrics", "increment_counter")
void lunatic_metrics_increment_counter(const char* name, uint32_t name_len);
/** Sets the gauge. */
LUNATIC_IMPORT("lunatic::metrics", "gauge")
void lunatic_metrics_gauge(const char* name, uint32_t name_len, double value);
/** Adds value to the gauge. */
LUNATIC_IMPORT("lunatic::metrics", "increment_gauge")
void lunatic_metrics_increment_gauge(const char* name, uint32_t name_len, double value);
/** Subtracts value from the gauge. */
LUNATIC_IMPORT("lunatic::metrics", "decrement_gauge")
void lunatic_metrics_decrement_gauge(const char* name, uint32_t name_len, double value);
/** Records one sample in the histogram. */
LUNATIC_IMPORT("lunatic::metrics", "histogram")
void lunatic_metrics_histogram(const char* name, uint32_t name_len, double value);

#undef LUNATIC_IMPORT

/* ---------------------------------------------------------------------------
 * Conveniences
 * ------------------------------------------------------------------------- */

/** Writes a 17-byte parameter record (sign-extended to 128 bits, as the Rust library does). */
static inline void lunatic_param_record(uint8_t rec[LUNATIC_PARAM_SIZE], uint8_t type,
                                        int64_t value) {
    rec[0] = type;
    for (int i = 0; i < 8; i++)
        rec[1 + i] = (uint8_t)((uint64_t)value >> (8 * i));
    for (int i = 9; i < LUNATIC_PARAM_SIZE; i++)
        rec[i] = value < 0 ? 0xFF : 0x00;
}

/** Writes an i32 parameter record; returns rec + 17 so calls can be chained. */
static inline uint8_t* lunatic_param_i32(uint8_t rec[LUNATIC_PARAM_SIZE], int32_t value) {
    lunatic_param_record(rec, LUNATIC_PARAM_I32, value);
    return rec + LUNATIC_PARAM_SIZE;
}

/** Writes an i64 parameter record; returns rec + 17 so calls can be chained. */
static inline uint8_t* lunatic_param_i64(uint8_t rec[LUNATIC_PARAM_SIZE], int64_t value) {
    lunatic_param_record(rec, LUNATIC_PARAM_I64, value);
    return rec + LUNATIC_PARAM_SIZE;
}

/**
 * Spawns the exported function `entry` of the caller's own module with the caller's
 * config and `nparams` records at `params`. Returns the spawn status (0: pid at *id,
 * 1: error id at *id).
 */
static inline int32_t lunatic_spawn_simple(int64_t link, const char* entry, const void* params,
                                           uint32_t nparams, uint64_t* id) {
    return lunatic_process_spawn(link, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, entry,
                                 (uint32_t)__builtin_strlen(entry), params,
                                 nparams * LUNATIC_PARAM_SIZE, id);
}

/** Receives the oldest message of any kind; returns 0, 1, 2 or LUNATIC_TIMEOUT. */
static inline int32_t lunatic_receive_any(int64_t timeout_ms) {
    return lunatic_message_receive((const int64_t*)0, 0, timeout_ms);
}

/** Receives the oldest message tagged `tag` (non-zero); returns 0, 1 or LUNATIC_TIMEOUT. */
static inline int32_t lunatic_receive_tag(int64_t tag, int64_t timeout_ms) {
    return lunatic_message_receive(&tag, 1, timeout_ms);
}

/** Sends `len` bytes as a new data message tagged `tag` to `pid`; returns 0. */
static inline int32_t lunatic_send_bytes(uint64_t pid, int64_t tag, const void* data,
                                         uint32_t len) {
    lunatic_message_create_data(tag, len);
    lunatic_message_write_data(data, len);
    return lunatic_message_send(pid);
}

/** Registry helpers taking NUL-terminated names. */
static inline void lunatic_registry_put_str(const char* name, uint64_t node_id, uint64_t pid) {
    lunatic_registry_put(name, (uint32_t)__builtin_strlen(name), node_id, pid);
}
static inline int32_t lunatic_registry_get_str(const char* name, uint64_t* node_id, uint64_t* pid) {
    return lunatic_registry_get(name, (uint32_t)__builtin_strlen(name), node_id, pid);
}
static inline void lunatic_registry_remove_str(const char* name) {
    lunatic_registry_remove(name, (uint32_t)__builtin_strlen(name));
}

/**
 * Defines the lunatic_alloc export that result buffers need, with malloc (include
 * <stdlib.h>); it traps when malloc fails. Use it once per program, at file scope.
 */
#define LUNATIC_DEFINE_ALLOC                                                                       \
    __attribute__((export_name("lunatic_alloc"))) int32_t lunatic_alloc(int32_t size) {            \
        void* buffer = malloc(size ? (size_t)(uint32_t)size : 1);                                  \
        if (!buffer) __builtin_trap();                                                             \
        return (int32_t)(uintptr_t)buffer;                                                         \
    }

/**
 * Reads a bincode string (u64 LE length, then the bytes) at *at of the len-byte buffer
 * buf: sets *text and *text_len, advances *at and returns 1; returns 0 when it does not
 * fit.
 */
static inline int lunatic_bincode_string(const uint8_t* buf, uint64_t len, uint64_t* at,
                                         const char** text, uint64_t* text_len) {
    if (len < 8 || *at > len - 8) return 0;
    uint64_t n = 0;
    for (unsigned i = 0; i < 8; i++)
        n |= (uint64_t)buf[*at + i] << (8 * i);
    if (n > len - *at - 8) return 0;
    *text = (const char*)buf + *at + 8;
    *text_len = n;
    *at += 8 + n;
    return 1;
}

#ifdef __cplusplus
}
#endif

#endif /* LUNATIC_H */
