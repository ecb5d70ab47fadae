/* Disk benchmark run inside a benchmark guest (bench/runtime.py): sequential write, sequential
 * read (both 1 MiB requests, O_DIRECT) and 4 KiB random writes (O_DIRECT, then one fsync) on a
 * block device. Prints one line: KILN-BENCH seq_write_mibps=… seq_read_mibps=… randwrite_iops=… */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: guest_io DEVICE SEQ_MIB RANDOM_WRITES\n"); return 2; }
    long seq_mib = atol(argv[2]), writes = atol(argv[3]);
    int fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0) { perror("open"); return 1; }
    char *buffer;
    if (posix_memalign((void **)&buffer, 4096, 1 << 20)) return 1;
    unsigned long long state = 88172645463325252ULL;
    for (int i = 0; i < (1 << 20); i += 8) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; memcpy(buffer + i, &state, 8); }
    double start = now();
    for (long i = 0; i < seq_mib; i++) {
        buffer[0] = (char)i;
        if (pwrite(fd, buffer, 1 << 20, i << 20) != (1 << 20)) { perror("write"); return 1; }
    }
    fsync(fd);
    double seq_write = seq_mib / (now() - start);
    start = now();
    for (long i = 0; i < seq_mib; i++) {
        if (pread(fd, buffer, 1 << 20, i << 20) != (1 << 20)) { perror("read"); return 1; }
    }
    double seq_read = seq_mib / (now() - start);
    start = now();
    for (long i = 0; i < writes; i++) {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
        off_t offset = (off_t)(state % (unsigned long long)(seq_mib * 256)) * 4096;
        buffer[0] = (char)i;
        if (pwrite(fd, buffer, 4096, offset) != 4096) { perror("random write"); return 1; }
    }
    fsync(fd);
    double iops = writes / (now() - start);
    printf("KILN-BENCH seq_write_mibps=%.1f seq_read_mibps=%.1f randwrite_iops=%.0f\n", seq_write, seq_read, iops);
    return 0;
}
