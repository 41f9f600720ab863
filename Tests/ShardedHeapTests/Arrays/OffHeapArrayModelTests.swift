import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// The allocators the OffHeapArray model test runs against.
enum ModelAllocator: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case mimalloc, system, counting, shard

    var testDescription: String { rawValue }
}

/// One random operation on an array and on a Swift `Array` model; the caller applies it to both.
enum ModelStep {
    case append(Int32)
    case appendContiguous([Int32])
    case appendLazy(Int, Int32)
    case insert(Int32, Int)
    case remove(Int)
    case removeLast
    case assign(Int, Int32)
    case swap(Int, Int)
    case removeAll(keepingCapacity: Bool)
    case reserve(Int)
    case sortPrefix(Int)
    case compareSpan

    static func random(count: Int, using random: inout SplitMix64) -> ModelStep {
        let value = Int32.random(in: .min ... .max, using: &random)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<40: return .append(value)
        case 40..<45: return .appendContiguous((0..<Int.random(in: 0...40, using: &random)).map { Int32($0) &* value })
        case 45..<50: return .appendLazy(Int.random(in: 0...10, using: &random), value)
        case 50..<58: return .insert(value, Int.random(in: 0...count, using: &random))
        case 58..<66 where count > 0: return .remove(Int.random(in: 0..<count, using: &random))
        case 66..<74 where count > 0: return .removeLast
        case 74..<88 where count > 0: return .assign(Int.random(in: 0..<count, using: &random), value)
        case 88..<92 where count > 1:
            return .swap(Int.random(in: 0..<count, using: &random), Int.random(in: 0..<count, using: &random))
        case 92..<94: return .removeAll(keepingCapacity: Bool.random(using: &random))
        case 94..<96: return .reserve(count + Int.random(in: 0...100, using: &random))
        case 96..<98 where count > 1: return .sortPrefix(Int.random(in: 1...count, using: &random))
        default: return .compareSpan
        }
    }

    func apply(to model: inout [Int32]) {
        switch self {
        case .append(let value): model.append(value)
        case .appendContiguous(let more): model.append(contentsOf: more)
        case .appendLazy(let n, let value): model.append(contentsOf: (0..<n).lazy.map { Int32($0) &+ value })
        case .insert(let value, let index): model.insert(value, at: index)
        case .remove(let index): model.remove(at: index)
        case .removeLast: model.removeLast()
        case .assign(let index, let value): model[index] = value
        case .swap(let first, let second): model.swapAt(first, second)
        case .removeAll(let keep): model.removeAll(keepingCapacity: keep)
        case .reserve(let capacity): model.reserveCapacity(capacity)
        case .sortPrefix(let n): model[0..<n].sort()
        case .compareSpan: break
        }
    }
}

/// Applies `steps` random operations to an OffHeapArray and to a Swift Array, checking after
/// each one that both hold the same elements. A copy taken along the way must never change.
private func runModel(steps: Int, seed: UInt64, allocator: some Allocator & Sendable) {
    var random = SplitMix64(seed: seed)
    var array = OffHeapArray<Int32>(allocator: allocator)
    var model: [Int32] = []
    var snapshot = (array, model)
    for step in 0..<steps {
        let operation = ModelStep.random(count: model.count, using: &random)
        switch operation {
        case .append(let value): array.append(value)
        case .appendContiguous(let more): array.append(contentsOf: more)
        case .appendLazy(let n, let value): array.append(contentsOf: (0..<n).lazy.map { Int32($0) &+ value })
        case .insert(let value, let index): array.insert(value, at: index)
        case .remove(let index): #expect(array.remove(at: index) == model[index])
        case .removeLast: #expect(array.removeLast() == model.last)
        case .assign(let index, let value): array[index] = value
        case .swap(let first, let second): array.swapAt(first, second)
        case .removeAll(let keep): array.removeAll(keepingCapacity: keep)
        case .reserve(let capacity): array.reserveCapacity(capacity)
        case .sortPrefix(let n): array[0..<n].sort()
        case .compareSpan:
            let span = array.span
            var same = span.count == model.count
            for index in span.indices where same { same = span[index] == model[index] }
            #expect(same, "span differs at step \(step)")
        }
        operation.apply(to: &model)
        guard array.count == model.count, array.elementsEqual(model) else {
            Issue.record("OffHeapArray differs from the model after step \(step) (seed \(seed))")
            return
        }
        #expect(array.capacity >= array.count)
        // Value semantics: the copy kept at some earlier step still holds what it held then.
        guard snapshot.0.elementsEqual(snapshot.1) else {
            Issue.record("a copy changed when the original did, at step \(step) (seed \(seed))")
            return
        }
        if step % 97 == 0 { snapshot = (array, model) }
    }
}

