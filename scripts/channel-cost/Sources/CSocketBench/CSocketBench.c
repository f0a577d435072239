#include "CSocketBench.h"
