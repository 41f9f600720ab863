// The only Swift file of the library that imports the C module. Everything else reads as Swift
// and goes through the typed wrappers defined here.
import CMimalloc

#if canImport(Glibc)
import Glibc
#endif

/// The privately loaded mimalloc library (libmimalloc.so.2, opened with `RTLD_LOCAL`).
///
/// The package never links libmimalloc, because linking it replaces `malloc` for the whole
/// process. `Mimalloc` opens the library on first use and traps with a message naming the Debian
/// package when it is missing.
@usableFromInline
enum Mimalloc {
    /// The environment variable that overrides the library path (used by tests and by people who
    /// keep mimalloc somewhere unusual).
    static let libraryPathVariable = "SHARDEDHEAP_MIMALLOC_PATH"

    /// Loads the library once. Every entry point that can run before a shard exists calls this.
    static let isLoaded: Bool = {
        let path = getenv(libraryPathVariable)
        var message = [CChar](repeating: 0, count: 512)
        // Safe: `message` outlives the call and its capacity is passed along.
        let status = message.withUnsafeMutableBufferPointer { buffer in
            cmi_load(path, buffer.baseAddress, buffer.count)
        }
        guard status == 0 else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            fatalError(
                """
                ShardGroup: cannot load mimalloc (\(reason)). \
                Install Debian's mimalloc runtime with `apt-get install -y libmimalloc-dev` \
                (it brings libmimalloc2.0, which provides libmimalloc.so.2).
                """
            )
        }
        return true
    }()

    @inline(__always)
    static func ensureLoaded() {
        _ = isLoaded
    }

    /// The version number mimalloc reports (209 for 2.0.9).
    static var version: Int {
        ensureLoaded()
        return Int(cmi_version())
    }

    // MARK: Calling thread's default heap (safe on any thread)

    /// Allocates from the calling thread's default mimalloc heap.
    /// - Returns: The block and its usable size, or nil when out of memory.
    @inline(__always)
    static func allocate(byteCount: Int, alignment: Int) -> (pointer: UnsafeMutableRawPointer, usableSize: Int)? {
        ensureLoaded()
        return SizeClasses.place(byteCount: byteCount, alignment: alignment, table: sizeClasses) { byteCount in
            cmi_malloc(byteCount)
        } aligned: { byteCount, alignment in
            cmi_malloc_aligned(byteCount, alignment)
        }
    }

    /// The usable size of every small request, indexed by `(byteCount + 7) / 8`, read from
    /// `mi_good_size` once. Immortal.
    // nonisolated(unsafe): written once during lazy initialisation, read-only afterwards.
    nonisolated(unsafe) static let sizeClasses: UnsafePointer<Int> = {
        ensureLoaded()
        let table = UnsafeMutablePointer<Int>.allocate(capacity: SizeClasses.tableCount)
        for words in 0..<SizeClasses.tableCount {
            // Safe: `table` has `tableCount` slots and `words` stays below it.
            (table + words).initialize(to: cmi_good_size(max(1, words * 8)))
        }
        return UnsafePointer(table)
    }()

    /// Resizes a block of the calling thread's default heap (or any mimalloc block: the new block
    /// comes from the calling thread's default heap when it moves).
    static func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int
    ) -> UnsafeMutableRawPointer? {
        cmi_realloc_aligned(pointer, byteCount, max(alignment, 1))
    }

    /// Allocates `byteCount` bytes from the calling thread's default heap such that the address
    /// `offset` bytes into the block is aligned to `alignment` (`mi_malloc_aligned_at`).
    /// - Returns: The block, or nil when out of memory.
    static func allocate(byteCount: Int, alignment: Int, alignedAt offset: Int) -> UnsafeMutableRawPointer? {
        ensureLoaded()
        return cmi_malloc_aligned_at(byteCount, alignment, offset)
    }

    /// Frees a block of any mimalloc heap. Safe from any thread.
    @inlinable
    @inline(__always)
    static func free(_ pointer: UnsafeMutableRawPointer) {
        cmi_free(pointer)
    }

    /// The usable size of a live block. O(1); safe from any thread.
    @inlinable
    @inline(__always)
    static func usableSize(_ pointer: UnsafeRawPointer) -> Int {
        cmi_usable_size(pointer)
    }

    /// Whether `pointer` lies in memory that mimalloc manages.
    static func isInHeapRegion(_ pointer: UnsafeRawPointer) -> Bool {
        ensureLoaded()
        return cmi_is_in_heap_region(pointer)
    }

    /// Collects the calling thread's default heap (and, with `force`, abandoned memory).
    static func collectCallingThread(force: Bool) {
        ensureLoaded()
        cmi_collect(force)
    }

    // MARK: Exclusive arenas

    /// An exclusive mimalloc arena: reserved address space that only heaps created in it use, and
    /// that they never grow past. A process holds at most 64 arenas, and none is ever released.
    struct Arena: Sendable, Hashable {
        let id: Int32
        /// The bytes reserved (mimalloc rounds requests up to whole 32 MiB segments).
        let byteCount: Int

        /// mimalloc's arena granularity.
        static let granularity = 32 << 20

        /// Reserves an exclusive arena of at least `byteCount` bytes, uncommitted (pages are
        /// committed on first use and may be decommitted again).
        /// - Returns: The arena, or the error code mimalloc returned.
        static func reserveExclusive(byteCount: Int) -> Result<Arena, ArenaReservationFailure> {
            ensureLoaded()
            let rounded = (byteCount + granularity - 1) / granularity * granularity
            var id: mi_arena_id_t = 0
            let status = cmi_reserve_os_memory_ex(rounded, false, false, true, &id)
            guard status == 0 else { return .failure(ArenaReservationFailure(code: status)) }
            return .success(Arena(id: id, byteCount: rounded))
        }
    }

    struct ArenaReservationFailure: Error {
        let code: Int32
    }

    // MARK: glibc's own allocator

    /// glibc's malloc family, looked up in libc.so.6 itself so that a process-wide `LD_PRELOAD` of
    /// another allocator does not redirect it.
    enum Glibc {
        static let isLoaded: Bool = {
            require(cmi_libc_load() == 0, "ShardedHeap: cannot find glibc's __libc_malloc family in libc.so.6")
            return true
        }()

        static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer? {
            _ = isLoaded
            // glibc's malloc aligns to 16 on x86-64 and arm64.
            return alignment <= 16 ? cmi_libc_malloc(byteCount) : cmi_libc_memalign(alignment, byteCount)
        }

        static func reallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) -> UnsafeMutableRawPointer? {
            _ = isLoaded
            return cmi_libc_realloc(pointer, byteCount)
        }

        static func usableSize(_ pointer: UnsafeMutableRawPointer) -> Int {
            _ = isLoaded
            return cmi_libc_usable_size(pointer)
        }

        static func free(_ pointer: UnsafeMutableRawPointer) {
            _ = isLoaded
            cmi_libc_free(pointer)
        }
    }

    // MARK: fork

    /// How many times this process is a forked child of a process that had loaded mimalloc. Shard
    /// executors compare it with the value they were made in to notice that their threads are gone.
    @inline(__always)
    static var forkGeneration: Int32 { cmi_get_fork_generation() }

    // MARK: Per-thread block cache

    /// The size of every block of the per-thread cache.
    static let cachedBlockSize = Int(CMI_CACHED_BLOCK_SIZE)

    /// A block of ``cachedBlockSize`` bytes, 16-byte aligned: one this thread gave back before,
    /// or a new one from glibc's malloc. Traps when malloc fails.
    static func takeCachedBlock() -> UnsafeMutableRawPointer {
        guard let block = cmi_cached_block_take() else {
            fatalError("ShardedHeap: out of memory allocating \(cachedBlockSize) bytes for a region's state")
        }
        return block
    }

    /// Gives a block from ``takeCachedBlock()`` back to the calling thread's cache (any thread).
    static func returnCachedBlock(_ block: UnsafeMutableRawPointer) {
        cmi_cached_block_put(block)
    }

    // MARK: Process figures

    /// Figures from `mi_process_info`. On Linux its `current_rss` is the commit counter, so it
    /// is reported as committed bytes, never as resident memory.
    struct ProcessInfo: Sendable {
        var elapsedMilliseconds: Int
        var userMilliseconds: Int
        var systemMilliseconds: Int
        var committedBytes: Int
        var peakCommittedBytes: Int
        var peakResidentBytes: Int
        var pageFaults: Int
    }

    static func processInfo() -> ProcessInfo {
        ensureLoaded()
        let info = cmi_process_info()
        return ProcessInfo(
            elapsedMilliseconds: info.elapsed_msecs,
            userMilliseconds: info.user_msecs,
            systemMilliseconds: info.system_msecs,
            committedBytes: info.current_commit,
            peakCommittedBytes: info.peak_commit,
            peakResidentBytes: info.peak_rss,
            pageFaults: info.page_faults
        )
    }

    // MARK: Platform helpers that live in the C shim

    /// Calls `handler(context)` when the calling thread exits (once); a later call replaces it,
    /// and nil removes it.
    static func watchCurrentThreadExit(
        _ handler: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?,
        context: UnsafeMutableRawPointer?
    ) {
        cmi_watch_thread_exit(handler, context)
    }

    /// Names the calling thread (Linux keeps 15 characters).
    static func setCurrentThreadName(_ name: String) {
        cmi_set_thread_name(name)
    }

    /// The number of processors this process may run on now.
    static var activeProcessorCount: Int {
        Int(cmi_active_processor_count())
    }

    // MARK: Process-allocator checks

    /// The address that the process's global symbol lookup finds for `name` (for example
    /// `malloc`), or nil.
    static func globalSymbolAddress(_ name: String) -> UnsafeMutableRawPointer? {
        cmi_symbol_address(name)
    }

    /// The file of the shared object that defines `address`.
    static func objectFile(containing address: UnsafeRawPointer) -> String? {
        guard let name = cmi_object_name_of(address) else { return nil }
        return String(cString: name)
    }
}

