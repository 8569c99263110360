/*
 * The SDK's headers in two translation units of one program (compiled with
 * two_units_other.c): the weak definitions merge, so both units share the spawn trampoline
 * and one reply-tag counter, and a function of one unit can be spawned from the other.
 */
#include <tycho/tycho.h>

int64_t fresh_tag_from_other_unit(void);
void reply_from_other_unit(const void* arg, uint32_t len);

int main(void) {
    int64_t here = tycho_fresh_reply_tag();
    int64_t there = fresh_tag_from_other_unit();
    int64_t here_again = tycho_fresh_reply_tag();
    if (there != here + 1 || here_again != there + 1)
        tycho_panic("reply tags are not shared: %lld %lld %lld", (long long)here, (long long)there,
                    (long long)here_again);
    tycho_pid self = tycho_self(), child = 0;
    if (tycho_spawn(reply_from_other_unit, &self, sizeof self, &child) != TYCHO_OK)
        tycho_panic("spawn: %s", tycho_last_error());
    char text[32] = {0};
    uint32_t size = 0;
    if (tycho_receive_into(1, text, sizeof text - 1, &size, 10000) != TYCHO_OK)
        tycho_panic("no reply from the other unit's function");
    printf("%s\n", text);
    printf("ok\n");
    return 0;
}
