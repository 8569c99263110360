/* Passed to sqlite3.c and shell.c with -include for the wasm32-wasi build.
   - WASI has no advisory record locks: wasi-libc's fcntl() refuses F_GETLK and F_SETLK, and
     SQLite then fails every access to a database file with "disk I/O error". A Tycho process
     is alone with the files it opens, so here every lock is granted and no other holder is
     ever seen: what SQLite's "unix-none" VFS does. Other commands go to wasi-libc.
   - WASI has no permissions, owners or users: fchmod, fchown and chmod do nothing and
     succeed (wasi_permissions.h), geteuid says root (SQLite only asks so as to give a new
     journal the owner of its database).
   - getpagesize() is the granule of SQLite's shared-memory maps (WAL mode): Wasm's page. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/types.h>

#include "../wasi_permissions.h"

#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#endif

static inline int wasi_compat_fcntl(int fd, int command, ...) {
    va_list arguments;
    va_start(arguments, command);
    int result = 0;
    if (command == F_GETLK) {
        struct flock* lock = va_arg(arguments, struct flock*);
        lock->l_type = F_UNLCK;
    } else if (command != F_SETLK) {
        result = fcntl(fd, command, va_arg(arguments, int));
    }
    va_end(arguments);
    return result;
}
#define fcntl wasi_compat_fcntl

static inline uid_t geteuid(void) {
    return 0;
}

static inline int getpagesize(void) {
    return 65536;
}
