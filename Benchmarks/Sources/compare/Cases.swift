import CAllocBench
import Foundation
import ShardedHeap

/// Where the allocator under test comes from.
enum Preload: String, Codable {
    case jemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
    case tcmalloc = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"
    case mimalloc = "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"

    var isInstalled: Bool { FileManager.default.fileExists(atPath: rawValue) }
}

/// One row of the table: an allocator running a scenario in a child process.
struct Case: Sendable {
    let scenario: String
    let allocator: String
    /// LD_PRELOADed into the child (jemalloc, tcmalloc, or mimalloc process-wide).
    let preload: Preload?
    /// The row this one is divided by in the table's ratio column (same scenario).
    let isBaseline: Bool

    var id: String { "\(scenario)/\(allocator)" }

    init(_ scenario: String, _ allocator: String, preload: Preload? = nil, baseline: Bool = false) {
        self.scenario = scenario
        self.allocator = allocator
        self.preload = preload
        self.isBaseline = baseline
    }
}

/// Operation counts; `scale` shrinks or grows all of them (`--quick` is 0.1).
struct OpCounts {
    var scale: Double
    func n(_ base: Int) -> Int { max(4096, Int(Double(base) * scale) / 4096 * 4096) }
    var pairs: Int { n(4_000_000) }
    var churn: Int { n(4_000_000) }
    var objects: Int { n(2_000_000) }
    var requests: Int { n(4_000_000) }
    var producerConsumer: Int { n(1_000_000) }
    var larsonPerWorker: Int { n(1_000_000) }
    var scratchPerWorker: Int { n(1_000_000) }
}

let pairSizes = [16, 64, 256, 1024]
let requestSize = 256
let larsonWorkers = 4
let scratchWorkers = 2
let scratchWrites = 16
/// Shards in benchmark children collect after 10 minutes idle, not 50 ms, so that no idle
/// collect (which also walks the heap's pages) runs on a shard while another worker is still in
/// its timed loop. A timed loop that runs on a shard's own thread keeps that shard busy anyway.
let benchmarkIdleCollectDelay = Duration.seconds(600)

/// The general-purpose allocators, each in its own process: glibc is the process's own malloc;
/// mimalloc is loaded privately with dlopen; jemalloc and tcmalloc come in through LD_PRELOAD.
func generalAllocators(_ scenario: String) -> [Case] {
    [
        Case(scenario, "glibc"),
        Case(scenario, "mimalloc", baseline: true),
        Case(scenario, "jemalloc", preload: .jemalloc),
        Case(scenario, "tcmalloc", preload: .tcmalloc),
    ]
}

func allCases() -> [Case] {
    var cases: [Case] = []
    for size in pairSizes {
        cases += generalAllocators("pairs-\(size)")
        cases += [Case("pairs-\(size)", "shard"), Case("pairs-\(size)", "UniqueBuffer")]
    }
    cases += generalAllocators("churn") + [Case("churn", "shard"), Case("churn", "UniqueBuffer")]
    cases += [
        Case("owned-churn", "class+mimalloc", baseline: true),
        Case("owned-churn", "OwnedBuffer"),
    ]
    cases += [
        Case("swift-allocate", "mimalloc", baseline: true),
        Case("swift-allocate", "swift"),
        Case("swift-allocate", "swift+package"),
        Case("swift-allocate", "swift+preload-mimalloc", preload: .mimalloc),
        Case("swift-class", "swift", baseline: true),
        Case("swift-class", "swift+package"),
        Case("swift-class", "swift+preload-mimalloc", preload: .mimalloc),
    ]
    for scenario in ["producer-consumer", "larson", "cache-scratch"] {
        cases += generalAllocators(scenario) + [Case(scenario, "shard")]
    }
    cases += generalAllocators("request")
    cases += [
        Case("request", "bump"), Case("request", "bump-checked"), Case("request", "Region"),
        Case("request", "Region-cursor"),
        Case("request", "Region-long"),
    ]
    return cases
}

// MARK: The child side

