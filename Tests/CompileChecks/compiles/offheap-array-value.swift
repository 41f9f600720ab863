// Off-heap arrays on individually freeing allocators are values: returned, stored and sent.
import ShardedHeap

struct Store: Sendable {
    var readings: OffHeapArray<Double>
}

func make() -> OffHeapArray<Double> {
    var readings = OffHeapArray<Double>(allocator: SystemAllocator())
    readings.append(contentsOf: [1, 2, 3])
    return readings
}

func send() async -> Int {
    let store = Store(readings: make())
    return await Task.detached { store.readings.count }.value
}
