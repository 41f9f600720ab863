@preconcurrency import Benchmark
import CAllocBench
import ShardedHeap

/// A request in a region: 256 objects of 16 ... 1,024 bytes, then close. On a shard thread the
/// pages come from the shard's pool, so a warm pool makes no system malloc.
func regionBenchmarks() {
    Benchmark("Region.request.256x16-1024B.x100") { benchmark in
        await withShardedAllocation { allocator in
            guard allocator.isOnShardThread else {
                benchmark.error("not on a shard thread")
                return
            }
            let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: 256)
            defer { slots.deallocate() }
            benchmark.startMeasurement()
            for request in 0..<100 {
                withRegion { region in
                    for k in 0..<256 { slots[k] = try! region.allocate(byteCount: size(request &* 256 &+ k)) }
                    cab_escape(slots)
                }
            }
            benchmark.stopMeasurement()
        }
    }
}
