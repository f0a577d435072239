#ifndef SKIFF_CMALLOCTUNING_H
#define SKIFF_CMALLOCTUNING_H

/// Keeps allocations up to `mmapThreshold` bytes in the heap instead of a fresh mmap each, and
/// trims the heap only past `trimThreshold` free bytes. Returns 1 when the C library took both
/// (glibc), 0 elsewhere.
int skiff_tune_malloc(int mmapThreshold, int trimThreshold);

#endif
