import CAllocBench
import Glibc
import ShardedHeap
import Synchronization

// Multi-task workloads. The same code runs on plain threads (glibc, mimalloc, jemalloc, tcmalloc)
// and on shard threads (each worker inside `withShardedAllocation(on:shard:)` of a group with one
// shard per worker), so only the allocator differs. Every spawner pins worker `i` to CPU `i` (mod
// the CPUs there are), so that every row runs with the same placement: producer/consumer, for
// one, takes about 3x longer with its two threads on two CPUs than on one, and medians over runs
// that mix the two placements move with the scheduler, not the allocator.

/// A raw pointer that workers share on purpose; each workload says who touches what, when.
struct Shared<T>: @unchecked Sendable {  // Safe: hand-offs are ordered by atomics or joins.
    let pointer: UnsafeMutablePointer<T>
}

/// Starts `count` workers, returns when all have finished.
protocol Spawner: Sendable {
    func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async
}

/// One pthread per worker.
struct ThreadSpawner: Spawner {
    final class Work: @unchecked Sendable {  // Safe: immutable after init.
        let body: @Sendable (Int) -> Void
        let index: Int
        init(_ body: @escaping @Sendable (Int) -> Void, _ index: Int) {
            self.body = body
            self.index = index
        }
    }

    func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        var threads: [pthread_t] = []
        for index in 0..<count {
            var thread = pthread_t()
            let work = Unmanaged.passRetained(Work(body, index)).toOpaque()
            let status = pthread_create(
                &thread,
                nil,
                { argument in
                    let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
                    precondition(cab_pin_current_thread(Int32(work.index)) == 0, "cannot pin worker \(work.index)")
                    work.body(work.index)
                    return nil
                },
                work
            )
            precondition(status == 0, "pthread_create failed: \(status)")
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
    }
}

/// One shard thread per worker: worker `i` runs inside `withShardedAllocation(on:shard: i)`.
struct ShardSpawner: Spawner {
    let heap: ShardGroup

    func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        precondition(count <= heap.shardCount)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    await withShardedAllocation(on: heap, shard: index) { allocator in
                        guard allocator.isOnShardThread else { fatalError("worker \(index) is not on a shard thread") }
                        // The shard's thread is the worker's: pin it as ThreadSpawner pins its own.
                        precondition(cab_pin_current_thread(Int32(index)) == 0, "cannot pin worker \(index)")
                        body(index)
                    }
                }
            }
        }
    }
}

/// The two counters of the producer/consumer ring.
final class Ring: Sendable {
    let produced = Atomic<Int>(0)
    let consumed = Atomic<Int>(0)
}

/// Producer/consumer (xmalloc-test style): worker 0 allocates objects in batches of 256 and
/// hands each batch over a 16-batch ring; worker 1 frees them. ns per object (wall time).
func producerConsumer<A: RawAllocator, S: Spawner>(
    _ allocator: A,
    _ spawner: S,
    _ streams: RandomStreams,
    objects: Int
) async -> Double {
    let batch = 256
    let ringSize = 16
    let batches = objects / batch
    let ring = Ring()
    let storage = Shared(pointer: UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: batch * ringSize))
    defer { storage.pointer.deallocate() }
    let sizes = Shared(pointer: streams.sizes)
    let start = cab_now_ns()
    await spawner.run(2) { worker in
        let buffers = storage.pointer
        if worker == 0 {
            for b in 0..<batches {
                while b &- ring.consumed.load(ordering: .acquiring) >= ringSize { sched_yield() }
                let buffer = buffers + (b & (ringSize - 1)) &* batch
                let base = b &* batch
                for k in 0..<batch { buffer[k] = allocator.allocate(sizes.pointer[(base &+ k) & RandomStreams.mask]) }
                ring.produced.store(b + 1, ordering: .releasing)
            }
        } else {
            for b in 0..<batches {
                while ring.produced.load(ordering: .acquiring) <= b { sched_yield() }
                let buffer = buffers + (b & (ringSize - 1)) &* batch
                for k in 0..<batch { allocator.free(buffer[k]) }
                ring.consumed.store(b + 1, ordering: .releasing)
            }
        }
    }
    return elapsedPerOp(start, cab_now_ns(), batches * batch)
}

