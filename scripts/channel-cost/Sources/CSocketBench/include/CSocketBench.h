#ifndef CSOCKETBENCH_H
#define CSOCKETBENCH_H
// What Swift's Glibc module leaves out and the raw servers need: epoll, eventfd and accept4.
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/eventfd.h>

/// Accepts a connection already non-blocking (no fcntl after it); -1 with errno when none waits.
static inline int bench_accept_nonblocking(int listener) { return accept4(listener, 0, 0, SOCK_NONBLOCK); }

#endif