extension Mimalloc {
    /// A mimalloc heap (`mi_heap_t *`). Every operation except `contains` from the owner must
    /// run on the thread that created the heap; the type cannot enforce that, so it is internal
    /// and only a shard's own thread uses it.
    @usableFromInline
    struct Heap: @unchecked Sendable {
        // @unchecked: the pointer is passed between threads only to be used on its owner.
        @usableFromInline let raw: OpaquePointer

        @inlinable
        init(raw: OpaquePointer) {
            self.raw = raw
        }

        /// Creates a heap owned by the calling thread, confined to `arena` when one is given.
        static func createOnCallingThread(inArena arena: Arena? = nil) -> Heap? {
            ensureLoaded()
            let made = arena.map { cmi_heap_new_in_arena($0.id) } ?? cmi_heap_new()
            return made.map(Heap.init(raw:))
        }

        /// Allocates a block. Owner thread only.
        /// - Parameter table: `Mimalloc.sizeClasses`, as the shard's record holds it.
        /// - Returns: The block and its usable size, or nil when out of memory.
        @inlinable
        @inline(__always)
        func allocate(
            byteCount: Int,
            alignment: Int,
            table: UnsafePointer<Int>
        ) -> (pointer: UnsafeMutableRawPointer, usableSize: Int)? {
            let raw = self.raw
            return SizeClasses.place(byteCount: byteCount, alignment: alignment, table: table) { byteCount in
                cmi_heap_malloc(raw, byteCount)
            } aligned: { byteCount, alignment in
                cmi_heap_malloc_aligned(raw, byteCount, alignment)
            }
        }

