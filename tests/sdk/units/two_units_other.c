/* The second translation unit of two_units_main.c. */
#include <tycho/tycho.h>

int64_t fresh_tag_from_other_unit(void);
void reply_from_other_unit(const void* arg, uint32_t len);

int64_t fresh_tag_from_other_unit(void) {
    return tycho_fresh_reply_tag();
}

void reply_from_other_unit(const void* arg, uint32_t len) {
    tycho_pid parent = 0;
    if (len != sizeof parent) tycho_panic("unexpected argument of %u bytes", len);
    memcpy(&parent, arg, sizeof parent);
    static const char text[] = "spawned across units";
    tycho_send(parent, 1, text, sizeof text - 1);
}
