/* wasi-libc has no <pwd.h>: WASI has no users. SQLite's shell looks up the user's home
   directory (for ~/.sqliterc and the history file) with getpwuid(getuid()) before it tries
   $HOME; here there is no such entry. (The tests name an -init file instead.) */
#ifndef WASI_COMPAT_PWD_H
#define WASI_COMPAT_PWD_H
#include <sys/types.h>

struct passwd {
    char* pw_name;
    char* pw_dir;
};

static inline uid_t getuid(void) {
    return 0;
}

static inline struct passwd* getpwuid(uid_t uid) {
    (void)uid;
    return 0;
}
#endif
