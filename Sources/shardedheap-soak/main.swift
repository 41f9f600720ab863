// shardedheap-soak: a long-running check that memory is never lost or corrupted under load.
//
// Worker tasks on every shard allocate buffers of random sizes (OwnedBuffer, UniqueBuffer, raw
// Allocator pointers and regions), fill them with a pattern derived from a serial number, resize some, and
// either free them at once or hand them to consumer tasks that verify and free them on other
// threads. Every few seconds a second, short-lived heap is created, used, and shut down while
// some of its buffers are still alive; those buffers are verified after the shutdown and then
// freed. Resident memory is sampled each second.
//
// At the end it checks that every verification passed, that the live counts of every heap are
// back to where they started, and that RSS after warm-up never rose more than the stated slack
// above the highest warm-up sample. Exit status 0 means every check passed.
//
// Usage: shardedheap-soak [--seconds N] [--workers N]
import ShardedHeap
import ShardedHeapStats
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var seconds = 60
    var workers = 32

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            guard let text = iterator.next(), let value = Int(text), value > 0 else {
                Options.fail("\(argument) needs a positive whole number")
            }
            switch argument {
            case "--seconds": seconds = value
            case "--workers": workers = value
            default: Options.fail("unknown argument '\(argument)'")
            }
        }
    }

    static func fail(_ message: String) -> Never {
        print("shardedheap-soak: \(message)\nusage: shardedheap-soak [--seconds N] [--workers N]")
        exit(2)
    }
}

/// RSS may not rise more than this above the highest warm-up sample.
let rssSlackBytes = 64 << 20

/// Writes the pattern of `serial` into `bytes`.
func stamp(_ bytes: UnsafeMutableRawBufferPointer, serial: UInt64) {
    var value = serial &* 0x9E37_79B9_7F4A_7C15
    for index in 0..<bytes.count {
        value = value &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes[index] = UInt8(truncatingIfNeeded: value >> 56)
    }
}

/// Whether `bytes` still hold the pattern of `serial`.
func holdsStamp(_ bytes: UnsafeRawBufferPointer, serial: UInt64) -> Bool {
    var value = serial &* 0x9E37_79B9_7F4A_7C15
    for index in 0..<bytes.count {
        value = value &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        if bytes[index] != UInt8(truncatingIfNeeded: value >> 56) { return false }
    }
    return true
}

struct Stamped: Sendable {
    let buffer: OwnedBuffer
    let serial: UInt64
}

final class Tally: Sendable {
    let operations = Atomic<Int>(0)
    let verified = Atomic<Int>(0)
    let corrupt = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)

    func check(_ ok: Bool) {
        if ok {
            verified.wrappingAdd(1, ordering: .relaxed)
        } else {
            corrupt.wrappingAdd(1, ordering: .relaxed)
        }
    }
}

struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11
    }
    mutating func size() -> Int {
        let roll = next() % 100
        if roll < 80 { return Int(next() % 1024) }
        if roll < 98 { return 1024 + Int(next() % 65_536) }
        return 256 * 1024 + Int(next() % (2 << 20))
    }
}

/// One round of a worker: mixed allocations on `alloc`, some handed to `outbox`.
func workerRound(
    alloc: ShardAllocator,
    generator: inout Generator,
    serialBase: UInt64,
    outbox: AsyncStream<Stamped>.Continuation,
    tally: Tally
) async {
    var kept: [Stamped] = []
    for step in 0..<64 {
        let serial = serialBase &+ UInt64(step)
        let size = generator.size()
        switch generator.next() % 5 {
        case 4:
            // A region: many blocks, one await in the middle (the task may change threads and
            // the region then takes pages from the shared pool), all freed at close.
            let blocks = 1 + Int(generator.next() % 32)
            let regionSize = min(size, 8192)
            await withRegion { region in
                var pointers: [UnsafeMutableRawPointer] = []
                for block in 0..<blocks {
                    if block == blocks / 2 { await Task.yield() }
                    let pointer = try! region.allocate(byteCount: regionSize, alignment: 8)
                    stamp(
                        UnsafeMutableRawBufferPointer(start: pointer, count: regionSize),
                        serial: serial &+ UInt64(block)
                    )
                    pointers.append(pointer)
                }
                for (block, pointer) in pointers.enumerated() {
                    tally.check(
                        holdsStamp(
                            UnsafeRawBufferPointer(start: pointer, count: regionSize),
                            serial: serial &+ UInt64(block)
                        )
                    )
                }
            }
        case 0:
            var unique = alloc.makeUniqueBuffer(byteCount: size)
            unique.withUnsafeMutableBytes { stamp($0, serial: serial) }
            if generator.next() % 3 == 0 { await Task.yield() }
            tally.check(unique.withUnsafeBytes { holdsStamp($0, serial: serial) })
        case 1:
            let pointer = try! alloc.allocate(byteCount: size, alignment: 1 << Int(generator.next() % 8))
            let bytes = UnsafeMutableRawBufferPointer(start: pointer, count: size)
            stamp(bytes, serial: serial)
            tally.check(holdsStamp(UnsafeRawBufferPointer(bytes), serial: serial))
            alloc.deallocate(pointer)
        default:
            // Build uniquely, then share: the shared buffer takes over the block.
            var unique = alloc.makeUniqueBuffer(capacity: size)
            unique.withUnsafeUninitializedCapacity { bytes, initialized in
                stamp(UnsafeMutableRawBufferPointer(rebasing: bytes[0..<size]), serial: serial)
                initialized = size
            }
            if generator.next() % 5 == 0 {
                // Grow (the new bytes are zeroed), then re-stamp the whole buffer.
                unique.resize(to: size * 2 + 1)
                unique.withUnsafeMutableBytes { stamp($0, serial: serial) }
            }
            kept.append(Stamped(buffer: OwnedBuffer(unique), serial: serial))
        }
        tally.bytes.wrappingAdd(size, ordering: .relaxed)
        tally.operations.wrappingAdd(1, ordering: .relaxed)
    }
    for stamped in kept {
        if generator.next() % 2 == 0 {
            outbox.yield(stamped)  // verified and freed by a consumer, on another thread
        } else {
            tally.check(stamped.buffer.withUnsafeBytes { holdsStamp($0, serial: stamped.serial) })
        }
    }
}

