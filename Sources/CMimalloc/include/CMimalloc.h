// CMimalloc: the package's only C boundary.
//
// mimalloc is *not* linked. libmimalloc.so exports malloc/free, so linking it would replace the
// allocator of the whole process. Instead `cmi_load` opens libmimalloc.so.2 with
// dlopen(RTLD_NOW | RTLD_LOCAL) and fills `cmi_table` through dlsym. The types come from the
// installed <mimalloc.h>; every function is reached through the `cmi_` wrappers below.
#ifndef CMIMALLOC_H
#define CMIMALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <mimalloc.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Function pointers resolved from the privately loaded library.
typedef struct cmi_table_s {
    void *(*malloc)(size_t size);
    void *(*malloc_aligned)(size_t size, size_t alignment);
    void *(*realloc_aligned)(void *p, size_t newsize, size_t alignment);
    void (*free)(void *p);
    size_t (*usable_size)(const void *p);
    size_t (*good_size)(size_t size);
    int (*version)(void);
    void (*collect)(bool force);

    mi_heap_t *(*heap_new)(void);
    mi_heap_t *(*heap_new_in_arena)(mi_arena_id_t arena);
    void (*heap_delete)(mi_heap_t *heap);
    void (*heap_collect)(mi_heap_t *heap, bool force);
    void *(*heap_malloc)(mi_heap_t *heap, size_t size);
    void *(*heap_malloc_aligned)(mi_heap_t *heap, size_t size, size_t alignment);
    bool (*heap_contains_block)(mi_heap_t *heap, const void *p);
    bool (*heap_visit_blocks)(const mi_heap_t *heap, bool all, mi_block_visit_fun *visitor, void *arg);

    bool (*is_in_heap_region)(const void *p);
    void (*process_info)(size_t *elapsed, size_t *user, size_t *system, size_t *current_rss,
                         size_t *peak_rss, size_t *current_commit, size_t *peak_commit,
                         size_t *page_faults);
    int (*reserve_os_memory_ex)(size_t size, bool commit, bool allow_large, bool exclusive,
                                mi_arena_id_t *arena_id);
} cmi_table_t;

extern cmi_table_t cmi_table;

/// Opens the library once (thread-safe). Returns 0 on success; otherwise writes a message to
/// `message` (at most `capacity` bytes, NUL-terminated) and returns -1. Later calls return the
/// first call's result. `path` may be NULL for the default "libmimalloc.so.2".
int cmi_load(const char *path, char *message, size_t capacity);

/// Process-wide address of glibc's own malloc entry points, for tests that check nothing
/// replaced them.
void *cmi_symbol_address(const char *name);
/// The file name of the shared object that defines `address` (dladdr), or NULL.
const char *cmi_object_name_of(const void *address);

/// Names the calling thread (at most 15 characters are kept).
void cmi_set_thread_name(const char *name);
/// The number of processors the process may run on now (sched_getaffinity), at least 1.
int cmi_active_processor_count(void);

// MARK: glibc's own allocator (even when mimalloc is preloaded process-wide)
/// glibc's entry points, looked up in libc.so.6 itself, so a process-wide LD_PRELOAD of another
/// allocator does not redirect them. Fills the table once; returns 0 on success.
int cmi_libc_load(void);
typedef struct cmi_libc_table_s {
    void *(*malloc)(size_t size);
    void *(*memalign)(size_t alignment, size_t size);
    void *(*realloc)(void *p, size_t size);
    void (*free)(void *p);
    size_t (*usable_size)(void *p);
} cmi_libc_table_t;
extern cmi_libc_table_t cmi_libc;
static inline void *cmi_libc_malloc(size_t size) { return cmi_libc.malloc(size); }
static inline void *cmi_libc_memalign(size_t alignment, size_t size) { return cmi_libc.memalign(alignment, size); }
static inline void *cmi_libc_realloc(void *p, size_t size) { return cmi_libc.realloc(p, size); }
static inline void cmi_libc_free(void *p) { cmi_libc.free(p); }
static inline size_t cmi_libc_usable_size(void *p) { return cmi_libc.usable_size(p); }

// MARK: fork
/// Incremented in a forked child (pthread_atfork handler installed by cmi_load). The handler also
/// clears the forking thread's shard slot: the child has no shard threads.
extern volatile int cmi_fork_generation;
static inline int cmi_get_fork_generation(void) { return cmi_fork_generation; }

