/*
 * tycho/process.h - spawning C functions as processes; links, monitors and kill; the
 * registry; process configs and permissions.
 *
 * A process started by tycho_spawn runs `void entry(const void* arg, uint32_t len)` in a
 * fresh instance of the same module, with its own memory. The argument bytes are copied:
 * pointers in them mean nothing in the new process. Under the hood the SDK spawns its
 * exported trampoline `tycho_spawn_entry` with the function's table index, and sends the
 * argument as the child's first message, under an SDK tag the child waits for.
 */
#ifndef TYCHO_PROCESS_H
#define TYCHO_PROCESS_H

#include <tycho/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The function a spawned process runs. `arg` is freed when it returns. */
typedef void (*tycho_entry)(const void* arg, uint32_t len);

/* The name the SDK exports its spawn trampoline under. */
#define TYCHO_INTERNAL_TRAMPOLINE "tycho_spawn_entry"

/** How often a spawned process waiting for its argument checks that its parent still
 *  exists (milliseconds). */
#define TYCHO_SPAWN_LIVENESS_MS 100

/** The SDK's spawn trampoline; the runtime calls it in a new process. `parent` is the
 *  spawning process: if it ends without sending the argument, the child ends too, instead
 *  of waiting forever. */
__attribute__((weak, export_name(TYCHO_INTERNAL_TRAMPOLINE))) void
tycho_spawn_entry(int32_t function, int64_t parent) {
    tycho_message message;
    while (tycho_receive_tag(TYCHO_TAG_SPAWN_ARGUMENT, TYCHO_SPAWN_LIVENESS_MS, &message) !=
           TYCHO_OK) {
        if (lunatic_process_exists((uint64_t)parent)) continue;
        /* The argument may have been sent just before the parent ended. */
        if (tycho_receive_tag(TYCHO_TAG_SPAWN_ARGUMENT, 0, &message) == TYCHO_OK) break;
        return;
    }
    void* arg = malloc(message.size ? message.size : 1);
    if (arg == NULL) tycho_panic("no memory for a spawn argument of %u bytes", message.size);
    tycho_read(arg, message.size);
    /* On wasm32 a function pointer is its index in the module's table, which every
       instance of the module shares. A mismatched signature traps in call_indirect. */
    tycho_entry entry = (tycho_entry)(uintptr_t)(uint32_t)function;
    entry(arg, message.size);
    free(arg);
}

TYCHO_WEAK tycho_pid tycho_internal_self;

/** The caller's own process id. */
static inline tycho_pid tycho_self(void) {
    /* Asked once per process: each process has its own copy of this global. */
    if (tycho_internal_self == 0) tycho_internal_self = lunatic_process_process_id();
    return tycho_internal_self;
}

/** Config id meaning "the caller's own config". */
#define TYCHO_SELF_CONFIG LUNATIC_SELF_CONFIG

typedef struct tycho_spawn_options {
    /** TYCHO_SELF_CONFIG, or a config made with tycho_config_create. */
    int64_t config;
    /** Link with the child. Its failure then kills the caller, or, after
     *  tycho_trap_link_deaths(0), arrives as a TYCHO_LINK_DIED message tagged with the link
     *  tag the spawn returns. The link exists before the child runs, so none is missed. */
    int link;
    /** Monitor the child: when it ends, normally or not, a TYCHO_PROCESS_DIED message with
     *  its id arrives. The monitor is in place before the child runs. */
    int monitor;
} tycho_spawn_options;

static inline int tycho_internal_spawn_status(int32_t status, uint64_t id) {
    return status == 0 ? TYCHO_OK : tycho_take_error(id);
}

/* The trampoline's parameters: the function's table index and the parent's id. */
static inline void tycho_internal_spawn_params(uint8_t params[2 * LUNATIC_PARAM_SIZE],
                                               tycho_entry entry) {
    lunatic_param_i64(lunatic_param_i32(params, (int32_t)(uint32_t)(uintptr_t)entry),
                      (int64_t)tycho_self());
}

static const tycho_spawn_options tycho_internal_default_spawn_options = {TYCHO_SELF_CONFIG, 0, 0};

/**
 * Spawns `entry` with `options` (NULL: the caller's config, no link, no monitor), but the
 * child waits: it runs `entry` only once tycho_start_child gives it its argument. This
 * lets the caller register or record the child before it can do anything. Sets *child,
 * and *link_tag when linking (either may be NULL). Returns TYCHO_OK, or TYCHO_FAILED when
 * the child could not start (tycho_last_error() says why, e.g. its memory limit). A
 * process whose config does not allow spawning traps here, as in Lunatic.
 */
