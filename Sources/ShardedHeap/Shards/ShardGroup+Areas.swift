#if canImport(Glibc)
import Glibc
#endif

extension ShardGroup {
    /// The last measured area figures of shard `index`. Does not wait for the shard.
    /// - Precondition: `0 <= index < shardCount`.
    ///
    /// Any thread may call this.
    public func areaFigures(ofShard index: Int) -> ShardAreaFigures {
        let slot = executor(at: index).slot
        let measuredAt = slot.areaMeasuredAtNanoseconds.load(ordering: .relaxed)
        return ShardAreaFigures(
            committedBytes: slot.areaCommittedBytes.load(ordering: .relaxed),
            usedBytes: slot.areaUsedBytes.load(ordering: .relaxed),
            measuredAtUptimeNanoseconds: measuredAt == 0 ? nil : UInt64(measuredAt)
        )
    }

    /// Measures the areas of every started shard now, on each shard's own thread, and waits for
    /// the figures. Shards whose threads have not started (or have stopped) are left as they are.
    ///
    /// - Parameter collect: Collect each heap first (returns memory freed from other threads).
    /// - Complexity: O(pages) on each shard thread.
    public func measureAreas(collect: Bool = false) async {
        await withTaskGroup(of: Void.self) { group in
            for executor in executors where executor.isRunningWithHeap {
                group.addTask {
                    await executor.perform {
                        let slot = executor.slot
                        guard let heap = slot.heap else { return }
                        if collect { heap.collect(force: true) }
                        slot.recordAreas(of: heap)
                    }
                }
            }
        }
    }

    /// Nanoseconds of `CLOCK_MONOTONIC` now, the clock of ``ShardAreaFigures/measuredAtUptimeNanoseconds``.
    public static var uptimeNanoseconds: UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
