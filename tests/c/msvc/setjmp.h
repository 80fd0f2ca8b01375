/* See math.h beside this file (clang's intrin.h includes this). */
#pragma once
typedef int jmp_buf[16];
