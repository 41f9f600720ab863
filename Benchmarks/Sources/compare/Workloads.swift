import BenchmarkSupport
import CAllocBench
import Glibc
import ShardedHeap

// The timed loops. Every loop reads precomputed sizes and indices through unsafe pointers with a
// power-of-two mask (no division, no bounds check), times the whole loop with CLOCK_MONOTONIC,
// and returns nanoseconds per operation.

/// Precomputed random sizes (16 ... 1,024 bytes) and slot indices (0 ..< 1,024), the same for
/// every allocator (fixed seed).
struct RandomStreams {
    static let count = 1 << 16
    static let mask = count - 1
    static let liveObjects = 1024

    let sizes: UnsafeMutablePointer<Int>
    let indices: UnsafeMutablePointer<Int>

    init(seed: UInt64 = 0x5EED_1234_ABCD_0042) {
        var random = SplitMix64(seed: seed)
        sizes = .allocate(capacity: RandomStreams.count)
        indices = .allocate(capacity: RandomStreams.count)
        for i in 0..<RandomStreams.count {
            sizes[i] = 16 + random.below(1009)
            indices[i] = random.below(RandomStreams.liveObjects)
        }
    }
}

/// An allocator seen as plain `allocate` / `free` of raw pointers.
protocol RawAllocator: Sendable {
    func allocate(_ size: Int) -> UnsafeMutableRawPointer
    func free(_ pointer: UnsafeMutableRawPointer)
}

/// The process's `malloc`: glibc, or jemalloc / tcmalloc / mimalloc when LD_PRELOADed.
struct ProcessMalloc: RawAllocator {
    @inline(__always) func allocate(_ size: Int) -> UnsafeMutableRawPointer { malloc(size)! }
    @inline(__always) func free(_ pointer: UnsafeMutableRawPointer) { Glibc.free(pointer) }
}

/// mimalloc's `mi_malloc` / `mi_free`, loaded privately with dlopen.
struct RawMimalloc: RawAllocator {
    @inline(__always) func allocate(_ size: Int) -> UnsafeMutableRawPointer { cab_mi_malloc(size)! }
    @inline(__always) func free(_ pointer: UnsafeMutableRawPointer) { cab_mi_free(pointer) }
}

/// `ShardAllocator.allocate(byteCount:alignment:)` / `deallocate(_:)` (16-byte header per block).
struct ShardRaw: RawAllocator {
    let allocator: ShardAllocator
    @inline(__always) func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        try! allocator.allocate(byteCount: size, alignment: 16)
    }
    @inline(__always) func free(_ pointer: UnsafeMutableRawPointer) { allocator.deallocate(pointer) }
}

/// Swift's own `UnsafeMutableRawPointer.allocate(byteCount:alignment:)` / `deallocate()`.
struct SwiftAllocate: RawAllocator {
    @inline(__always) func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
    }
    @inline(__always) func free(_ pointer: UnsafeMutableRawPointer) { pointer.deallocate() }
}

@inline(__always)
func elapsedPerOp(_ start: UInt64, _ end: UInt64, _ ops: Int) -> Double {
    Double(end &- start) / Double(ops)
}

// MARK: Single-task loops

/// `ops` allocate+free pairs of one size.
@inline(never)
func pairs<A: RawAllocator>(_ allocator: A, size: Int, ops: Int) -> Double {
    for _ in 0..<1000 { allocator.free(allocator.allocate(size)) }  // warm up
    let start = cab_now_ns()
    for _ in 0..<ops {
        let pointer = allocator.allocate(size)
        cab_escape(pointer)
        allocator.free(pointer)
    }
    return elapsedPerOp(start, cab_now_ns(), ops)
}

/// 1,024 live objects; each op frees a random one and allocates a replacement of random size.
/// The slots are 8-byte pointers.
@inline(never)
func churn<A: RawAllocator>(_ allocator: A, _ streams: RandomStreams, ops: Int) -> Double {
    let sizes = streams.sizes
    let indices = streams.indices
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: RandomStreams.liveObjects)
    defer { slots.deallocate() }
    for j in 0..<RandomStreams.liveObjects { slots[j] = allocator.allocate(sizes[(j &* 7) & mask]) }
    let start = cab_now_ns()
    for i in 0..<ops {
        let k = i & mask
        let j = indices[k]
        allocator.free(slots[j])
        slots[j] = allocator.allocate(sizes[k])
    }
    let end = cab_now_ns()
    for j in 0..<RandomStreams.liveObjects { allocator.free(slots[j]) }
    return elapsedPerOp(start, end, ops)
}

