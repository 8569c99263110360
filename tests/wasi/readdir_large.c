/*
 * readdir_large.c - listing a directory of 2,000 files: opendir/readdir sees every name
 * exactly once (and nothing else but "." and ".."), rewinddir starts over and sees them all
 * again, and seekdir to a cookie from telldir resumes at the same entry, also after the
 * listing went past it. Then every file is removed and the directory with it.
 * Run with the scratch directory preopened as /sandbox.
 */
#include <dirent.h>

#include "wasi_test.h"

#define FILES 2000

static unsigned char seen[FILES];

/* Reads the rest of the listing; returns how many of our files it held, counting those
   seen twice and foreign names in *odd. */
static int read_listing(DIR* dir, int* odd) {
    int count = 0;
    struct dirent* entry;
    while ((errno = 0, entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        int index = -1;
        if (sscanf(entry->d_name, "file-%d", &index) != 1 || index < 0 || index >= FILES ||
            seen[index]++ != 0 || entry->d_type != DT_REG) {
            (*odd)++;
            continue;
        }
        count++;
    }
    CHECK(errno == 0);
    return count;
}

int main(void) {
    CHECK(chdir("/sandbox") == 0);
    CHECK(mkdir("big", 0755) == 0);
    char name[64];
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof name, "big/file-%d", i);
        CHECK(write_file(name, "") == 0);
    }

    DIR* dir = opendir("big");
    CHECK(dir != NULL);
    int odd = 0;
    printf("first listing: %d files, each once; %d odd entries\n", read_listing(dir, &odd), odd);

    rewinddir(dir);
    memset(seen, 0, sizeof seen);
    odd = 0;
    printf("after rewinddir: %d files, each once; %d odd entries\n", read_listing(dir, &odd), odd);

    /* telldir after 1,000 entries; seekdir back to it after reading to the end and after
       a rewind. */
    rewinddir(dir);
    for (int i = 0; i < 1000; i++)
        CHECK(readdir(dir) != NULL);
    long cookie = telldir(dir);
    struct dirent* entry = readdir(dir);
    CHECK(entry != NULL);
    char at_cookie[256];
    snprintf(at_cookie, sizeof at_cookie, "%s", entry->d_name);
    while (readdir(dir) != NULL) {
    }
    seekdir(dir, cookie);
    entry = readdir(dir);
    printf("seekdir after the end: %s\n",
           entry && strcmp(entry->d_name, at_cookie) == 0 ? "same entry" : "another entry");
    rewinddir(dir);
    seekdir(dir, cookie);
    entry = readdir(dir);
    printf("seekdir after rewinddir: %s\n",
           entry && strcmp(entry->d_name, at_cookie) == 0 ? "same entry" : "another entry");
    CHECK(closedir(dir) == 0);

    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof name, "big/file-%d", i);
        CHECK(unlink(name) == 0);
    }
    dir = opendir("big");
    CHECK(dir != NULL);
    memset(seen, 0, sizeof seen);
    odd = 0;
    printf("after removing them: %d files, %d odd entries\n", read_listing(dir, &odd), odd);
    CHECK(closedir(dir) == 0);
    report("rmdir big", rmdir("big"));
    return 0;
}