/// Runs one case in this (child) process; returns ns per operation.
func runChild(_ c: Case, ops: OpCounts) async -> Double {
    if cab_mi_load() != 0 {
        fatalError("compare: cannot load libmimalloc.so.2: \(String(cString: cab_mi_error()))")
    }
    let streams = RandomStreams()
    let scenario = c.scenario
    let name = c.allocator

    // The rows that run inside a shard scope.
    if ["shard", "UniqueBuffer", "OwnedBuffer", "Region", "Region-cursor", "Region-long"].contains(name) {
        let multi = ["producer-consumer", "larson", "cache-scratch"].contains(scenario)
        if multi {
            let workers = scenario == "larson" ? larsonWorkers : scenario == "cache-scratch" ? scratchWorkers : 2
            let heap = ShardGroup(shardCount: workers, idleCollectDelay: benchmarkIdleCollectDelay)
            let allocator = await withShardedAllocation(on: heap, shard: 0) { $0 }
            return await general(scenario, ShardRaw(allocator: allocator), ShardSpawner(heap: heap), streams, ops)
        }
        return await withShardedAllocation(on: ShardGroup(shardCount: 1, idleCollectDelay: benchmarkIdleCollectDelay)) {
            allocator in
            guard allocator.isOnShardThread else { fatalError("compare: not on a shard thread") }
            switch (scenario, name) {
            case ("churn", "UniqueBuffer"): return uniqueChurn(allocator, streams, ops: ops.churn)
            case ("owned-churn", "OwnedBuffer"): return ownedChurn(allocator, streams, ops: ops.objects)
            case ("request", "Region"): return regionRequests(streams, objects: ops.requests, perRequest: requestSize)
            case ("request", "Region-cursor"):
                return cursorRegionRequests(streams, objects: ops.requests, perRequest: requestSize)
            case ("request", "Region-long"):
                return longRegionRequests(streams, objects: ops.requests, perRequest: requestSize)
            case (_, "UniqueBuffer"): return uniquePairs(allocator, size: pairSize(scenario), ops: ops.pairs)
            default: return await general(scenario, ShardRaw(allocator: allocator), ThreadSpawner(), streams, ops)
            }
        }
    }
    switch (scenario, name) {
    case ("owned-churn", "class+mimalloc"): return mimallocBoxChurn(streams, ops: ops.objects)
    case ("swift-allocate", "mimalloc"): return churn(RawMimalloc(), streams, ops: ops.churn)
    case ("swift-allocate", _):
        if name == "swift+package" { await touchPackage() }
        return churn(SwiftAllocate(), streams, ops: ops.churn)
    case ("swift-class", _):
        if name == "swift+package" { await touchPackage() }
        return nodeChurn(streams, ops: ops.objects)
    case ("request", "bump"): return bumpRequests(streams, objects: ops.requests, perRequest: requestSize)
    case ("request", "bump-checked"):
        return checkedBumpRequests(streams, objects: ops.requests, perRequest: requestSize)
    case (_, "mimalloc"): return await general(scenario, RawMimalloc(), ThreadSpawner(), streams, ops)
    default: return await general(scenario, ProcessMalloc(), ThreadSpawner(), streams, ops)
    }
}

func pairSize(_ scenario: String) -> Int { Int(scenario.dropFirst("pairs-".count))! }

/// The scenarios every raw allocator runs.
func general<A: RawAllocator, S: Spawner>(
    _ scenario: String,
    _ allocator: A,
    _ spawner: S,
    _ streams: RandomStreams,
    _ ops: OpCounts
) async -> Double {
    switch scenario {
    case "churn": return churn(allocator, streams, ops: ops.churn)
    case "request": return requests(allocator, streams, objects: ops.requests, perRequest: requestSize)
    case "producer-consumer":
        return await producerConsumer(allocator, spawner, streams, objects: ops.producerConsumer)
    case "larson":
        return await larson(allocator, spawner, streams, workers: larsonWorkers, opsPerWorker: ops.larsonPerWorker)
    case "cache-scratch":
        return await cacheScratch(
            allocator,
            spawner,
            workers: scratchWorkers,
            iterations: ops.scratchPerWorker,
            writes: scratchWrites
        )
    default:
        if scenario.hasPrefix("pairs-") { return pairs(allocator, size: pairSize(scenario), ops: ops.pairs) }
        fatalError("compare: unknown scenario \(scenario)")
    }
}

/// Makes this process load and use the package (mimalloc opened, a shard thread started), as an
/// application that uses ShardGroup would, before timing Swift's own allocations.
func touchPackage() async {
    let capacity = await withShardedAllocation { allocator in allocator.makeUniqueBuffer(capacity: 64).capacity }
    let outside = UniqueBuffer(capacity: 64)
    precondition(capacity >= 64 && outside.capacity >= 64)
}
