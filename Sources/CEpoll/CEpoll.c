#define _GNU_SOURCE
#include <pthread.h>
#include "CEpoll.h"

int skiff_name_thread(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