/// Request-scoped work: `perRequest` objects of random sizes, then all of them go at once.
/// ns per object (allocation plus its share of the release).
@inline(never)
func requests<A: RawAllocator>(_ allocator: A, _ streams: RandomStreams, objects: Int, perRequest: Int) -> Double {
    let sizes = streams.sizes
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: perRequest)
    defer { slots.deallocate() }
    let rounds = objects / perRequest
    let start = cab_now_ns()
    for r in 0..<rounds {
        let base = r &* perRequest
        for k in 0..<perRequest { slots[k] = allocator.allocate(sizes[(base &+ k) & mask]) }
        for k in 0..<perRequest { allocator.free(slots[k]) }
    }
    return elapsedPerOp(start, cab_now_ns(), rounds * perRequest)
}

/// The floor for request-scoped work: a bare pointer bump into a preallocated buffer, reset per
/// request (no bounds check: the buffer holds a whole request of the largest size).
@inline(never)
func bumpRequests(_ streams: RandomStreams, objects: Int, perRequest: Int) -> Double {
    let sizes = streams.sizes
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: perRequest)
    defer { slots.deallocate() }
    let arena = UnsafeMutableRawPointer.allocate(byteCount: perRequest * 1040, alignment: 16)
    defer { arena.deallocate() }
    let rounds = objects / perRequest
    let start = cab_now_ns()
    for r in 0..<rounds {
        let base = r &* perRequest
        var cursor = arena
        for k in 0..<perRequest {
            slots[k] = cursor
            cursor += (sizes[(base &+ k) & mask] &+ 15) & ~15
        }
        cab_escape(slots)
    }
    return elapsedPerOp(start, cab_now_ns(), rounds * perRequest)
}

/// A bump with a bounds check (`cab_bump_alloc` on a `cab_bump_t`), reset per request: what an
/// allocator's fast path cannot do with less. The compiler inlines it and keeps the cursor in a
/// register for the whole request (it stores it back once at the end), so this is the floor for
/// `RegionCursor`; `Region.allocate` loads and stores its cursor in the region object each time.
@inline(never)
func checkedBumpRequests(_ streams: RandomStreams, objects: Int, perRequest: Int) -> Double {
    let sizes = streams.sizes
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: perRequest)
    defer { slots.deallocate() }
    let arenaBytes = perRequest * 1040
    let arena = UnsafeMutableRawPointer.allocate(byteCount: arenaBytes, alignment: 16)
    defer { arena.deallocate() }
    let bump = UnsafeMutablePointer<cab_bump_t>.allocate(capacity: 1)
    defer { bump.deallocate() }
    let rounds = objects / perRequest
    let start = cab_now_ns()
    for r in 0..<rounds {
        let base = r &* perRequest
        bump.pointee = cab_bump_t(cursor: UInt(bitPattern: arena), limit: UInt(bitPattern: arena + arenaBytes))
        for k in 0..<perRequest { slots[k] = cab_bump_alloc(bump, sizes[(base &+ k) & mask])! }
        cab_escape(slots)
    }
    return elapsedPerOp(start, cab_now_ns(), rounds * perRequest)
}

// MARK: Buffers and objects

@inline(never)
func uniquePairs(_ allocator: ShardAllocator, size: Int, ops: Int) -> Double {
    let start = cab_now_ns()
    for _ in 0..<ops {
        let buffer = allocator.makeUniqueBuffer(capacity: size)
        cab_escape(buffer.unsafeBaseAddress)
    }
    return elapsedPerOp(start, cab_now_ns(), ops)
}

/// Churn with `UniqueBuffer` slots (40 bytes each, against 8 for a raw pointer).
@inline(never)
func uniqueChurn(_ allocator: ShardAllocator, _ streams: RandomStreams, ops: Int) -> Double {
    let sizes = streams.sizes
    let indices = streams.indices
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UniqueBuffer>.allocate(capacity: RandomStreams.liveObjects)
    defer { slots.deallocate() }
    for j in 0..<RandomStreams.liveObjects {
        (slots + j).initialize(to: allocator.makeUniqueBuffer(capacity: sizes[(j &* 7) & mask]))
    }
    let start = cab_now_ns()
    for i in 0..<ops {
        let k = i & mask
        slots[indices[k]] = allocator.makeUniqueBuffer(capacity: sizes[k])
    }
    let end = cab_now_ns()
    slots.deinitialize(count: RandomStreams.liveObjects)
    return elapsedPerOp(start, end, ops)
}

