@preconcurrency import Benchmark
import CAllocBench
import ShardedHeap
import ShardedHeapStats

// package-benchmark suites. Time is reported but not checked (these machines vary by ±30%
// between runs); malloc counts are exact and checked against Thresholds/ with zero tolerance:
// `swift package --disable-sandbox benchmark thresholds check`.
//
// Names have no spaces or slashes: 1.38.1 writes threshold files under a cleaned-up name but
// looks them up under the raw one, and silently skips a benchmark whose file it cannot find.
//
// Every measured loop runs on a shard thread: the measurement starts inside the shard scope, after
// the hop, so the scope's own set-up is not counted.

/// Operations per measured sample.
let opsPerSample = 10_000

var checkedMallocs: [BenchmarkMetric: BenchmarkThresholds] {
    [
        // Exact: any change in the number of system mallocs per sample is a regression (or, when it
        // drops, an improvement to record with `thresholds update`).
        .mallocCountTotal: .init(absolute: [.p90: 0]),
        // Reported, never checked: noise here is larger than any threshold worth having.
        .wallClock: .init(relative: [:], absolute: [:]),
    ]
}

var configuration: Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(1),
        maxIterations: 200,
        thresholds: checkedMallocs
    )
}

/// Runs `body` `opsPerSample` times on a shard thread, measuring only the loop.
func onShard(_ benchmark: Benchmark, _ body: @escaping @Sendable (ShardAllocator, Int) -> Void) async {
    await withShardedAllocation { allocator in
        guard allocator.isOnShardThread else {
            benchmark.error("not on a shard thread")
            return
        }
        benchmark.startMeasurement()
        for index in 0..<opsPerSample { body(allocator, index) }
        benchmark.stopMeasurement()
    }
}

/// A size per index: 16 ... 1,024 bytes in steps of 16.
@inline(__always) func size(_ index: Int) -> Int { 16 + (index &* 7919) & 1008 }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = configuration
    regionBenchmarks()

    Benchmark("ShardAllocator.pair.64B.x10k") { benchmark in
        await onShard(benchmark) { allocator, _ in
            let pointer = try! allocator.allocate(byteCount: 64)
            cab_escape(pointer)
            allocator.deallocate(pointer)
        }
    }

    Benchmark("ShardAllocator.pair.16-1024B.x10k") { benchmark in
        await onShard(benchmark) { allocator, index in
            let pointer = try! allocator.allocate(byteCount: size(index))
            cab_escape(pointer)
            allocator.deallocate(pointer)
        }
    }

    Benchmark("UniqueBuffer.lifecycle.16-1024B.x10k") { benchmark in
        await onShard(benchmark) { allocator, index in
            var buffer = allocator.makeUniqueBuffer(capacity: size(index))
            buffer.append(repeating: UInt8(truncatingIfNeeded: index), count: 1)
            cab_escape(buffer.unsafeBaseAddress)
        }
    }

    // One malloc per buffer: the class instance (the bytes come from the shard heap).
    Benchmark("OwnedBuffer.lifecycle.16-1024B.x10k") { benchmark in
        await onShard(benchmark) { allocator, index in
            var unique = allocator.makeUniqueBuffer(capacity: size(index))
            unique.append(repeating: UInt8(truncatingIfNeeded: index), count: 1)
            let buffer = OwnedBuffer(unique)
            cab_escape(buffer.unsafeBaseAddress)
        }
    }

    Benchmark("ShardAllocator.churn.1024live.x10k") { benchmark in
        await withShardedAllocation { allocator in
            let live = 1024
            let slots = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: live)
            for j in 0..<live { slots[j] = try! allocator.allocate(byteCount: size(j)) }
            benchmark.startMeasurement()
            for i in 0..<opsPerSample {
                let j = (i &* 2_654_435_761) & (live - 1)
                allocator.deallocate(slots[j])
                slots[j] = try! allocator.allocate(byteCount: size(i))
            }
            benchmark.stopMeasurement()
            for j in 0..<live { allocator.deallocate(slots[j]) }
            slots.deallocate()
        }
    }

    // A snapshot reads /proc/self/statm and builds arrays: it does allocate, and the count is
    // pinned so that it does not grow unnoticed.
    Benchmark(
        "Stats.snapshot",
        configuration: configuration
    ) { benchmark in
        _ = await withShardedAllocation { $0.shardIndex }  // start a shard, as a real process would
        benchmark.startMeasurement()
        blackHole(Stats.snapshot())
        benchmark.stopMeasurement()
    }
}
