/*
 * benchmarks/study.h -- what the C studies of this folder share: a monotonic clock, sorting
 * of timings, and their two arguments (element count, repeats).
 */
#ifndef WCE_C_STUDY_H
#define WCE_C_STUDY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock (needs _POSIX_C_SOURCE >= 199309L before any include). */
static double study_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int study_by_value(const void *a, const void *b)
{
    const double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* t[0..m) in increasing order: t[0] is the fastest, t[m / 2] the median. */
static void study_sort(double *t, int m) { qsort(t, (size_t)m, sizeof *t, study_by_value); }

/* The studies' arguments, [n] [repeats], with these defaults: 0, or 2 after a usage line
 * naming the program when either is below 1. */
static int study_args(int argc, char **argv, const char *name, int64_t n_default,
                      int repeats_default, int64_t *n, int *repeats)
{
    *n = argc > 1 ? atol(argv[1]) : n_default;
    *repeats = argc > 2 ? atoi(argv[2]) : repeats_default;
    if (*n < 1 || *repeats < 1) {
        fprintf(stderr, "usage: %s [n >= 1] [repeats >= 1]\n", name);
        return 2;
    }
    return 0;
}

#endif /* WCE_C_STUDY_H */