        /// Allocates `byteCount` bytes such that the address `offset` bytes in is aligned to
        /// `alignment` (`mi_heap_malloc_aligned_at`). Owner thread only.
        @usableFromInline
        func allocate(byteCount: Int, alignment: Int, alignedAt offset: Int) -> UnsafeMutableRawPointer? {
            cmi_heap_malloc_aligned_at(raw, byteCount, alignment, offset)
        }

        /// Returns memory freed by other threads and empty pages to mimalloc (and, with `force`,
        /// to the OS).
        func collect(force: Bool) {
            cmi_heap_collect(raw, force)
        }

        /// Whether `pointer` is a block of this heap. Owner thread only.
        @usableFromInline
        func contains(_ pointer: UnsafeRawPointer) -> Bool {
            cmi_heap_contains_block(raw, pointer)
        }

        /// Area totals from `mi_heap_visit_blocks`. Owner thread only; O(pages).
        func areaTotals() -> (committedBytes: Int, usedBytes: Int, usedBlocks: Int, areas: Int) {
            let totals = cmi_heap_area_totals(raw)
            return (totals.committed_bytes, totals.used_bytes, totals.used_blocks, totals.areas)
        }

        /// Deletes the heap: its live blocks move to the owner's backing heap and stay valid.
        /// Never `mi_heap_destroy`, which in 2.0.9 can free other threads' blocks.
        func delete() {
            cmi_heap_delete(raw)
        }
    }
}

