/* The root links to a child that crashes: the child's crash is reported, and the root,
   killed by the link, dies too (exit status 1). */
#include <lunatic.h>
#include <stdio.h>

__attribute__((export_name("crash"))) void crash(void) {
    __builtin_trap();
}

int main(void) {
    uint64_t child = 0;
    if (lunatic_spawn_simple(7, "crash", NULL, 0, &child) != 0) return 2;
    lunatic_receive_any(10000); /* the link's failure ends this wait */
    fprintf(stderr, "link_crash: the root survived its linked child's crash\n");
    return 2;
}
