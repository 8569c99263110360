/*
 * file_type.h - the WASI file type of a descriptor, by name.
 */
#ifndef TYCHO_WASI_FILE_TYPE_H
#define TYCHO_WASI_FILE_TYPE_H

#include <wasi/api.h>

#include "wasi_test.h"

/* The name of fd's file type as fd_fdstat_get reports it, or its errno. */
static inline const char* file_type_of(int fd) {
    __wasi_fdstat_t st;
    __wasi_errno_t e = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &st);
    if (e != 0) return errno_name(e);
    switch (st.fs_filetype) {
    case __WASI_FILETYPE_UNKNOWN: return "unknown";
    case __WASI_FILETYPE_BLOCK_DEVICE: return "block_device";
    case __WASI_FILETYPE_CHARACTER_DEVICE: return "character_device";
    case __WASI_FILETYPE_DIRECTORY: return "directory";
    case __WASI_FILETYPE_REGULAR_FILE: return "regular_file";
    case __WASI_FILETYPE_SOCKET_DGRAM: return "socket_dgram";
    case __WASI_FILETYPE_SOCKET_STREAM: return "socket_stream";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symbolic_link";
    default: return "invalid";
    }
}

#endif
