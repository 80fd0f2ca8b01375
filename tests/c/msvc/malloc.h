/* See math.h beside this file (clang's mm_malloc.h includes this on Windows). */
#pragma once
#include <stdlib.h>