/// A Swift class that owns one raw mimalloc block: the baseline for `OwnedBuffer`.
final class MimallocBox {
    let pointer: UnsafeMutableRawPointer
    @inline(__always) init(byteCount: Int) { pointer = cab_mi_malloc(byteCount)! }
    deinit { cab_mi_free(pointer) }
}

/// A small Swift object (two stored words).
final class Node {
    var first: Int
    var second: Int
    @inline(__always) init(_ value: Int) {
        first = value
        second = value
    }
}

/// Churn of class instances made by `make` (slots hold one strong reference each).
@inline(__always)
func objectChurn<T: AnyObject>(_ streams: RandomStreams, ops: Int, _ make: (Int) -> T) -> Double {
    let sizes = streams.sizes
    let indices = streams.indices
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<T>.allocate(capacity: RandomStreams.liveObjects)
    defer { slots.deallocate() }
    for j in 0..<RandomStreams.liveObjects { (slots + j).initialize(to: make(sizes[(j &* 7) & mask])) }
    let start = cab_now_ns()
    for i in 0..<ops {
        let k = i & mask
        slots[indices[k]] = make(sizes[k])
    }
    let end = cab_now_ns()
    slots.deinitialize(count: RandomStreams.liveObjects)
    return elapsedPerOp(start, end, ops)
}

@inline(never)
func ownedChurn(_ allocator: ShardAllocator, _ streams: RandomStreams, ops: Int) -> Double {
    // Built uniquely (uninitialised, as MimallocBox's block is), then shared: one block, one object.
    objectChurn(streams, ops: ops) { OwnedBuffer(allocator.makeUniqueBuffer(capacity: $0)) }
}

@inline(never)
func mimallocBoxChurn(_ streams: RandomStreams, ops: Int) -> Double {
    objectChurn(streams, ops: ops) { MimallocBox(byteCount: $0) }
}

@inline(never)
func nodeChurn(_ streams: RandomStreams, ops: Int) -> Double {
    objectChurn(streams, ops: ops) { Node($0) }
}

/// Request-scoped work in a `Region`: one region per request, closed (everything freed at once)
/// when the request ends. Runs on a shard thread, so pages come from the shard's pool.
@inline(never)
func regionRequests(_ streams: RandomStreams, objects: Int, perRequest: Int) -> Double {
    let sizes = streams.sizes
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: perRequest)
    defer { slots.deallocate() }
    let rounds = objects / perRequest
    let start = cab_now_ns()
    for r in 0..<rounds {
        let base = r &* perRequest
        withRegion { region in
            for k in 0..<perRequest { slots[k] = try! region.allocate(byteCount: sizes[(base &+ k) & mask]) }
            cab_escape(slots)
        }
    }
    return elapsedPerOp(start, cab_now_ns(), rounds * perRequest)
}

/// Request-scoped work in a `Region` through a `RegionCursor`: one region per request, as in
/// `regionRequests`, but the loop allocates through `withCursor`, whose state the compiler keeps
/// in registers.
@inline(never)
func cursorRegionRequests(_ streams: RandomStreams, objects: Int, perRequest: Int) -> Double {
    let sizes = streams.sizes
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: perRequest)
    defer { slots.deallocate() }
    let rounds = objects / perRequest
    let start = cab_now_ns()
    for r in 0..<rounds {
        let base = r &* perRequest
        withRegion { region in
            region.withCursor { cursor in
                for k in 0..<perRequest { slots[k] = try! cursor.allocate(byteCount: sizes[(base &+ k) & mask]) }
            }
            cab_escape(slots)
        }
    }
    return elapsedPerOp(start, cab_now_ns(), rounds * perRequest)
}

/// The same objects in a region that lives for 64 requests: the cost of the bump itself, with
/// the open, close and run doubling spread over 64 times as many objects. Shows how much of
/// `regionRequests` is the per-request open and close.
@inline(never)
func longRegionRequests(_ streams: RandomStreams, objects: Int, perRequest: Int) -> Double {
    let sizes = streams.sizes
    let mask = RandomStreams.mask
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: perRequest)
    defer { slots.deallocate() }
    let rounds = objects / perRequest
    var owner = Region.open()
    let start = cab_now_ns()
    for r in 0..<rounds {
        let base = r &* perRequest
        for k in 0..<perRequest { slots[k] = try! owner.region.allocate(byteCount: sizes[(base &+ k) & mask]) }
        cab_escape(slots)
        if r & 63 == 63 {
            owner.close()
            owner = Region.open()
        }
    }
    let end = cab_now_ns()
    owner.close()
    return elapsedPerOp(start, end, rounds * perRequest)
}
