/* bc's config.h, written by hand in place of the one its configure script makes, for both
   builds: glibc and wasi-libc have everything configure would look for, and neither build
   uses readline or libedit. The strings are those of bc 1.07.1's configure.ac. */
#define PACKAGE "bc"
#define PACKAGE_NAME "bc"
#define PACKAGE_TARNAME "bc"
#define PACKAGE_VERSION "1.07.1"
#define PACKAGE_STRING "bc 1.07.1"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
#define VERSION "1.07.1"
#define DC_VERSION "1.4.1"
#define BC_COPYRIGHT                                                                               \
    "Copyright 1991-1994, 1997, 1998, 2000, 2004, 2006, 2008, 2012-2017 Free Software "            \
    "Foundation, Inc."
#define DC_COPYRIGHT                                                                               \
    "Copyright 1994, 1997, 1998, 2000, 2001, 2003-2006, 2008, 2010, 2012-2017 Free Software "      \
    "Foundation, Inc."

#define STDC_HEADERS 1
#define HAVE_ERRNO_H 1
#define HAVE_LIMITS_H 1
#define HAVE_STDARG_H 1
#define HAVE_STDDEF_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_UNISTD_H 1
#define HAVE_FSTAT 1
#define HAVE_ISGRAPH 1
#define HAVE_SETVBUF 1
#define HAVE_STRTOL 1
#define HAVE_VPRINTF 1

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
