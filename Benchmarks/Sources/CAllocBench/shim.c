#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include "CAllocBench.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

cab_mi_table_t cab_mi;
static char cab_message[512];

#define CAB_RESOLVE(field, symbol)                                                              \
    do {                                                                                        \
        void *address = dlsym(handle, symbol);                                                  \
        if (address == NULL) {                                                                  \
            snprintf(cab_message, sizeof cab_message, "libmimalloc.so.2 has no '%s'", symbol);  \
            return -1;                                                                          \
        }                                                                                       \
        memcpy(&cab_mi.field, &address, sizeof address);                                        \
    } while (0)

int cab_mi_load(void) {
    // RTLD_LOCAL: mimalloc's own malloc/free stay out of the global namespace, so the process
    // allocator remains whatever it was (glibc, or an LD_PRELOADed one).
    void *handle = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(cab_message, sizeof cab_message, "%s", reason != NULL ? reason : "dlopen failed");
        return -1;
    }
    CAB_RESOLVE(malloc, "mi_malloc");
    CAB_RESOLVE(free, "mi_free");
    CAB_RESOLVE(heap_new, "mi_heap_new");
    CAB_RESOLVE(heap_malloc, "mi_heap_malloc");
    CAB_RESOLVE(heap_delete, "mi_heap_delete");
    return 0;
}

const char *cab_mi_error(void) { return cab_message; }

long cab_max_rss_kib(void) {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) { return -1; }
    return usage.ru_maxrss;
}

const char *cab_malloc_origin(void) {
    void *address = dlsym(RTLD_DEFAULT, "malloc");
    Dl_info info;
    if (address == NULL || dladdr(address, &info) == 0 || info.dli_fname == NULL) { return "unknown"; }
    return info.dli_fname;
}

const char *cab_glibc_version(void) { return gnu_get_libc_version(); }

int cab_pin_current_thread(int cpu) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    int count = CPU_COUNT(&allowed);
    if (count <= 0) return -1;
    int wanted = cpu % count;
    // The wanted-th CPU of the allowed set.
    for (int index = 0, seen = 0; index < CPU_SETSIZE; index++) {
        if (!CPU_ISSET(index, &allowed)) continue;
        if (seen++ == wanted) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(index, &one);
            return pthread_setaffinity_np(pthread_self(), sizeof one, &one);
        }
    }
    return -1;
}
