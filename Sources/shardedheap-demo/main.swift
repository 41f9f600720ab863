// shardedheap-demo: a simulated request-serving workload on ShardGroup.
//
// Many concurrent "requests" each run in a shard scope: they allocate a request body, fill it,
// parse it into a response buffer, verify checksums, and drop both. One request in four hands its
// response to a separate "sender" task, which checks and frees it on another thread (a remote
// free). The demo prints progress while it runs and ends with per-shard counters and throughput.
//
// Usage: shardedheap-demo [--requests N] [--concurrency N]
import ShardedHeap
import ShardedHeapStats

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var requests = 200_000
    var concurrency = 64

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--requests": requests = Options.positive(iterator.next(), name: argument)
            case "--concurrency": concurrency = Options.positive(iterator.next(), name: argument)
            case "--help", "-h":
                print("usage: shardedheap-demo [--requests N] [--concurrency N]")
                exit(0)
            default:
                Options.fail("unknown argument '\(argument)'")
            }
        }
    }

    static func positive(_ text: String?, name: String) -> Int {
        guard let text, let value = Int(text), value > 0 else {
            fail("\(name) needs a positive whole number (got '\(text ?? "")')")
        }
        return value
    }

    static func fail(_ message: String) -> Never {
        print("shardedheap-demo: \(message)")
        exit(2)
    }
}

/// A response handed to the sender task, which verifies and frees it.
struct Outgoing: Sendable {
    let buffer: OwnedBuffer
    let checksum: UInt64
}

/// FNV-1a over the bytes.
func checksum(_ bytes: RawSpan) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for offset in 0..<bytes.byteCount {
        hash = (hash ^ UInt64(bytes.unsafeLoad(fromByteOffset: offset, as: UInt8.self))) &* 0x100_0000_01b3
    }
    return hash
}

/// One simulated request: returns a response to send later, or nil when it was answered inline.
/// Returns `.failure` if any byte check failed.
func handle(request number: Int, alloc: ShardAllocator) async -> Result<Outgoing?, DemoFailure> {
    var generator = SplitMix(seed: UInt64(number))
    let bodySize = 512 + Int(generator.next() % 16_384)
    var body = alloc.makeUniqueBuffer(byteCount: bodySize)
    var mutableBody = body.mutableBytes
    for offset in 0..<bodySize {
        mutableBody.storeBytes(of: UInt8(truncatingIfNeeded: generator.next()), toByteOffset: offset, as: UInt8.self)
    }
    let expected = checksum(body.bytes)

    // Awaiting lets the task hop threads; the allocator re-checks the thread at every call.
    if number % 8 == 0 { await Task.yield() }

    // Build the response uniquely, then share it.
    var building = alloc.makeUniqueBuffer(capacity: bodySize / 2 + 64)
    building.append(maximumByteCount: bodySize / 2 + 64) { output in
        for offset in 0..<(bodySize / 2 + 64) {
            output.append(body.bytes.unsafeLoad(fromByteOffset: offset % bodySize, as: UInt8.self) ^ 0x5A)
        }
    }
    let response = OwnedBuffer(building)
    guard checksum(body.bytes) == expected else { return .failure(DemoFailure(request: number)) }
    let responseChecksum = checksum(response.bytes)
    if number % 4 == 0 {
        return .success(Outgoing(buffer: response, checksum: responseChecksum))
    }
    guard checksum(response.bytes) == responseChecksum else { return .failure(DemoFailure(request: number)) }
    return .success(nil)
}

struct DemoFailure: Error {
    let request: Int
}

/// A small deterministic generator, so every run does the same work.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let options = Options(arguments: CommandLine.arguments)
let heap = ShardGroup.shared
print("ShardedHeap demo: \(options.requests) requests, \(options.concurrency) at a time, \(heap.shardCount) shards")

let (sendStream, sendQueue) = AsyncStream.makeStream(of: Outgoing.self)
let sender = Task.detached { () -> Int in
    var bad = 0
    for await outgoing in sendStream where checksum(outgoing.buffer.bytes) != outgoing.checksum {
        bad += 1
    }
    return bad  // each buffer is freed here, on the sender's thread
}

let started = ContinuousClock.now
var failures = 0
var completed = 0
let progressStep = max(1, options.requests / 10)

await withTaskGroup(of: Result<Outgoing?, DemoFailure>.self) { group in
    var next = 0
    func launch() {
        let number = next
        next += 1
        group.addTask {
            await withShardedAllocation { alloc in await handle(request: number, alloc: alloc) }
        }
    }
    for _ in 0..<min(options.concurrency, options.requests) { launch() }
    while let result = await group.next() {
        switch result {
        case .success(let outgoing?): sendQueue.yield(outgoing)
        case .success(nil): break
        case .failure: failures += 1
        }
        completed += 1
        if completed % progressStep == 0 || completed == options.requests {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let snapshot = Stats.snapshot(of: heap)
            print(
                "  \(String(completed).leftPadded(to: 8)) requests  "
                    + "\(String(Int(Double(completed) / max(seconds, 1e-9))).leftPadded(to: 9)) req/s  "
                    + "live \(snapshot.totals.heapLiveBytes) B in \(snapshot.totals.liveAllocations) blocks, "
                    + "RSS \(snapshot.process.residentBytes >> 20) MiB"
            )
            if completed % (progressStep * 5) == 0 && completed < options.requests {
                await heap.measureAreas()  // fresh committed/used figures from each shard thread
                print(Stats.snapshot(of: heap).description)
            }
        }
        if next < options.requests { launch() }
    }
}
sendQueue.finish()
let badSends = await sender.value
let elapsed = ContinuousClock.now - started
await heap.measureAreas(collect: true)

print("")
print("Final per-shard counters of the shared heap (areas measured after a collect):")
print(Stats.snapshot(of: heap).description)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(
    "\(options.requests) requests in \(String(format2: seconds)) s: "
        + "\(Int(Double(options.requests) / seconds)) requests/s; "
        + "check failures: \(failures + badSends)"
)
exit(failures + badSends == 0 ? 0 : 1)

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = String(hundredths % 100)
        self = "\(hundredths / 100).\(fraction.count == 1 ? "0" + fraction : fraction)"
    }
}
