// SPDX-License-Identifier: BSD-3-Clause
//
// Gives a program on Linux the answers that macOS and the BSD kernels give
// where they differ from Linux, so that the code meant for them can be seen
// at work here. Loaded with LD_PRELOAD: its definitions come before the C
// library's, so every connect() and open() of the program (IPCSocket's
// included) passes here on its way to the real one.
//
//   connect() on AF_UNIX whose listener's queue is full: ECONNREFUSED, as
//       on macOS and the BSDs (Linux: EAGAIN);
//   open() with O_NOFOLLOW on a symbolic link: EMLINK, as on FreeBSD
//       (Linux and macOS: ELOOP).

#include <cerrno>
#include <cstdarg>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace {

template<typename Function>
Function next(const char *name)
{
    return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

// ELOOP is also the answer to too many links on the way, which the BSDs
// give as ELOOP too: only a link as the last part is EMLINK there.
int bsdOpenError(const char *path, int flags, int err)
{
    struct stat st;
    if (err == ELOOP && (flags & O_NOFOLLOW) && ::lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return EMLINK;
    return err;
}

mode_t modeOf(int flags, va_list arguments)
{
    return (flags & (O_CREAT | O_TMPFILE)) ? mode_t(va_arg(arguments, int)) : 0;
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) int connect(int fd, const sockaddr *address, socklen_t size)
{
    static const auto real = next<int (*)(int, const sockaddr *, socklen_t)>("connect");
    const int result = real(fd, address, size);
    if (result != 0 && errno == EAGAIN && address && address->sa_family == AF_UNIX)
        errno = ECONNREFUSED;
    return result;
}

__attribute__((visibility("default"))) int open(const char *path, int flags, ...)
{
    static const auto real = next<int (*)(const char *, int, ...)>("open");
    va_list arguments;
    va_start(arguments, flags);
    const mode_t mode = modeOf(flags, arguments);
    va_end(arguments);
    const int fd = real(path, flags, mode);
    if (fd < 0)
        errno = bsdOpenError(path, flags, errno);
    return fd;
}

__attribute__((visibility("default"))) int open64(const char *path, int flags, ...)
{
    static const auto real = next<int (*)(const char *, int, ...)>("open64");
    va_list arguments;
    va_start(arguments, flags);
    const mode_t mode = modeOf(flags, arguments);
    va_end(arguments);
    const int fd = real(path, flags, mode);
    if (fd < 0)
        errno = bsdOpenError(path, flags, errno);
    return fd;
}

} // extern "C"
