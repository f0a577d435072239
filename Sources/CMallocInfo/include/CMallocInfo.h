#ifndef SKIFF_CMALLOCINFO_H
#define SKIFF_CMALLOCINFO_H

/// Bytes the C library's allocator holds for live allocations (`inUse`) and keeps free in its
/// heaps (`free`), over every arena. Returns 1 when the C library can tell (glibc 2.33 and
/// later, its own allocator), 0 elsewhere (another C library, or a sanitizer's allocator).
int skiff_heap_usage(unsigned long long *inUse, unsigned long long *free);

/// Gives the free pages of every arena back to the system (glibc's `malloc_trim(0)`, which
/// unmaps the top of each heap and advises the kernel it may drop whole free pages inside it).
/// Returns 1 when memory was released, 0 when there was none to release or the C library
/// cannot do it.
int skiff_release_free_heap(void);

#endif
