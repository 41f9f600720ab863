import CAllocBench
import Dispatch
import Foundation
import ShardedHeap

/// `compare --count ROW --ops N`: one single-threaded row, N operations, inside `measured`, with
/// a synchronous main, so that `valgrind --tool=callgrind --toggle-collect='*measured*'` counts
/// the instructions of the timed loop and nothing else (`scripts/instructions` runs it twice, at N
/// and 2N, and divides the difference by N, so set-up cancels out).
enum InstructionCount {
    /// The rows this mode knows, in the order of the report.
    static let rows: [String] =
        ["churn/mimalloc", "churn/shard", "churn/UniqueBuffer"]
        + pairSizes.flatMap { ["pairs-\($0)/mimalloc", "pairs-\($0)/shard", "pairs-\($0)/UniqueBuffer"] }
        + ["owned-churn/class+mimalloc", "owned-churn/OwnedBuffer"]
        + ["request/bump", "request/bump-checked", "request/Region", "request/Region-cursor"]

    static func main(arguments: [String]) {
        guard let rowAt = arguments.firstIndex(of: "--count"), rowAt + 1 < arguments.count,
            let opsAt = arguments.firstIndex(of: "--ops"), opsAt + 1 < arguments.count,
            let ops = Int(arguments[opsAt + 1]), rows.contains(arguments[rowAt + 1])
        else {
            print("usage: compare --count ROW --ops N, ROW one of: \(rows.joined(separator: " "))")
            exit(2)
        }
        if cab_mi_load() != 0 {
            fatalError("compare: cannot load libmimalloc.so.2: \(String(cString: cab_mi_error()))")
        }
        let row = arguments[rowAt + 1]
        let scenario = String(row.split(separator: "/")[0])
        let name = String(row.split(separator: "/")[1])
        switch name {
        case "mimalloc", "class+mimalloc", "bump", "bump-checked":
            let streams = RandomStreams()
            _ = measured { plainRow(scenario: scenario, name: name, streams: streams, ops: ops) }
        default:
            // Shard rows run on the shard's own thread; this thread waits.
            let group = ShardGroup(shardCount: 1, idleCollectDelay: benchmarkIdleCollectDelay)
            let done = DispatchSemaphore(value: 0)
            Task(executorPreference: group.executor(forShard: 0)) {
                await withShardedAllocation(on: group, shard: 0) { allocator in
                    precondition(allocator.isOnShardThread, "compare: not on a shard thread")
                    let streams = RandomStreams()
                    _ = measured {
                        shardRow(scenario: scenario, name: name, allocator: allocator, streams: streams, ops: ops)
                    }
                }
                done.signal()
            }
            done.wait()
        }
        print("COUNTED \(row) \(ops)")
    }

    /// The loop whose instructions are counted (callgrind's `--toggle-collect` matches its name).
    @inline(never)
    static func measured<Result>(_ body: () -> Result) -> Result {
        body()
    }

    static func plainRow(scenario: String, name: String, streams: RandomStreams, ops: Int) -> Double {
        switch (scenario, name) {
        case ("churn", _): return churn(RawMimalloc(), streams, ops: ops)
        case ("owned-churn", _): return mimallocBoxChurn(streams, ops: ops)
        case ("request", "bump"): return bumpRequests(streams, objects: ops, perRequest: requestSize)
        case ("request", _): return checkedBumpRequests(streams, objects: ops, perRequest: requestSize)
        default: return pairs(RawMimalloc(), size: pairSize(scenario), ops: ops)
        }
    }

    static func shardRow(
        scenario: String,
        name: String,
        allocator: ShardAllocator,
        streams: RandomStreams,
        ops: Int
    ) -> Double {
        switch (scenario, name) {
        case ("churn", "shard"): return churn(ShardRaw(allocator: allocator), streams, ops: ops)
        case ("churn", _): return uniqueChurn(allocator, streams, ops: ops)
        case ("owned-churn", _): return ownedChurn(allocator, streams, ops: ops)
        case ("request", "Region"): return regionRequests(streams, objects: ops, perRequest: requestSize)
        case ("request", _): return cursorRegionRequests(streams, objects: ops, perRequest: requestSize)
        case (_, "shard"): return pairs(ShardRaw(allocator: allocator), size: pairSize(scenario), ops: ops)
        default: return uniquePairs(allocator, size: pairSize(scenario), ops: ops)
        }
    }
}