/// Larson-style server churn: each worker replaces random objects in its array of 1,024; every
/// 4,096 operations it swaps its array with a mailbox, so it goes on to free objects that other
/// workers allocated. ns per operation (wall time / all workers' operations).
func larson<A: RawAllocator, S: Spawner>(
    _ allocator: A,
    _ spawner: S,
    _ streams: RandomStreams,
    workers: Int,
    opsPerWorker: Int
) async -> Double {
    let live = RandomStreams.liveObjects
    let round = 4096
    let rounds = opsPerWorker / round
    func filledArray() -> UnsafeMutablePointer<UnsafeMutableRawPointer> {
        let array = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: live)
        for j in 0..<live { array[j] = allocator.allocate(streams.sizes[(j &* 13) & RandomStreams.mask]) }
        return array
    }
    let mailboxes = Mutex<[Int]>((0..<workers).map { _ in Int(bitPattern: filledArray()) })
    let finals = Shared(pointer: UnsafeMutablePointer<Int>.allocate(capacity: workers))
    defer { finals.pointer.deallocate() }
    let streamSizes = Shared(pointer: streams.sizes)
    let streamIndices = Shared(pointer: streams.indices)
    let start = cab_now_ns()
    await spawner.run(workers) { worker in
        let sizes = streamSizes.pointer
        let indices = streamIndices.pointer
        var array = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: live)
        for j in 0..<live { array[j] = allocator.allocate(sizes[(j &* 5 &+ worker) & RandomStreams.mask]) }
        var i = worker &* 9973
        for r in 0..<rounds {
            for _ in 0..<round {
                let k = i & RandomStreams.mask
                let j = indices[k]
                allocator.free(array[j])
                array[j] = allocator.allocate(sizes[k])
                i &+= 1
            }
            let mine = Int(bitPattern: array)
            let theirs = mailboxes.withLock { boxes in
                let slot = (worker + r) % workers
                let other = boxes[slot]
                boxes[slot] = mine
                return other
            }
            array = UnsafeMutablePointer(bitPattern: theirs)!
        }
        finals.pointer[worker] = Int(bitPattern: array)
    }
    let end = cab_now_ns()
    var arrays = mailboxes.withLock { $0 }
    arrays += (0..<workers).map { finals.pointer[$0] }
    for bits in arrays {
        let array = UnsafeMutablePointer<UnsafeMutableRawPointer>(bitPattern: bits)!
        for j in 0..<live { allocator.free(array[j]) }
        array.deallocate()
    }
    return elapsedPerOp(start, end, workers * rounds * round)
}

/// Cache-scratch (false sharing): the main thread allocates one 8-byte object per worker; each
/// worker frees it, then repeatedly allocates an 8-byte object, writes it `writes` times and frees
/// it. An allocator that hands neighbouring bytes to different threads makes the writes fight
/// over a cache line. ns per allocate+write+free (wall time / all workers' iterations).
func cacheScratch<A: RawAllocator, S: Spawner>(
    _ allocator: A,
    _ spawner: S,
    workers: Int,
    iterations: Int,
    writes: Int
) async -> Double {
    let initial = Shared(pointer: UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: workers))
    defer { initial.pointer.deallocate() }
    for w in 0..<workers { initial.pointer[w] = allocator.allocate(8) }
    let start = cab_now_ns()
    await spawner.run(workers) { worker in
        allocator.free(initial.pointer[worker])
        for _ in 0..<iterations {
            let object = allocator.allocate(8)
            cab_touch(object, Int32(writes))
            allocator.free(object)
        }
    }
    return elapsedPerOp(start, cab_now_ns(), workers * iterations)
}
