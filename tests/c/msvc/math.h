/* The C library declarations the core uses, for a syntax check of the MSVC branches with
 * clang's MSVC target (--target=x86_64-pc-windows-msvc) where no MSVC headers exist; clang
 * brings its own float.h, stdint.h, stddef.h and intrin.h. */
#pragma once
double exp(double);
double log(double);
double log1p(double);
double fabs(double);
double sqrt(double);
double fma(double, double, double);