static inline int tycho_spawn_waiting(tycho_entry entry, const tycho_spawn_options* options,
                                      tycho_pid* child, int64_t* link_tag) {
    if (options == NULL) options = &tycho_internal_default_spawn_options;
    int64_t tag = options->link ? tycho_fresh_link_tag() : 0;
    uint8_t params[2 * LUNATIC_PARAM_SIZE];
    tycho_internal_spawn_params(params, entry);
    uint64_t id = 0;
    int32_t status =
        lunatic_process_spawn(tag, options->config, LUNATIC_SELF_MODULE, TYCHO_INTERNAL_TRAMPOLINE,
                              sizeof TYCHO_INTERNAL_TRAMPOLINE - 1, params, sizeof params, &id);
    int result = tycho_internal_spawn_status(status, id);
    if (result != TYCHO_OK) return result;
    if (child) *child = id;
    if (link_tag) *link_tag = tag;
    return TYCHO_OK;
}

/** Lets a child spawned with tycho_spawn_waiting run, with arg[0..len) as its argument;
 *  monitors it first if options->monitor is set. */
static inline void tycho_start_child(tycho_pid child, const tycho_spawn_options* options,
                                     const void* arg, uint32_t len) {
    /* The monitor signal goes out before the argument, and the child does nothing before it
       has its argument, so the monitor is set while the child is surely alive. */
    if (options && options->monitor) lunatic_process_monitor(child);
    tycho_send(child, TYCHO_TAG_SPAWN_ARGUMENT, arg, len);
}

/**
 * Spawns `entry(arg, len)` as a new process with `options` (NULL: the caller's config, no
 * link, no monitor). Sets *child, and *link_tag when linking (either may be NULL).
 * Returns TYCHO_OK, or TYCHO_FAILED when the child could not start (tycho_last_error()
 * says why, e.g. its memory limit). A process whose config does not allow spawning traps
 * here, as in Lunatic.
 */
static inline int tycho_spawn_with(tycho_entry entry, const void* arg, uint32_t len,
                                   const tycho_spawn_options* options, tycho_pid* child,
                                   int64_t* link_tag) {
    tycho_pid id = 0;
    int status = tycho_spawn_waiting(entry, options, &id, link_tag);
    if (status != TYCHO_OK) return status;
    tycho_start_child(id, options, arg, len);
    if (child) *child = id;
    return TYCHO_OK;
}

/** Spawns `entry(arg, len)`, not linked. */
static inline int tycho_spawn(tycho_entry entry, const void* arg, uint32_t len, tycho_pid* child) {
    return tycho_spawn_with(entry, arg, len, NULL, child, NULL);
}

/** Spawns `entry(arg, len)` linked to the caller; *link_tag (may be NULL) names the link. */
static inline int tycho_spawn_link(tycho_entry entry, const void* arg, uint32_t len,
                                   tycho_pid* child, int64_t* link_tag) {
    tycho_spawn_options options = {TYCHO_SELF_CONFIG, 1, 0};
    return tycho_spawn_with(entry, arg, len, &options, child, link_tag);
}

/**
 * Returns the process registered as `name`, or spawns `entry(arg, len)` and registers it
 * under `name`, atomically: two processes racing here get the same process. Sets *pid.
 * Returns TYCHO_OK or TYCHO_FAILED.
 */
static inline int tycho_whereis_or_spawn(const char* name, tycho_entry entry, const void* arg,
                                         uint32_t len, tycho_pid* pid) {
    uint8_t params[2 * LUNATIC_PARAM_SIZE];
    tycho_internal_spawn_params(params, entry);
    uint64_t node = 0, id = 0;
    int32_t status = lunatic_process_get_or_spawn(
        name, (uint32_t)strlen(name), 0, TYCHO_SELF_CONFIG, LUNATIC_SELF_MODULE,
        TYCHO_INTERNAL_TRAMPOLINE, sizeof TYCHO_INTERNAL_TRAMPOLINE - 1, params, sizeof params,
        &node, &id);
    if (status == 2) {
        *pid = id;
        return TYCHO_OK;
    }
    int result = tycho_internal_spawn_status(status, id);
    if (result != TYCHO_OK) return result;
    tycho_start_child(id, NULL, arg, len);
    *pid = id;
    return TYCHO_OK;
}

/** Links the caller with `pid` under a fresh link tag, returned. If `pid` does not exist,
 *  that counts as its failure. */
