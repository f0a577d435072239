#ifndef SKIFF_CGIT2_SHIM_H
#define SKIFF_CGIT2_SHIM_H
#include <git2.h>
#endif
