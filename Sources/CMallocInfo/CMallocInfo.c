// stdlib.h first: it is what defines __GLIBC__ (through features.h) for the test below.
#include <stdlib.h>
#include "CMallocInfo.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int skiff_heap_usage(unsigned long long *inUse, unsigned long long *free) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    *inUse = info.uordblks + info.hblkhd;
    *free = info.fordblks;
    // A process under a sanitizer allocates through the sanitizer's allocator, whose mallinfo2
    // answers zeros: that is "cannot tell", not an empty heap.
    return *inUse > 0;
#else
    *inUse = 0;
    *free = 0;
    return 0;
#endif
}

int skiff_release_free_heap(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}