extension Mimalloc {
    /// The counting record of one shard, or of a group's fallback bucket (`cmi_shard_t`, laid out
    /// in the C shim so that what the owner writes and what other threads touch sit 128 bytes
    /// apart).
    ///
    /// The owner thread counts its own allocations and frees in the record with plain stores;
    /// every other thread counts in an entry of its own per-thread record (see `CMimalloc.h`),
    /// also with plain stores; readers sum both. No counter is ever updated with an atomic
    /// read-modify-write on a fast path.
    @usableFromInline
    struct Shard: Equatable, @unchecked Sendable {
        // @unchecked: the record is immortal; its fields are written only as described above.
        @usableFromInline let raw: UnsafeMutablePointer<cmi_shard_t>

        @inlinable
        init(raw: UnsafeMutablePointer<cmi_shard_t>) {
            self.raw = raw
        }

        /// The record behind an opaque pointer from ``opaque``.
        @inlinable
        init(opaque: UnsafeMutableRawPointer) {
            // Safe: every opaque record pointer came from `opaque`; records are never freed.
            raw = opaque.assumingMemoryBound(to: cmi_shard_t.self)
        }

        /// A new record (never freed): `isShard` false for a fallback bucket.
        static func create(isShard: Bool, groupID: Int) -> Shard {
            ensureLoaded()
            guard let raw = cmi_shard_create(isShard ? 1 : 0, groupID, nil, Mimalloc.sizeClasses) else {
                fatalError("ShardedHeap: out of memory allocating a shard's record")
            }
            return Shard(raw: raw)
        }

        /// The record as an untyped pointer, as blocks keep it.
        @inlinable
        var opaque: UnsafeMutableRawPointer { UnsafeMutableRawPointer(raw) }

        /// The shard whose owner thread is the calling thread, or nil. One TLS load.
        @inlinable
        static var current: Shard? {
            cmi_get_current_shard().map(Shard.init(raw:))
        }

        /// Makes `shard` the calling thread's own (its thread starts), or clears it.
        static func setCurrent(_ shard: Shard?) {
            cmi_set_current_shard(shard?.raw)
        }

        /// The heap the inlined fast path allocates from: the shard's heap when it has no cap, nil
        /// otherwise (and when it has no heap). Read and written only by the owner thread.
        @inlinable
        var heap: Heap? {
            raw.pointee.heap.map(Heap.init(raw:))
        }