func residentBytes() -> Int { Stats.snapshot(of: ShardGroup.shared).process.residentBytes }

let options = Options(arguments: CommandLine.arguments)
let heap = ShardGroup(shardCount: max(2, ShardGroup.activeProcessorCount))
let baseline = LeakTracker(group: heap)
let tally = Tally()
let clock = ContinuousClock()
let deadline = clock.now + .seconds(options.seconds)
let warmUpEnd = clock.now + .seconds(max(1, options.seconds / 5))
print(
    "soak: \(options.seconds) s, \(options.workers) workers, \(heap.shardCount) shards, RSS slack \(rssSlackBytes >> 20) MiB"
)

let (stream, outbox) = AsyncStream.makeStream(of: Stamped.self, bufferingPolicy: .bufferingNewest(10_000))
let consumers = (0..<2).map { _ in
    Task.detached {
        for await stamped in stream {
            tally.check(stamped.buffer.withUnsafeBytes { holdsStamp($0, serial: stamped.serial) })
        }
    }
}

let ephemeralLeaks = Atomic<Int>(0)
let ephemeralRounds = Atomic<Int>(0)
let monitor = Task {
    var warmUpPeak = 0
    var worstAfterWarmUp = 0
    var nextEphemeral = clock.now + .seconds(3)
    while clock.now < deadline {
        try? await Task.sleep(for: .seconds(1))
        let rss = residentBytes()
        if clock.now < warmUpEnd {
            warmUpPeak = max(warmUpPeak, rss)
        } else {
            worstAfterWarmUp = max(worstAfterWarmUp, rss)
        }
        if clock.now >= nextEphemeral {
            nextEphemeral = clock.now + .seconds(3)
            // A short-lived heap, shut down mid-use.
            let ephemeral = ShardGroup(shardCount: 2)
            let tracker = LeakTracker(group: ephemeral)
            let survivors = await withShardedAllocation(on: ephemeral) { alloc in
                (0..<200).map { index in
                    let buffer = alloc.makeBuffer(byteCount: 64 + index * 17)
                    buffer.withUnsafeMutableBytes { stamp($0, serial: UInt64(index)) }
                    return Stamped(buffer: buffer, serial: UInt64(index))
                }
            }
            await ephemeral.shutdown()
            for survivor in survivors {
                tally.check(survivor.buffer.withUnsafeBytes { holdsStamp($0, serial: survivor.serial) })
            }
            _ = consume survivors
            ephemeralLeaks.wrappingAdd(tracker.leakedAllocations, ordering: .relaxed)
            ephemeralRounds.wrappingAdd(1, ordering: .relaxed)
        }
    }
    return (warmUpPeak, worstAfterWarmUp)
}

await withTaskGroup(of: Void.self) { group in
    for worker in 0..<options.workers {
        group.addTask {
            var generator = Generator(state: UInt64(worker) &* 0x2545_F491_4F6C_DD1D | 1)
            var round: UInt64 = 0
            while clock.now < deadline {
                await withShardedAllocation(on: heap) { alloc in
                    await workerRound(
                        alloc: alloc,
                        generator: &generator,
                        serialBase: UInt64(worker) << 40 | round << 8,
                        outbox: outbox,
                        tally: tally
                    )
                }
                round += 1
            }
        }
    }
}
outbox.finish()
for consumer in consumers { await consumer.value }
let (warmUpPeak, worstAfterWarmUp) = await monitor.value
await heap.measureAreas(collect: true)

let leaked = baseline.leakedAllocations
let corrupt = tally.corrupt.load(ordering: .relaxed)
let rssGrowth = worstAfterWarmUp - warmUpPeak
print(Stats.snapshot(of: heap).description)
print(
    """
    soak summary: \(tally.operations.load(ordering: .relaxed)) operations, \
    \(tally.bytes.load(ordering: .relaxed) >> 20) MiB allocated, \
    \(tally.verified.load(ordering: .relaxed)) buffers verified, \(corrupt) corrupt; \
    \(ephemeralRounds.load(ordering: .relaxed)) heaps shut down mid-use, \
    \(ephemeralLeaks.load(ordering: .relaxed)) allocations left in them; \
    \(leaked) allocations left in the main heap; \
    RSS warm-up peak \(warmUpPeak >> 20) MiB, highest after warm-up \(worstAfterWarmUp >> 20) MiB \
    (growth \(rssGrowth >> 20) MiB, slack \(rssSlackBytes >> 20) MiB)
    """
)
let passed =
    corrupt == 0 && leaked == 0 && ephemeralLeaks.load(ordering: .relaxed) == 0
    && ephemeralRounds.load(ordering: .relaxed) > 0 && rssGrowth <= rssSlackBytes
print(passed ? "soak: 1 passed, 0 failed" : "soak: 0 passed, 1 failed")
exit(passed ? 0 : 1)
