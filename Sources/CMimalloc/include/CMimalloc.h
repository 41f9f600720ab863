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
    void *(*malloc_aligned_at)(size_t size, size_t alignment, size_t offset);
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
    void *(*heap_malloc_aligned_at)(mi_heap_t *heap, size_t size, size_t alignment, size_t offset);
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

// MARK: Shards and their counters
//
// A shard is one mimalloc heap owned by one thread. Its record is read on every allocation and
// free, so it lives here, with the layout spelled out: what the owner writes sits on one pair of
// cache lines, what other threads touch on the next pair (128 bytes apart, so that the adjacent
// line prefetcher does not pull the two together). Records are allocated aligned to 128 bytes
// (aligned_alloc; Swift does not import over-aligned C types, so the alignment is the
// allocation's, and the padding keeps the size a multiple of 128) and never freed.
//
// Counting without atomic read-modify-writes:
// - the owner counts its own allocations and frees in `owner_*` with a relaxed load and store
//   (plain moves), which only it writes;
// - every other thread counts in a record of its own (`cmi_thread_counts_t`), one entry per
//   shard it touched recently, again with relaxed loads and stores that only it writes;
// - a reader sums the owner's fields, the per-thread entries and what departed threads and
//   evicted entries left in `flushed_*` (relaxed atomic adds, off every fast path).
// A reading taken while other threads work may mix moments; once the work is done, it is exact.

#define CMI_LINE_PAIR 128

typedef struct cmi_shard_s {
    // Set before the owner runs any work, read by the owner on every allocation.
    mi_heap_t *heap;             // NULL when the shard has no heap (not started, retired, stopped),
                                 // and for a capped shard, whose heap is `capped_heap`, so that the
                                 // inlined fast path never pays for the cap
    mi_heap_t *capped_heap;      // the heap of a shard with a cap, allocated from out of line
    const size_t *size_classes;  // usable size of each small request, by (size + 7) / 8
    intptr_t group_id;           // the ShardGroup.id this record counts for
    void *object;                // the Swift ShardSlot, unretained (slots are immortal)
    // Written by the owner only (relaxed load + store); read anywhere (relaxed).
    size_t owner_allocations;
    size_t owner_allocated_bytes;
    size_t owner_frees;
    size_t owner_freed_bytes;
    // A memory cap in live bytes (0: none), set before the owner runs, and the remote frees'
    // bytes as the owner last summed them (owner only).
    size_t limit;
    size_t remote_freed_snapshot;
    char owner_padding[CMI_LINE_PAIR - 11 * sizeof(size_t)];
    // Touched by other threads: read on every remote free, written rarely.
    int collect_requested;       // a remote free asked the owner to collect
    int is_shard;                // 0 for a group's fallback bucket (no owner thread)
    size_t flushed_allocations;  // counts of departed threads and evicted entries
    size_t flushed_allocated_bytes;
    size_t flushed_frees;
    size_t flushed_freed_bytes;
    size_t flushed_foreign;
    char other_padding[CMI_LINE_PAIR - 2 * sizeof(int) - 5 * sizeof(size_t)];
} cmi_shard_t;

/// A new zeroed record, aligned to 128 bytes, never freed. NULL only when memory runs out.
cmi_shard_t *cmi_shard_create(int is_shard, intptr_t group_id, void *object, const size_t *size_classes);

/// One shard's counts in one thread's record.
typedef struct cmi_thread_entry_s {
    cmi_shard_t *shard;
    size_t allocations;
    size_t allocated_bytes;
    size_t frees;
    size_t freed_bytes;
    size_t foreign;
    size_t padding[2];
} cmi_thread_entry_t;

#define CMI_THREAD_ENTRIES 16

/// What one thread counted on behalf of shards it does not own. Written by that thread only.
typedef struct cmi_thread_counts_s {
    cmi_thread_entry_t entries[CMI_THREAD_ENTRIES];
    struct cmi_thread_counts_s *next;
    struct cmi_thread_counts_s *previous;
    char padding[CMI_LINE_PAIR - 2 * sizeof(void *)];
} cmi_thread_counts_t;

_Static_assert(sizeof(cmi_shard_t) == 2 * CMI_LINE_PAIR, "a shard record is two line pairs");
_Static_assert(sizeof(cmi_thread_counts_t) % CMI_LINE_PAIR == 0, "thread records fill whole line pairs");

/// The shard whose owner thread is the calling thread, or NULL. Initial-exec: a plain TLS load.
extern __thread cmi_shard_t *cmi_current_shard __attribute__((tls_model("initial-exec")));
/// The calling thread's record, or NULL before it first counted for another thread's shard.
extern __thread cmi_thread_counts_t *cmi_thread_counts __attribute__((tls_model("initial-exec")));

/// Calls `handler(context)` when the calling thread exits, once. A later call on the same thread
/// replaces the handler; a NULL handler removes it. For shards whose thread belongs to another
/// library (an adopted SwiftNIO event loop), which may end that thread without asking.
void cmi_watch_thread_exit(void (*handler)(void *), void *context);

static inline cmi_shard_t *cmi_get_current_shard(void) { return cmi_current_shard; }
static inline void cmi_set_current_shard(cmi_shard_t *shard) { cmi_current_shard = shard; }

