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
__thread cmi_shard_t *cmi_current_shard __attribute__((tls_model("initial-exec"))) = NULL;
__thread cmi_thread_counts_t *cmi_thread_counts __attribute__((tls_model("initial-exec"))) = NULL;
volatile int cmi_fork_generation = 0;

static pthread_mutex_t cmi_thread_counts_lock = PTHREAD_MUTEX_INITIALIZER;

static void cmi_after_fork_in_child(void) {
    cmi_fork_generation += 1;
    cmi_current_shard = NULL;
    // The parent's other threads do not exist here; one of them may have held the lock.
    pthread_mutex_init(&cmi_thread_counts_lock, NULL);
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
    CMI_RESOLVE(malloc_aligned_at, "mi_malloc_aligned_at");
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
    CMI_RESOLVE(heap_malloc_aligned_at, "mi_heap_malloc_aligned_at");
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

// MARK: Shards and per-thread counts

cmi_shard_t *cmi_shard_create(int is_shard, intptr_t group_id, void *object, const size_t *size_classes) {
    cmi_shard_t *shard = aligned_alloc(CMI_LINE_PAIR, sizeof(cmi_shard_t));
    if (shard == NULL) return NULL;
    memset(shard, 0, sizeof *shard);
    shard->is_shard = is_shard;
    shard->group_id = group_id;
    shard->object = object;
    shard->size_classes = size_classes;
    return shard;
}

// Every live thread's record, so that readers can sum them. Guarded by cmi_thread_counts_lock,
// as are evictions (so a reader sees an entry's counts either in the entry or flushed, not both).
static cmi_thread_counts_t *cmi_thread_counts_list = NULL;
static pthread_key_t cmi_thread_counts_key;
static pthread_once_t cmi_thread_counts_once = PTHREAD_ONCE_INIT;
static void (*cmi_collect_handler)(void *object) = NULL;

static void cmi_flush_entry(cmi_thread_entry_t *entry) {
    cmi_shard_t *shard = entry->shard;
    if (shard == NULL) return;
    __atomic_fetch_add(&shard->flushed_allocations, entry->allocations, __ATOMIC_RELAXED);
    __atomic_fetch_add(&shard->flushed_allocated_bytes, entry->allocated_bytes, __ATOMIC_RELAXED);
    __atomic_fetch_add(&shard->flushed_frees, entry->frees, __ATOMIC_RELAXED);
    __atomic_fetch_add(&shard->flushed_freed_bytes, entry->freed_bytes, __ATOMIC_RELAXED);
    __atomic_fetch_add(&shard->flushed_foreign, entry->foreign, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->allocations, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->allocated_bytes, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->frees, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->freed_bytes, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->foreign, 0, __ATOMIC_RELAXED);
}

// At thread exit: the thread's counts move to the shards' flushed sums, and its record goes.
static void cmi_thread_counts_exit(void *value) {
    cmi_thread_counts_t *counts = value;
    pthread_mutex_lock(&cmi_thread_counts_lock);
    for (int index = 0; index < CMI_THREAD_ENTRIES; index++) cmi_flush_entry(&counts->entries[index]);
    if (counts->previous != NULL) counts->previous->next = counts->next;
    else cmi_thread_counts_list = counts->next;
    if (counts->next != NULL) counts->next->previous = counts->previous;
    pthread_mutex_unlock(&cmi_thread_counts_lock);
    cmi_thread_counts = NULL;
    free(counts);
}

static void cmi_thread_counts_key_create(void) {
    pthread_key_create(&cmi_thread_counts_key, cmi_thread_counts_exit);
}

cmi_thread_entry_t *cmi_thread_entry_slow(cmi_shard_t *shard) {
    cmi_thread_counts_t *counts = cmi_thread_counts;
    if (counts == NULL) {
        counts = aligned_alloc(CMI_LINE_PAIR, sizeof(cmi_thread_counts_t));
        if (counts == NULL) {
            fprintf(stderr, "ShardedHeap: out of memory allocating a thread's counters\n");
            abort();
        }
        memset(counts, 0, sizeof *counts);
        pthread_once(&cmi_thread_counts_once, cmi_thread_counts_key_create);
        pthread_mutex_lock(&cmi_thread_counts_lock);
        counts->next = cmi_thread_counts_list;
        if (cmi_thread_counts_list != NULL) cmi_thread_counts_list->previous = counts;
        cmi_thread_counts_list = counts;
        pthread_mutex_unlock(&cmi_thread_counts_lock);
        pthread_setspecific(cmi_thread_counts_key, counts);
        cmi_thread_counts = counts;
    }
    cmi_thread_entry_t *entry = &counts->entries[((uintptr_t)shard >> 7) & (CMI_THREAD_ENTRIES - 1)];
    if (entry->shard != shard) {
        pthread_mutex_lock(&cmi_thread_counts_lock);
        cmi_flush_entry(entry);
        __atomic_store_n(&entry->shard, shard, __ATOMIC_RELAXED);
        pthread_mutex_unlock(&cmi_thread_counts_lock);
    }
    return entry;
}

void cmi_set_collect_handler(void (*handler)(void *object)) { cmi_collect_handler = handler; }

void cmi_request_collect(cmi_shard_t *shard) {
    if (__atomic_exchange_n(&shard->collect_requested, 1, __ATOMIC_RELAXED) == 0 && cmi_collect_handler != NULL) {
        cmi_collect_handler(shard->object);
    }
}

cmi_shard_counts_t cmi_shard_read(const cmi_shard_t *shard) {
    cmi_shard_counts_t counts = {0};
    size_t owner_allocations = __atomic_load_n(&shard->owner_allocations, __ATOMIC_RELAXED);
    size_t owner_allocated = __atomic_load_n(&shard->owner_allocated_bytes, __ATOMIC_RELAXED);
    size_t owner_frees = __atomic_load_n(&shard->owner_frees, __ATOMIC_RELAXED);
    size_t owner_freed = __atomic_load_n(&shard->owner_freed_bytes, __ATOMIC_RELAXED);
    pthread_mutex_lock(&cmi_thread_counts_lock);
    counts.allocations = __atomic_load_n(&shard->flushed_allocations, __ATOMIC_RELAXED);
    counts.allocated_bytes = __atomic_load_n(&shard->flushed_allocated_bytes, __ATOMIC_RELAXED);
    counts.remote_frees = __atomic_load_n(&shard->flushed_frees, __ATOMIC_RELAXED);
    counts.freed_bytes = __atomic_load_n(&shard->flushed_freed_bytes, __ATOMIC_RELAXED);
    counts.foreign = __atomic_load_n(&shard->flushed_foreign, __ATOMIC_RELAXED);
    for (cmi_thread_counts_t *thread = cmi_thread_counts_list; thread != NULL; thread = thread->next) {
        for (int index = 0; index < CMI_THREAD_ENTRIES; index++) {
            cmi_thread_entry_t *entry = &thread->entries[index];
            if (__atomic_load_n(&entry->shard, __ATOMIC_RELAXED) != shard) continue;
            counts.allocations += __atomic_load_n(&entry->allocations, __ATOMIC_RELAXED);
            counts.allocated_bytes += __atomic_load_n(&entry->allocated_bytes, __ATOMIC_RELAXED);
            counts.remote_frees += __atomic_load_n(&entry->frees, __ATOMIC_RELAXED);
            counts.freed_bytes += __atomic_load_n(&entry->freed_bytes, __ATOMIC_RELAXED);
            counts.foreign += __atomic_load_n(&entry->foreign, __ATOMIC_RELAXED);
        }
    }
    pthread_mutex_unlock(&cmi_thread_counts_lock);
    counts.allocations += owner_allocations;
    counts.allocated_bytes += owner_allocated;
    counts.frees = owner_frees + counts.remote_frees;
    counts.freed_bytes += owner_freed;
    return counts;
}

int cmi_shard_within_limit_slow(cmi_shard_t *shard) {
    cmi_shard_counts_t counts = cmi_shard_read(shard);
    size_t remote_freed = counts.freed_bytes - __atomic_load_n(&shard->owner_freed_bytes, __ATOMIC_RELAXED);
    __atomic_store_n(&shard->remote_freed_snapshot, remote_freed, __ATOMIC_RELAXED);
    return counts.allocated_bytes - counts.freed_bytes <= shard->limit;
}

typedef struct cmi_exit_watch_s {
    void (*handler)(void *);
    void *context;
} cmi_exit_watch_t;

static pthread_key_t cmi_exit_watch_key;
static pthread_once_t cmi_exit_watch_once = PTHREAD_ONCE_INIT;

static void cmi_exit_watch_fire(void *value) {
    cmi_exit_watch_t *watch = value;
    watch->handler(watch->context);
    free(watch);
}

static void cmi_exit_watch_make_key(void) {
    pthread_key_create(&cmi_exit_watch_key, cmi_exit_watch_fire);
}

void cmi_watch_thread_exit(void (*handler)(void *), void *context) {
    pthread_once(&cmi_exit_watch_once, cmi_exit_watch_make_key);
    cmi_exit_watch_t *old = pthread_getspecific(cmi_exit_watch_key);
    free(old);
    cmi_exit_watch_t *watch = NULL;
    if (handler != NULL) {
        watch = malloc(sizeof *watch);
        if (watch == NULL) abort();
        watch->handler = handler;
        watch->context = context;
    }
    pthread_setspecific(cmi_exit_watch_key, watch);
}
