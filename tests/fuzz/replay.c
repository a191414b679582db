/* SPDX-License-Identifier: MIT */
/*
 * Run a fuzz target's LLVMFuzzerTestOneInput() over files, without libFuzzer, so
 * every seed and every saved reproducer in tests/fuzz/corpus/<target>/ is a
 * regression test in every build (gcc too). Arguments are files or directories
 * (read one level deep, in name order). A failed property aborts the process, so
 * meson reports the test failed; on success it prints how many inputs ran.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read a whole file into an exact-size heap block (so ASan builds catch over-reads). */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long len;

    if (!f) {
        perror(path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        perror(path);
        fclose(f);
        return -1;
    }
    if (len > 0) {
        buf = malloc((size_t)len);
        if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
            fprintf(stderr, "%s: read failed\n", path);
            free(buf);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    fprintf(stderr, "replay %s (%ld bytes)\n", path, len);
    (void)LLVMFuzzerTestOneInput(buf, (size_t)len);
    free(buf);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned long *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int bad = 0;

    if (!d) {
        perror(dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!nn) {
                bad = -1;
                break;
            }
            names = nn;
        }
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (!names[n]) {
            bad = -1;
            break;
        }
        sprintf(names[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (i = 0; i < n; i++) {
        struct stat sb;
        if (bad == 0 && stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (run_file(names[i]) != 0)
                bad = -1;
            else
                (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(sb.st_mode)) {
            if (run_dir(argv[i], &count) != 0)
                return 1;
        } else {
            if (run_file(argv[i]) != 0)
                return 1;
            count++;
        }
    }
    if (count == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    printf("%lu inputs replayed, all properties held\n", count);
    return 0;
}
