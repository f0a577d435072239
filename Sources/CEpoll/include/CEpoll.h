#ifndef SKIFF_CEPOLL_H
#define SKIFF_CEPOLL_H

// What Swift's Glibc module leaves out and the connector dialler's thread needs: an epoll set
// of its own, an eventfd to wake it, and a name for the thread.
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// Names the calling thread as `ps -L` and `top -H` show it (at most 15 characters). Returns 0,
/// or an errno value.
int skiff_name_thread(const char *name);

#endif
