// The README's build-then-share example.
import ShardedHeap

func share(_ payload: RawSpan) async -> Int {
    await withShardedAllocation { alloc in
        var unique = alloc.makeUniqueBuffer(capacity: payload.byteCount + 8)
        unique.append(payload)
        unique.append(repeating: 0, count: 8)
        let shared = OwnedBuffer(unique)
        return await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { shared.bytes.byteCount } }
            return await group.reduce(0, +)
        }
    }
}
