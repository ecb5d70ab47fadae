/* An NBD server that keeps nothing, for bench/runtime.py: the most any NBD server can give a
 * guest under the same QEMU, on this machine.
 *
 * It serves one 1 GiB export on a Unix socket. Writes are read off the socket and dropped;
 * reads answer from one static buffer; flushes succeed at once. Its socket holds 4 MiB of
 * replies, as Kiln's does. One connection at a time, one request at a time.
 *
 * Usage: nbd_ceiling SOCKET_PATH */
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

enum { OPTION_EXPORT_NAME = 1, OPTION_INFO = 6, OPTION_GO = 7, REPLY_ACK = 1, REPLY_INFO = 3 };
enum { COMMAND_READ = 0, COMMAND_WRITE = 1, COMMAND_DISCONNECT = 2 };
static const uint32_t REPLY_UNSUPPORTED = 0x80000001u;
static const uint64_t EXPORT_SIZE = 1ULL << 30;
static const uint16_t TRANSMISSION_FLAGS = 1 | 4 | 8; /* has flags, sends flush, sends FUA */
static char payload[32 << 20];                       /* the largest request NBD allows */

static int read_all(int fd, void *bytes, size_t count) {
    for (char *at = bytes; count > 0;) {
        ssize_t done = read(fd, at, count);
        if (done <= 0) return -1;
        at += done;
        count -= (size_t)done;
    }
    return 0;
}

static int write_vectors(int fd, struct iovec *vectors, int count) {
    while (count > 0) {
        ssize_t done = writev(fd, vectors, count);
        if (done < 0) return -1;
        while (count > 0 && (size_t)done >= vectors->iov_len) { done -= vectors->iov_len; vectors++; count--; }
        if (count > 0) { vectors->iov_base = (char *)vectors->iov_base + done; vectors->iov_len -= done; }
    }
    return 0;
}

static int write_all(int fd, const void *bytes, size_t count) {
    struct iovec vector = {(void *)bytes, count};
    return write_vectors(fd, &vector, 1);
}

static int option_reply(int fd, uint32_t option, uint32_t type, const void *data, uint32_t length) {
    uint64_t magic = htobe64(0x3e889045565a9ULL);
    uint32_t fields[3] = {htobe32(option), htobe32(type), htobe32(length)};
    struct iovec vectors[3] = {{&magic, 8}, {fields, 12}, {(void *)data, length}};
    return write_vectors(fd, vectors, length ? 3 : 2);
}

/* The fixed-newstyle handshake: 0 once transmission starts. */
static int handshake(int fd) {
    uint32_t client_flags;
    if (write_all(fd, "NBDMAGICIHAVEOPT\x00\x03", 18) || read_all(fd, &client_flags, 4)) return -1;
    for (;;) {
        unsigned char header[16];
        if (read_all(fd, header, 16)) return -1;
        uint32_t option, length;
        memcpy(&option, header + 8, 4);
        memcpy(&length, header + 12, 4);
        option = be32toh(option);
        length = be32toh(length);
        if (length > sizeof payload || read_all(fd, payload, length)) return -1;
        uint64_t size = htobe64(EXPORT_SIZE);
        uint16_t flags = htobe16(TRANSMISSION_FLAGS);
        if (option == OPTION_EXPORT_NAME) {
            return write_all(fd, &size, 8) || write_all(fd, &flags, 2) ? -1 : 0;
        }
        if (option == OPTION_INFO || option == OPTION_GO) {
            unsigned char info[12] = {0, 0};
            memcpy(info + 2, &size, 8);
            memcpy(info + 10, &flags, 2);
            if (option_reply(fd, option, REPLY_INFO, info, 12) || option_reply(fd, option, REPLY_ACK, NULL, 0)) return -1;
            if (option == OPTION_GO) return 0;
            continue;
        }
        if (option_reply(fd, option, REPLY_UNSUPPORTED, NULL, 0)) return -1;
    }
}

/* Answers requests until the client disconnects or goes away. */
static void transmission(int fd) {
    for (;;) {
        unsigned char request[28];
        if (read_all(fd, request, 28)) return;
        uint16_t command;
        uint32_t length;
        memcpy(&command, request + 6, 2);
        memcpy(&length, request + 24, 4);
        command = be16toh(command);
        length = be32toh(length);
        if (command == COMMAND_DISCONNECT || length > sizeof payload) return;
        if (command == COMMAND_WRITE && read_all(fd, payload, length)) return;
        unsigned char reply[16] = {0x67, 0x44, 0x66, 0x98, 0, 0, 0, 0};
        memcpy(reply + 8, request + 8, 8); /* the client's handle */
        struct iovec vectors[2] = {{reply, 16}, {payload, length}};
        if (write_vectors(fd, vectors, command == COMMAND_READ ? 2 : 1)) return;
    }
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: nbd_ceiling SOCKET_PATH\n"); return 2; }
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof address.sun_path) { fprintf(stderr, "socket path too long\n"); return 2; }
    strcpy(address.sun_path, argv[1]);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(argv[1]);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4)) { perror("listen"); return 1; }
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        int send_buffer = 4 << 20;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
        if (handshake(fd) == 0) transmission(fd);
        close(fd);
    }
}