        /// The heap of a shard with a cap, which the out-of-line path allocates from and checks.
        @usableFromInline
        var cappedHeap: Heap? {
            raw.pointee.capped_heap.map(Heap.init(raw:))
        }

        /// The shard's heap, capped or not.
        var ownedHeap: Heap? { heap ?? cappedHeap }

        /// Sets the heap (as ``heap`` or, for a capped shard, ``cappedHeap``). Owner thread only,
        /// before and after it runs work.
        func setHeap(_ heap: Heap?) {
            if raw.pointee.limit == 0 {
                raw.pointee.heap = heap?.raw
            } else {
                raw.pointee.capped_heap = heap?.raw
            }
        }

        /// The `ShardGroup.id` the record counts for.
        @inlinable
        var groupID: Int { raw.pointee.group_id }

        /// `Mimalloc.sizeClasses`, kept in the record so the fast path needs no lazy-global check.
        @inlinable
        var sizeClasses: UnsafePointer<Int> { raw.pointee.size_classes.unsafelyUnwrapped }

        /// The Swift object this record belongs to (unretained), once set.
        var object: UnsafeMutableRawPointer? {
            get { raw.pointee.object }
            nonmutating set { raw.pointee.object = newValue }
        }

        /// Whether the shard's live bytes are within its cap, right after the owner counted an
        /// allocation: one load and a branch when there is no cap (see `cmi_shard_within_limit`).
        @inlinable
        @inline(__always)
        var isWithinLimit: Bool {
            cmi_shard_within_limit(raw) != 0
        }

        /// Takes back an allocation the owner just counted, whose block it freed again because it
        /// went over the cap.
        @usableFromInline
        func uncountOwnerAllocation(bytes: Int) {
            cmi_uncount_owner_allocation(raw, bytes)
        }

        /// Sets the cap in live bytes (nil: none). Before the owner thread runs any work.
        func setLimit(_ bytes: Int?) {
            raw.pointee.limit = bytes ?? 0
        }

        /// Counts an allocation made by the owner thread: two plain stores.
        @inlinable
        @inline(__always)
        func countOwnerAllocation(bytes: Int) {
            cmi_count_owner_allocation(raw, bytes)
        }

        /// Counts an allocation made here by a thread that does not own the record (a fallback
        /// bucket's): plain stores into the calling thread's own entry.
        @inlinable
        func countOtherAllocation(bytes: Int) {
            cmi_count_other_allocation(raw, bytes)
        }

        /// Counts an allocation asked of this shard's allocator off its thread.
        @inlinable
        func countForeignAllocation() {
            cmi_count_foreign(raw)
        }

        /// Counts a free of a block counted here, on the calling thread (any thread); asks an
        /// idle owner to collect after a remote free.
        @inlinable
        @inline(__always)
        func countFree(bytes: Int) {
            cmi_count_free(raw, bytes)
        }

        /// The owner clears the request that remote frees set, before collecting.
        func clearCollectRequest() {
            cmi_shard_clear_collect_request(raw)
        }

        /// A reading of the record's counters, with every thread's entries.
        var counters: AllocationCounters {
            let counts = cmi_shard_read(raw)
            return AllocationCounters(
                totalAllocations: counts.allocations,
                totalDeallocations: counts.frees,
                allocatedBytes: counts.allocated_bytes,
                freedBytes: counts.freed_bytes,
                remoteDeallocations: counts.remote_frees,
                foreignAllocations: counts.foreign
            )
        }

        /// Sets what the owner runs when a remote free asks it to collect: `handler` gets the
        /// record's ``object``. Call once, before any shard starts.
        static func setCollectHandler(_ handler: @convention(c) (UnsafeMutableRawPointer?) -> Void) {
            cmi_set_collect_handler(handler)
        }
    }
}
