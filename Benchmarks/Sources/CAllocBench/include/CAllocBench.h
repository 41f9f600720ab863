// The C side of the benchmarks: raw mimalloc loaded privately (never linked, because linking
// libmimalloc replaces malloc for the whole process), a monotonic clock, peak RSS, and small
// helpers that keep the optimiser from deleting the work being timed.
#ifndef CALLOCBENCH_H
#define CALLOCBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct cab_mi_table {
    void *(*malloc)(size_t size);
    void (*free)(void *pointer);
    void *(*heap_new)(void);
    void *(*heap_malloc)(void *heap, size_t size);
    void (*heap_delete)(void *heap);
} cab_mi_table_t;

extern cab_mi_table_t cab_mi;

/// Opens libmimalloc.so.2 with RTLD_NOW | RTLD_LOCAL and fills `cab_mi`.
/// Returns 0 on success; otherwise -1 and `cab_mi_error()` says why.
int cab_mi_load(void);
const char *cab_mi_error(void);

static inline void *cab_mi_malloc(size_t size) { return cab_mi.malloc(size); }
static inline void cab_mi_free(void *pointer) { cab_mi.free(pointer); }

/// CLOCK_MONOTONIC in nanoseconds.
static inline uint64_t cab_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/// Pins the calling thread to CPU `cpu % the CPUs this process may use`. Returns 0 on success.
int cab_pin_current_thread(int cpu);

/// Peak resident set of this process in KiB (getrusage ru_maxrss).
long cab_max_rss_kib(void);

/// Makes `pointer` (and the memory it points to) observable, so the work that produced it stays.
static inline void cab_escape(const void *pointer) { __asm__ volatile("" : : "r"(pointer) : "memory"); }

/// Writes `count` times to the first word of `pointer` (volatile, so every write happens).
static inline void cab_touch(void *pointer, int count) {
    volatile uint64_t *word = (volatile uint64_t *)pointer;
    for (int i = 0; i < count; i++) { *word = *word + 1; }
}

/// A bare bump allocator whose cursor lives in memory, as the state of any allocator object does
/// (the compiler cannot keep it in a register across the caller's stores through other
/// pointers). 16-byte alignment; returns NULL when the buffer is full.
typedef struct cab_bump {
    uintptr_t cursor;
    uintptr_t limit;
} cab_bump_t;

static inline void *cab_bump_alloc(cab_bump_t *bump, size_t size) {
    uintptr_t start = (bump->cursor + 15) & ~(uintptr_t)15;
    if (start > bump->limit || size > bump->limit - start) { return NULL; }
    bump->cursor = start + size;
    return (void *)start;
}

/// The file that the process's `malloc` symbol resolves to (glibc, or a preloaded allocator).
const char *cab_malloc_origin(void);

/// glibc's version string (gnu_get_libc_version).
const char *cab_glibc_version(void);

#endif
