#if canImport(Glibc)
import Glibc
#endif

extension ShardSlot {
    /// Measures the heap's areas and publishes the figures. Owner thread only; O(pages).
    func recordAreas(of heap: Mimalloc.Heap) {
        let totals = heap.areaTotals()
        areaCommittedBytes.store(totals.committedBytes, ordering: .relaxed)
        areaUsedBytes.store(totals.usedBytes, ordering: .relaxed)
        areaMeasuredAtNanoseconds.store(Int(ShardGroup.uptimeNanoseconds), ordering: .relaxed)
    }
}
