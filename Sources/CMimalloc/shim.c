#define _GNU_SOURCE
#include "CMimalloc.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cmi_table_t cmi_table;
__thread void *cmi_current_shard = NULL;
volatile int cmi_fork_generation = 0;

static void cmi_after_fork_in_child(void) {
    cmi_fork_generation += 1;
    cmi_current_shard = NULL;
}

static pthread_once_t cmi_once = PTHREAD_ONCE_INIT;
static const char *cmi_requested_path = NULL;
static int cmi_status = -1;
static char cmi_message[512];

#define CMI_RESOLVE(field, symbol)                                                              \
    do {                                                                                        \
        void *address = dlsym(handle, symbol);                                                  \
        if (address == NULL) {                                                                  \
            snprintf(cmi_message, sizeof cmi_message,                                           \
                     "%s was loaded but has no symbol '%s' (mimalloc 2.0.9 expected)", path,   \
                     symbol);                                                                   \
            return;                                                                             \
        }                                                                                       \
        memcpy(&cmi_table.field, &address, sizeof address);                                     \
    } while (0)

static void cmi_load_once(void) {
    const char *path = cmi_requested_path != NULL ? cmi_requested_path : "libmimalloc.so.2";
    // RTLD_LOCAL keeps mimalloc's malloc/free out of the global symbol namespace, so the
    // process allocator stays glibc's.
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(cmi_message, sizeof cmi_message, "%s", reason != NULL ? reason : path);
        return;
    }
    CMI_RESOLVE(malloc, "mi_malloc");
    CMI_RESOLVE(malloc_aligned, "mi_malloc_aligned");
    CMI_RESOLVE(realloc_aligned, "mi_realloc_aligned");
    CMI_RESOLVE(free, "mi_free");
    CMI_RESOLVE(usable_size, "mi_usable_size");
    CMI_RESOLVE(good_size, "mi_good_size");
    CMI_RESOLVE(version, "mi_version");
    CMI_RESOLVE(collect, "mi_collect");
    CMI_RESOLVE(heap_new, "mi_heap_new");
    CMI_RESOLVE(heap_new_in_arena, "mi_heap_new_in_arena");
    CMI_RESOLVE(heap_delete, "mi_heap_delete");
    CMI_RESOLVE(heap_collect, "mi_heap_collect");
    CMI_RESOLVE(heap_malloc, "mi_heap_malloc");
    CMI_RESOLVE(heap_malloc_aligned, "mi_heap_malloc_aligned");
    CMI_RESOLVE(heap_contains_block, "mi_heap_contains_block");
    CMI_RESOLVE(heap_visit_blocks, "mi_heap_visit_blocks");
    CMI_RESOLVE(is_in_heap_region, "mi_is_in_heap_region");
    CMI_RESOLVE(process_info, "mi_process_info");
    CMI_RESOLVE(reserve_os_memory_ex, "mi_reserve_os_memory_ex");
    pthread_atfork(NULL, NULL, cmi_after_fork_in_child);
    cmi_status = 0;
}

int cmi_load(const char *path, char *message, size_t capacity) {
    cmi_requested_path = path;
    pthread_once(&cmi_once, cmi_load_once);
    if (cmi_status != 0 && message != NULL && capacity > 0) {
        snprintf(message, capacity, "%s", cmi_message);
    }
    return cmi_status;
}

void *cmi_symbol_address(const char *name) { return dlsym(RTLD_DEFAULT, name); }

const char *cmi_object_name_of(const void *address) {
    Dl_info info;
    if (dladdr(address, &info) == 0) return NULL;
    return info.dli_fname;
}

static bool cmi_sum_area(const mi_heap_t *heap, const mi_heap_area_t *area, void *block,
                         size_t block_size, void *arg) {
    (void)heap;
    (void)block;
    (void)block_size;
    cmi_heap_areas_t *totals = arg;
    totals->areas += 1;
    totals->committed_bytes += area->committed;
    totals->reserved_bytes += area->reserved;
    totals->used_blocks += area->used;
    totals->used_bytes += area->used * area->block_size;
    return true;
}

cmi_heap_areas_t cmi_heap_area_totals(mi_heap_t *heap) {
    cmi_heap_areas_t totals = {0};
    cmi_table.heap_visit_blocks(heap, false, cmi_sum_area, &totals);
    return totals;
}

void cmi_set_thread_name(const char *name) {
    char truncated[16];
    snprintf(truncated, sizeof truncated, "%s", name);
    pthread_setname_np(pthread_self(), truncated);
}

int cmi_active_processor_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

cmi_libc_table_t cmi_libc;
static pthread_once_t cmi_libc_once = PTHREAD_ONCE_INIT;
static int cmi_libc_status = -1;

static void cmi_libc_load_once(void) {
    void *handle = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    if (handle == NULL) return;
    void *m = dlsym(handle, "__libc_malloc");
    void *a = dlsym(handle, "__libc_memalign");
    void *r = dlsym(handle, "__libc_realloc");
    void *f = dlsym(handle, "__libc_free");
    void *u = dlsym(handle, "malloc_usable_size");
    if (!m || !a || !r || !f || !u) return;
    memcpy(&cmi_libc.malloc, &m, sizeof m);
    memcpy(&cmi_libc.memalign, &a, sizeof a);
    memcpy(&cmi_libc.realloc, &r, sizeof r);
    memcpy(&cmi_libc.free, &f, sizeof f);
    memcpy(&cmi_libc.usable_size, &u, sizeof u);
    cmi_libc_status = 0;
}

int cmi_libc_load(void) {
    pthread_once(&cmi_libc_once, cmi_libc_load_once);
    return cmi_libc_status;
}

// MARK: Per-thread block cache

#define CMI_CACHED_BLOCK_LIMIT 8

typedef struct cmi_cached_block_s {
    struct cmi_cached_block_s *next;
} cmi_cached_block_t;

static __thread cmi_cached_block_t *cmi_cached_blocks = NULL;
static __thread int cmi_cached_block_count = 0;
static pthread_key_t cmi_cached_block_key;
static pthread_once_t cmi_cached_block_once = PTHREAD_ONCE_INIT;

static void cmi_cached_blocks_free(void *unused) {
    (void)unused;
    while (cmi_cached_blocks != NULL) {
        cmi_cached_block_t *next = cmi_cached_blocks->next;
        free(cmi_cached_blocks);
        cmi_cached_blocks = next;
    }
    cmi_cached_block_count = 0;
}

static void cmi_cached_block_key_create(void) {
    pthread_key_create(&cmi_cached_block_key, cmi_cached_blocks_free);
}

void *cmi_cached_block_take(void) {
    cmi_cached_block_t *block = cmi_cached_blocks;
    if (block != NULL) {
        cmi_cached_blocks = block->next;
        cmi_cached_block_count -= 1;
        return block;
    }
    return malloc(CMI_CACHED_BLOCK_SIZE);
}

void cmi_cached_block_put(void *pointer) {
    if (cmi_cached_block_count >= CMI_CACHED_BLOCK_LIMIT) {
        free(pointer);
        return;
    }
    if (cmi_cached_blocks == NULL) {
        // The key's value only has to be non-NULL for the destructor to run at thread exit.
        pthread_once(&cmi_cached_block_once, cmi_cached_block_key_create);
        pthread_setspecific(cmi_cached_block_key, (void *)1);
    }
    cmi_cached_block_t *block = pointer;
    block->next = cmi_cached_blocks;
    cmi_cached_blocks = block;
    cmi_cached_block_count += 1;
}