// MARK: Thread-local shard slot (read on every allocation, so it is a plain TLS load).
extern __thread void *cmi_current_shard;
static inline void *cmi_get_current_shard(void) { return cmi_current_shard; }
static inline void cmi_set_current_shard(void *slot) { cmi_current_shard = slot; }

// MARK: Per-thread block cache
/// The size of every block the cache hands out.
#define CMI_CACHED_BLOCK_SIZE 512
/// A block of CMI_CACHED_BLOCK_SIZE bytes (16-byte aligned, from glibc's malloc): one that this
/// thread gave back earlier, or a new one. NULL only when malloc fails.
void *cmi_cached_block_take(void);
/// Gives a block from cmi_cached_block_take back to this thread's cache (at most 8 are kept; the
/// rest are freed). The cache is freed when the thread exits.
void cmi_cached_block_put(void *block);

// MARK: Wrappers
static inline void *cmi_malloc(size_t size) { return cmi_table.malloc(size); }
static inline void *cmi_malloc_aligned(size_t size, size_t alignment) {
    return cmi_table.malloc_aligned(size, alignment);
}
static inline void *cmi_realloc_aligned(void *p, size_t newsize, size_t alignment) {
    return cmi_table.realloc_aligned(p, newsize, alignment);
}
static inline void cmi_free(void *p) { cmi_table.free(p); }
static inline size_t cmi_usable_size(const void *p) { return cmi_table.usable_size(p); }
static inline size_t cmi_good_size(size_t size) { return cmi_table.good_size(size); }
static inline int cmi_version(void) { return cmi_table.version(); }
static inline void cmi_collect(bool force) { cmi_table.collect(force); }

static inline mi_heap_t *cmi_heap_new(void) { return cmi_table.heap_new(); }
static inline mi_heap_t *cmi_heap_new_in_arena(mi_arena_id_t arena) {
    return cmi_table.heap_new_in_arena(arena);
}
static inline void cmi_heap_delete(mi_heap_t *heap) { cmi_table.heap_delete(heap); }
static inline void cmi_heap_collect(mi_heap_t *heap, bool force) { cmi_table.heap_collect(heap, force); }
static inline void *cmi_heap_malloc(mi_heap_t *heap, size_t size) { return cmi_table.heap_malloc(heap, size); }
static inline void *cmi_heap_malloc_aligned(mi_heap_t *heap, size_t size, size_t alignment) {
    return cmi_table.heap_malloc_aligned(heap, size, alignment);
}
static inline bool cmi_heap_contains_block(mi_heap_t *heap, const void *p) {
    return cmi_table.heap_contains_block(heap, p);
}
static inline bool cmi_is_in_heap_region(const void *p) { return cmi_table.is_in_heap_region(p); }
static inline int cmi_reserve_os_memory_ex(size_t size, bool commit, bool allow_large, bool exclusive,
                                           mi_arena_id_t *arena_id) {
    return cmi_table.reserve_os_memory_ex(size, commit, allow_large, exclusive, arena_id);
}

/// Process figures from mi_process_info. On Linux `current_rss` is really the commit counter.
typedef struct cmi_process_info_s {
    size_t elapsed_msecs, user_msecs, system_msecs, current_rss, peak_rss, current_commit,
        peak_commit, page_faults;
} cmi_process_info_t;

static inline cmi_process_info_t cmi_process_info(void) {
    cmi_process_info_t info = {0};
    cmi_table.process_info(&info.elapsed_msecs, &info.user_msecs, &info.system_msecs, &info.current_rss,
                           &info.peak_rss, &info.current_commit, &info.peak_commit, &info.page_faults);
    return info;
}

/// Sums of the areas of one heap, gathered by mi_heap_visit_blocks (areas only, not blocks).
typedef struct cmi_heap_areas_s {
    size_t areas;
    size_t committed_bytes;
    size_t used_bytes;
    size_t used_blocks;
    size_t reserved_bytes;
} cmi_heap_areas_t;

/// Walks the areas of `heap`. Must run on the heap's owner thread.
cmi_heap_areas_t cmi_heap_area_totals(mi_heap_t *heap);

#ifdef __cplusplus
}
#endif

#endif