@Suite("OffHeapArray against Array")
struct OffHeapArrayModelTests {
    @Test("Random operation sequences give the same elements as a Swift Array", arguments: ModelAllocator.allCases)
    func model(allocator kind: ModelAllocator) async {
        for seed in UInt64(1)...4 {
            switch kind {
            case .mimalloc:
                runModel(steps: 3000, seed: seed, allocator: MimallocAllocator())
            case .system:
                runModel(steps: 3000, seed: seed, allocator: SystemAllocator())
            case .counting:
                let counting = CountingAllocator()
                runModel(steps: 3000, seed: seed, allocator: counting)
                #expect(counting.outstanding == 0, "every storage went back when its last array did")
            case .shard:
                let group = ShardGroup(shardCount: 1)
                await withShardedAllocation(on: group) { alloc in
                    runModel(steps: 3000, seed: seed, allocator: alloc)
                }
                #expect(group.counters(ofShard: 0).liveAllocations == 0)
                await group.shutdown()
            }
        }
    }
}

@Suite("RegionArray against Array")
struct RegionArrayModelTests {
    @Test("Random operation sequences in a region give the same elements as a Swift Array")
    func model() {
        let pool = PagePool(chunkSize: 256 * 1024, pageSize: 4096)
        for seed in UInt64(1)...4 {
            withRegion(pool: pool) { region in
                var random = SplitMix64(seed: seed)
                var array = RegionArray<Int32>(in: region)
                var model: [Int32] = []
                for step in 0..<3000 {
                    let operation = ModelStep.random(count: model.count, using: &random)
                    switch operation {
                    case .append(let value): array.append(value)
                    case .appendContiguous(let more): array.append(contentsOf: more)
                    case .appendLazy(let n, let value):
                        array.append(contentsOf: (0..<n).lazy.map { Int32($0) &+ value })
                    case .insert(let value, let index): array.insert(value, at: index)
                    case .remove(let index): #expect(array.remove(at: index) == model[index])
                    case .removeLast: #expect(array.removeLast() == model.last)
                    case .assign(let index, let value): array[index] = value
                    case .swap(let first, let second):
                        let held = array[first]
                        array[first] = array[second]
                        array[second] = held
                    case .removeAll: array.removeAll()
                    case .reserve(let capacity): array.reserveCapacity(capacity)
                    case .sortPrefix(let n):
                        array.withUnsafeMutableBufferPointer { buffer in
                            var prefix = UnsafeMutableBufferPointer(rebasing: buffer[0..<n])
                            prefix.sort()
                        }
                    case .compareSpan:
                        let span = array.span
                        var same = span.count == model.count
                        for index in span.indices where same { same = span[index] == model[index] }
                        #expect(same, "span differs at step \(step)")
                    }
                    operation.apply(to: &model)
                    guard array.count == model.count, array.elementsEqual(model) else {
                        Issue.record("RegionArray differs from the model after step \(step) (seed \(seed))")
                        return
                    }
                    #expect(array.capacity >= array.count)
                }
            }
        }
        #expect(pool.statistics.pagesInUse == 0)
        #expect(pool.statistics.largeBlocksInUse == 0)
    }
}