static inline int64_t tycho_link(tycho_pid pid) {
    int64_t tag = tycho_fresh_link_tag();
    lunatic_process_link(tag, pid);
    return tag;
}
/** Removes the link with `pid` on both sides. */
static inline void tycho_unlink(tycho_pid pid) {
    lunatic_process_unlink(pid);
}
/** Asks for a TYCHO_PROCESS_DIED message when `pid` ends (nothing if it is already gone). */
static inline void tycho_monitor(tycho_pid pid) {
    lunatic_process_monitor(pid);
}
static inline void tycho_demonitor(tycho_pid pid) {
    lunatic_process_stop_monitoring(pid);
}
/** Kills `pid`: it ends as failed, so its links and monitors hear of it. */
static inline void tycho_kill(tycho_pid pid) {
    lunatic_process_kill(pid);
}
/** 1 while `pid` is alive, else 0. */
static inline int tycho_alive(tycho_pid pid) {
    return lunatic_process_exists(pid);
}
/** on (the default): a linked process's failure kills the caller too. off: it arrives as
 *  a TYCHO_LINK_DIED message, which is what a supervisor wants. */
static inline void tycho_trap_link_deaths(int on) {
    lunatic_process_die_when_link_dies(on);
}

/* ---------------------------------------------------------------------------------------
 * The registry: names for processes, shared by every process of the runtime.
 * ------------------------------------------------------------------------------------- */

/** Registers `pid` as `name`, replacing what the name pointed to. */
static inline void tycho_register(const char* name, tycho_pid pid) {
    lunatic_registry_put(name, (uint32_t)strlen(name), lunatic_distributed_node_id(), pid);
}
/** Removes `name`. */
static inline void tycho_unregister(const char* name) {
    lunatic_registry_remove(name, (uint32_t)strlen(name));
}
/** Sets *pid to the live process registered as `name`; TYCHO_NO_PROCESS when the name is
 *  unknown or its process has ended. */
static inline int tycho_whereis(const char* name, tycho_pid* pid) {
    uint64_t node = 0, id = 0;
    if (lunatic_registry_get(name, (uint32_t)strlen(name), &node, &id) != 0 ||
        !lunatic_process_exists(id))
        return TYCHO_NO_PROCESS;
    *pid = id;
    return TYCHO_OK;
}

/* ---------------------------------------------------------------------------------------
 * Configs: the limits and permissions of the processes spawned with them. A new config
 * allows nothing (no spawning, no configs, no compiling) until the setters grant it.
 * ------------------------------------------------------------------------------------- */

/** Sets *config to a new config; TYCHO_DENIED if the caller may not create configs. */
static inline int tycho_config_create(int64_t* config) {
    int64_t id = lunatic_process_create_config();
    if (id < 0) {
        tycho_set_error("this process may not create configs");
        return TYCHO_DENIED;
    }
    *config = id;
    return TYCHO_OK;
}
static inline void tycho_config_drop(int64_t config) {
    lunatic_process_drop_config(config);
}
/** Caps the memory of each process spawned with the config. */
static inline void tycho_config_set_max_memory(int64_t config, uint64_t bytes) {
    lunatic_process_config_set_max_memory(config, bytes);
}
/** Caps the instructions a process may run, in units of 100,000 (0: no cap). */
static inline void tycho_config_set_max_fuel(int64_t config, uint64_t units) {
    lunatic_process_config_set_max_fuel(config, units);
}
static inline void tycho_config_allow_spawn(int64_t config, int allowed) {
    lunatic_process_config_set_can_spawn_processes(config, allowed);
}
static inline void tycho_config_allow_configs(int64_t config, int allowed) {
    lunatic_process_config_set_can_create_configs(config, allowed);
}
static inline void tycho_config_allow_compile(int64_t config, int allowed) {
    lunatic_process_config_set_can_compile_modules(config, allowed);
}
static inline void tycho_config_add_env(int64_t config, const char* key, const char* value) {
    lunatic_wasi_config_add_environment_variable(config, key, (uint32_t)strlen(key), value,
                                                 (uint32_t)strlen(value));
}
static inline void tycho_config_add_arg(int64_t config, const char* argument) {
    lunatic_wasi_config_add_command_line_argument(config, argument, (uint32_t)strlen(argument));
}
static inline void tycho_config_preopen_dir(int64_t config, const char* dir) {
    lunatic_wasi_config_preopen_dir(config, dir, (uint32_t)strlen(dir));
}

#ifdef __cplusplus
}
#endif

#endif /* TYCHO_PROCESS_H */
