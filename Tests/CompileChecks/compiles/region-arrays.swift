// Several arrays in one region at once; plain values leave the scope.
import ShardedHeap

func total() -> Int {
    withRegion { region in
        var numbers = RegionArray<Int>(in: region)
        for value in 0..<1000 { numbers.append(value) }
        let evens = numbers.filter { $0 % 2 == 0 }
        let doubled = evens.map { $0 * 2 }
        numbers.append(-1)
        return doubled.reduce(0, +) + numbers.count
    }
}

func asyncTotal() async -> Int {
    await withRegion { region in
        var numbers = RegionArray<Int>([1, 2, 3], in: region)
        await Task.yield()
        numbers.append(4)
        return Array(copying: numbers).reduce(0, +)
    }
}