#define CMI_RELAXED_ADD(field, delta) \
    __atomic_store_n(&(field), __atomic_load_n(&(field), __ATOMIC_RELAXED) + (delta), __ATOMIC_RELAXED)

/// Finds or makes the calling thread's entry for `shard` (creating the thread's record, or
/// evicting another shard's entry into its `flushed_*` fields).
cmi_thread_entry_t *cmi_thread_entry_slow(cmi_shard_t *shard);

/// The calling thread's entry for `shard`: one TLS load and one compare when it is there.
static inline cmi_thread_entry_t *cmi_thread_entry(cmi_shard_t *shard) {
    cmi_thread_counts_t *counts = cmi_thread_counts;
    if (__builtin_expect(counts != NULL, 1)) {
        cmi_thread_entry_t *entry = &counts->entries[((uintptr_t)shard >> 7) & (CMI_THREAD_ENTRIES - 1)];
        if (__builtin_expect(__atomic_load_n(&entry->shard, __ATOMIC_RELAXED) == shard, 1)) return entry;
    }
    return cmi_thread_entry_slow(shard);
}

/// Asks an idle owner to collect soon (once until it does).
void cmi_request_collect(cmi_shard_t *shard);
/// What the owner calls on `object` when a remote free asks it to collect.
void cmi_set_collect_handler(void (*handler)(void *object));

/// An allocation by the owner thread of `shard`.
static inline void cmi_count_owner_allocation(cmi_shard_t *shard, size_t bytes) {
    CMI_RELAXED_ADD(shard->owner_allocations, 1);
    CMI_RELAXED_ADD(shard->owner_allocated_bytes, bytes);
}

/// An allocation counted in `shard` by a thread that does not own it (fallback buckets).
static inline void cmi_count_other_allocation(cmi_shard_t *shard, size_t bytes) {
    cmi_thread_entry_t *entry = cmi_thread_entry(shard);
    CMI_RELAXED_ADD(entry->allocations, 1);
    CMI_RELAXED_ADD(entry->allocated_bytes, bytes);
}

/// An allocation asked of `shard`'s allocator off its owner thread.
static inline void cmi_count_foreign(cmi_shard_t *shard) {
    CMI_RELAXED_ADD(cmi_thread_entry(shard)->foreign, 1);
}

/// A free of a block counted in `origin`, on any thread.
static inline void cmi_count_free(cmi_shard_t *origin, size_t bytes) {
    if (origin == cmi_current_shard) {
        CMI_RELAXED_ADD(origin->owner_frees, 1);
        CMI_RELAXED_ADD(origin->owner_freed_bytes, bytes);
        return;
    }
    cmi_thread_entry_t *entry = cmi_thread_entry(origin);
    CMI_RELAXED_ADD(entry->frees, 1);
    CMI_RELAXED_ADD(entry->freed_bytes, bytes);
    if (__builtin_expect(__atomic_load_n(&origin->collect_requested, __ATOMIC_RELAXED) == 0, 0)
        && origin->is_shard) {
        cmi_request_collect(origin);
    }
}

/// Whether a capped shard's live bytes are within its cap, re-summing the frees of other
/// threads (the owner's own figures said they might not be).
int cmi_shard_within_limit_slow(cmi_shard_t *shard);

/// Whether the shard's live bytes are within its cap, checked by the owner right after it counted
/// an allocation: one load and a branch for a shard with no cap. The owner's own figures
/// (allocated minus its frees minus the remote frees it last summed) are never below the live
/// bytes, so they never pass too much; only when they fail is the sum redone.
static inline int cmi_shard_within_limit(cmi_shard_t *shard) {
    size_t limit = shard->limit;
    if (__builtin_expect(limit == 0, 1)) return 1;
    size_t estimate = shard->owner_allocated_bytes - shard->owner_freed_bytes - shard->remote_freed_snapshot;
    if (estimate <= limit) return 1;
    return cmi_shard_within_limit_slow(shard);
}

/// Takes back an allocation the owner just counted (the block went over the cap and was freed).
static inline void cmi_uncount_owner_allocation(cmi_shard_t *shard, size_t bytes) {
    CMI_RELAXED_ADD(shard->owner_allocations, (size_t)-1);
    CMI_RELAXED_ADD(shard->owner_allocated_bytes, (size_t)0 - bytes);
}

/// The owner clears the collect request before it collects.
static inline void cmi_shard_clear_collect_request(cmi_shard_t *shard) {
    __atomic_store_n(&shard->collect_requested, 0, __ATOMIC_RELAXED);
}

/// Sums of a shard's counters.
typedef struct cmi_shard_counts_s {
    size_t allocations, allocated_bytes, frees, freed_bytes, remote_frees, foreign;
} cmi_shard_counts_t;

/// Reads a shard's counters: its own, every live thread's entries, and the flushed sums.
cmi_shard_counts_t cmi_shard_read(const cmi_shard_t *shard);

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
static inline void *cmi_malloc_aligned_at(size_t size, size_t alignment, size_t offset) {
    return cmi_table.malloc_aligned_at(size, alignment, offset);
}
static inline void *cmi_heap_malloc_aligned_at(mi_heap_t *heap, size_t size, size_t alignment, size_t offset) {
    return cmi_table.heap_malloc_aligned_at(heap, size, alignment, offset);
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
