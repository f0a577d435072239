#include "CMallocTuning.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int skiff_tune_malloc(int mmapThreshold, int trimThreshold) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1;
#else
    (void)mmapThreshold;
    (void)trimThreshold;
    return 0;
#endif
}
