import ShardedHeap

let heap = ShardedHeap(shardCount: 2)
let r = await withShardedAllocation(heap: heap) { alloc in
    var b = alloc.makeUniqueBuffer(byteCount: 100)
    b.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 7) }
    let o = alloc.makeBuffer(byteCount: 4096, alignment: 4096)
    print("shard", heap.currentShardIndex as Any, alloc.shardIndex, b.shardIndex as Any, o.shardIndex as Any, Int(bitPattern: o.unsafeBaseAddress) % 4096)
    await Task.yield()
    return b.count + o.count
}
print(r, heap.counters(ofShard: 0), heap.counters(ofShard: 1), heap.fallbackCounters)
let t0 = ContinuousClock.now
await withShardedAllocation(heap: heap, shard: 0) { alloc in
    for _ in 0..<10_000_000 {
        let b = alloc.makeUniqueBuffer(byteCount: 64)
        _ = consume b
    }
}
print("unique pair:", (ContinuousClock.now - t0) / 10_000_000)
let t1 = ContinuousClock.now
await withShardedAllocation(heap: heap, shard: 0) { alloc in
    for _ in 0..<10_000_000 {
        let b = alloc.makeBuffer(byteCount: 64)
        _ = b
    }
}
print("owned pair:", (ContinuousClock.now - t1) / 10_000_000)
await heap.shutdown()
print(heap.counters(ofShard: 0), heap.fallbackCounters)
