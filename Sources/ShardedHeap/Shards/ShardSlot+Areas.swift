#if canImport(Glibc)
import Glibc
#endif

extension ShardSlot {
    /// Measures the heap's areas and publishes the figures. Owner thread only; O(pages).
    func recordAreas(of heap: Mimalloc.Heap) {
        let totals = heap.areaTotals()
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        areaCommittedBytes.store(totals.committedBytes, ordering: .relaxed)
        areaUsedBytes.store(totals.usedBytes, ordering: .relaxed)
        areaMeasuredAtNanoseconds.store(Int(now.tv_sec) * 1_000_000_000 + Int(now.tv_nsec), ordering: .relaxed)
    }
}
