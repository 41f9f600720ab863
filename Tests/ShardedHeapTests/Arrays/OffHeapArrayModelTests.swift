import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// The allocators the model test runs against.
enum ModelAllocator: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case mimalloc, system, counting, region, sharedRegion

    var testDescription: String { rawValue }
}

/// Applies `steps` random operations to an OffHeapArray and to a Swift Array, checking after
/// each one that both hold the same elements.
private func runModel(steps: Int, seed: UInt64, allocator: any Allocator) {
    var random = SplitMix64(seed: seed)
    let array = OffHeapArray<Int32>(allocator: allocator)
    var model: [Int32] = []
    for step in 0..<steps {
        let value = Int32.random(in: .min ... .max, using: &random)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<40:
            array.append(value)
            model.append(value)
        case 40..<45:
            let more = (0..<Int.random(in: 0...40, using: &random)).map { Int32($0) &* value }
            array.append(contentsOf: more)
            model.append(contentsOf: more)
        case 45..<50:
            // A sequence without contiguous storage.
            let more = (0..<Int.random(in: 0...10, using: &random)).lazy.map { Int32($0) &+ value }
            array.append(contentsOf: more)
            model.append(contentsOf: more)
        case 50..<58:
            let index = Int.random(in: 0...model.count, using: &random)
            array.insert(value, at: index)
            model.insert(value, at: index)
        case 58..<66 where !model.isEmpty:
            let index = Int.random(in: 0..<model.count, using: &random)
            #expect(array.remove(at: index) == model.remove(at: index))
        case 66..<74 where !model.isEmpty:
            #expect(array.removeLast() == model.removeLast())
        case 74..<88 where !model.isEmpty:
            let index = Int.random(in: 0..<model.count, using: &random)
            array[index] = value
            model[index] = value
        case 88..<92 where model.count > 1:
            let (first, second) = (
                Int.random(in: 0..<model.count, using: &random), Int.random(in: 0..<model.count, using: &random)
            )
            array.swapAt(first, second)
            model.swapAt(first, second)
        case 92..<94:
            let keep = Bool.random(using: &random)
            array.removeAll(keepingCapacity: keep)
            model.removeAll(keepingCapacity: keep)
        case 94..<96:
            array.reserveCapacity(model.count + Int.random(in: 0...100, using: &random))
        case 96..<98 where model.count > 1:
            let range = 0..<Int.random(in: 1...model.count, using: &random)
            var slice = array[range]
            slice.sort()
            var alias = array  // the slice setter is `mutating`; the array is a class
            alias[range] = slice
            model[range].sort()
        default:
            let span = array.span
            var same = span.count == model.count
            for index in span.indices where same { same = span[index] == model[index] }
            #expect(same, "span differs at step \(step)")
        }
        guard array.count == model.count, array.elementsEqual(model) else {
            Issue.record("OffHeapArray differs from the model after step \(step) (seed \(seed))")
            return
        }
        #expect(array.capacity >= array.count)
    }
}

@Suite("OffHeapArray against Array")
struct OffHeapArrayModelTests {
    @Test("Random operation sequences give the same elements as a Swift Array", arguments: ModelAllocator.allCases)
    func model(allocator kind: ModelAllocator) {
        let pool = PagePool(chunkSize: 256 * 1024, pageSize: 4096)
        for seed in UInt64(1)...4 {
            switch kind {
            case .mimalloc:
                runModel(steps: 3000, seed: seed, allocator: MimallocAllocator())
            case .system:
                runModel(steps: 3000, seed: seed, allocator: SystemAllocator())
            case .counting:
                let counting = CountingAllocator()
                runModel(steps: 3000, seed: seed, allocator: counting)
                #expect(counting.outstanding == 0, "the array freed its storage in deinit")
            case .region:
                withRegion(pool: pool) { runModel(steps: 3000, seed: seed, allocator: $0) }
            case .sharedRegion:
                withSharedRegion(pool: pool) { runModel(steps: 3000, seed: seed, allocator: $0) }
            }
        }
        #expect(pool.statistics.pagesInUse == 0)
        #expect(pool.statistics.largeBlocksInUse == 0)
    }
}
