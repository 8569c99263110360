/* Checks for the SDK's test guests: a failed check fails the process with where and why. */
#ifndef TYCHO_SDK_TEST_CHECK_H
#define TYCHO_SDK_TEST_CHECK_H

#include <tycho/tycho.h>

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition)) tycho_panic("%s:%d: check failed: %s", __FILE__, __LINE__, #condition);  \
    } while (0)
#define CHECK_STATUS(expected, status)                                                             \
    do {                                                                                           \
        int got_ = (status);                                                                       \
        if (got_ != (expected))                                                                    \
            tycho_panic("%s:%d: %s gave '%s', expected '%s'", __FILE__, __LINE__, #status,         \
                        tycho_status_text(got_), tycho_status_text(expected));                     \
    } while (0)

#endif
