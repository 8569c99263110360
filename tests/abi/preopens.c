/*
 * preopens.c - preopened directories of created configs (lunatic::wasi::config_preopen_dir).
 *
 * ABI: §11.1 (preopened directories: empty in a new config), §11.2 (a preopen that cannot
 * be opened makes the spawn call trap [quirk]), §11.4 (each directory is opened on the host,
 * relative paths relative to the runtime's working directory, and exposed to the guest
 * under the same string), §23 (config_preopen_dir is not checked when called).
 *
 * Expected behaviour checked here:
 *  - A child spawned with a new config has no preopens: fd_prestat_get(3) is EBADF.
 *  - With preopens "." and "..", the child sees fd 3 named "." and fd 4 named "..", both
 *    directories (fd_fdstat_get), and nothing at fd 5.
 *  - The child can open a directory through its preopen (path_open of "." under fd 3).
 *  - A preopen of a missing directory: config_preopen_dir accepts it, the spawn traps
 *    (in a linked child).
 *  - Tycho's sandbox rule: a config can only preopen directories inside those of the
 *    spawning process. The test runs with --dir . --dir .. (CMakeLists.txt), so "." and
 *    ".." may be granted; "/" may not: that spawn traps too.
 */
#include <wasi/api.h>

#include "check.h"

#define T_GO 120
#define T_REPORT 121

/* Reports, for fds 3, 4 and 5: errno of fd_prestat_get, name length, name (up to 8 bytes,
   zero padded), errno of fd_fdstat_get and the file type; then the errno of opening "."
   relative to fd 3 as a directory. */
ENTRY(e_preopen_report)(int64_t parent) {
    CHECK_EQ(lunatic_receive_tag(T_GO, WAIT_MS), LUNATIC_DATA_MESSAGE);
    lunatic_message_create_data(T_REPORT, 0);
    for (__wasi_fd_t fd = 3; fd <= 5; fd++) {
        __wasi_prestat_t ps;
        memset(&ps, 0, sizeof ps);
        uint64_t v[5] = {0, 0, 0, 0, 0};
        v[0] = __wasi_fd_prestat_get(fd, &ps);
        if (v[0] == 0) {
            v[1] = ps.u.dir.pr_name_len;
            if (v[1] <= 8)
                CHECK_EQ(__wasi_fd_prestat_dir_name(fd, (uint8_t*)&v[2], (__wasi_size_t)v[1]), 0);
        }
        __wasi_fdstat_t st;
        memset(&st, 0, sizeof st);
        v[3] = __wasi_fd_fdstat_get(fd, &st);
        v[4] = st.fs_filetype;
        lunatic_message_write_data(v, sizeof v);
    }
    __wasi_fd_t opened = 0;
    uint64_t e = __wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &opened);
    if (e == 0) CHECK_EQ(__wasi_fd_close(opened), 0);
    lunatic_message_write_data(&e, sizeof e);
    lunatic_message_send((uint64_t)parent);
}

ENTRY(t_preopen_missing)(int64_t parent) {
    static const char dir[] = "/nonexistent-dir-of-tycho-abi-tests";
    uint64_t id;
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_wasi_config_preopen_dir(c, dir, sizeof dir - 1); /* not checked yet */
    child_reached(parent);
    lunatic_process_spawn(0, c, LUNATIC_SELF_MODULE, "e_preopen_report", 16, 0, 0, &id);
    child_survived(parent);
}

ENTRY(t_preopen_outside)(int64_t parent) {
    uint64_t id;
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_wasi_config_preopen_dir(c, "/", 1);
    child_reached(parent);
    lunatic_process_spawn(0, c, LUNATIC_SELF_MODULE, "e_preopen_report", 16, 0, 0, &id);
    child_survived(parent);
}

static void expect_fd(__wasi_errno_t prestat, const char* name, __wasi_errno_t fdstat,
                      uint64_t filetype) {
    uint64_t want_name = 0;
    if (name) memcpy(&want_name, name, strlen(name));
    CHECK_EQ(READ_U64(), prestat);
    CHECK_EQ(READ_U64(), name ? strlen(name) : 0);
    CHECK_EQ(READ_U64(), want_name);
    uint64_t e = READ_U64();
    uint64_t type = READ_U64();
    CHECK_EQ(e, fdstat);
    if (fdstat == 0) CHECK_EQ(type, filetype);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    /* No preopens in a new config. */
    int64_t bare = lunatic_process_create_config();
    CHECK(bare >= 0);
    uint64_t child = SPAWN(HELPER_LINK, bare, "e_preopen_report", (int64_t)self_pid());
    SEND(child, T_GO, 0);
    EXPECT_MSG(T_REPORT);
    for (int fd = 3; fd <= 5; fd++)
        expect_fd(__WASI_ERRNO_BADF, NULL, __WASI_ERRNO_BADF, 0);
    CHECK(READ_U64() != 0); /* nothing to open "." under */

    /* "." and "..". */
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_wasi_config_preopen_dir(c, ".", 1);
    lunatic_wasi_config_preopen_dir(c, "..", 2);
    child = SPAWN(HELPER_LINK, c, "e_preopen_report", (int64_t)self_pid());
    SEND(child, T_GO, 0);
    EXPECT_MSG(T_REPORT);
    expect_fd(0, ".", 0, __WASI_FILETYPE_DIRECTORY);
    expect_fd(0, "..", 0, __WASI_FILETYPE_DIRECTORY);
    expect_fd(__WASI_ERRNO_BADF, NULL, __WASI_ERRNO_BADF, 0);
    CHECK_EQ(READ_U64(), 0); /* "." opened under fd 3 */

    EXPECT_TRAP("t_preopen_missing");
    EXPECT_TRAP("t_preopen_outside");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
