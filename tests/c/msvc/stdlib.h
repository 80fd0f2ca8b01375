/* See math.h beside this file (clang's mm_malloc.h, under intrin.h, includes this). */
#pragma once
#include <stddef.h>
void *malloc(size_t);
void free(void *);
void *_aligned_malloc(size_t, size_t);
void _aligned_free(void *);
