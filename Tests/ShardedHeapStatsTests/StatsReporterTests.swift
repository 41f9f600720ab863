import Metrics
import MetricsTestKit
import ShardedHeap
import ShardedHeapStats
import ShardedHeapTestSupport
import Testing

extension StatsTests {
    @Suite("StatsReporter")
    struct Reporter {
        @Test("report() pushes gauges and counters with shard dimensions; counters follow running totals")
        func reportsGaugesAndCounters() async throws {
            let metrics = TestMetrics()
            let heap = ShardGroup(shardCount: 2)
            let resident = ShardResident(heap: heap, shard: 0)
            let (usable, allOnShard) = await resident.allocate(count: 10, byteCount: 100)
            try #require(allOnShard)
            await heap.measureAreas()

            let reporter = StatsReporter(group: heap, dimensions: [("heap", "test")], factory: metrics)
            let first = reporter.report()
            let shard0: [(String, String)] = [("heap", "test"), ("shard", "0")]
            let shard1: [(String, String)] = [("heap", "test"), ("shard", "1")]
            let fallback: [(String, String)] = [("heap", "test"), ("shard", "fallback")]

            #expect(try metrics.expectGauge("sharded_heap_live_bytes", shard0).lastValue == Double(usable))
            #expect(try metrics.expectGauge("sharded_heap_live_allocations", shard0).lastValue == 10)
            #expect(try metrics.expectGauge("sharded_heap_live_allocations", shard1).lastValue == 0)
            #expect(try metrics.expectGauge("sharded_heap_live_allocations", fallback).lastValue == 0)
            #expect(
                try metrics.expectGauge("sharded_heap_committed_bytes", shard0).lastValue
                    == Double(first.shards[0].committedBytes)
            )
            #expect(
                try metrics.expectGauge("sharded_heap_fragmentation_ratio", shard0).lastValue
                    == first.shards[0].fragmentation
            )
            #expect(
                try metrics.expectGauge("sharded_heap_process_resident_bytes", [("heap", "test")]).lastValue
                    == Double(first.process.residentBytes)
            )
            #expect(try metrics.expectCounter("sharded_heap_allocations_total", shard0).totalValue == 10)
            #expect(try metrics.expectCounter("sharded_heap_allocated_bytes_total", shard0).totalValue == Int64(usable))
            #expect(try metrics.expectCounter("sharded_heap_deallocations_total", shard0).totalValue == 0)
            #expect(throws: (any Error).self, "shard 1 was never measured: no age gauge") {
                try metrics.expectGauge("sharded_heap_area_age_seconds", shard1)
            }

            let (more, _) = await resident.allocate(count: 5, byteCount: 100)
            let freed = await resident.release { $0 < 3 }
            reporter.report()
            let allocations = try metrics.expectCounter("sharded_heap_allocations_total", shard0)
            #expect(allocations.totalValue == 15)
            #expect(allocations.values == [10, 5], "counters are pushed as increments")
            #expect(try metrics.expectCounter("sharded_heap_deallocations_total", shard0).totalValue == 3)
            #expect(try metrics.expectGauge("sharded_heap_live_allocations", shard0).lastValue == 12)
            #expect(
                try metrics.expectGauge("sharded_heap_live_bytes", shard0).lastValue
                    == Double(usable + more - freed)
            )

            reporter.report()
            #expect(
                try metrics.expectCounter("sharded_heap_allocations_total", shard0).totalValue == 15,
                "an unchanged count adds nothing"
            )
            await heap.shutdown()
        }

        @Test("run() reports at once and returns when its task is cancelled")
        func runReturnsOnCancellation() async throws {
            let metrics = TestMetrics()
            let heap = ShardGroup(shardCount: 1)
            let reporter = StatsReporter(group: heap, interval: .seconds(3600), factory: metrics)
            let running = Task { await reporter.run() }
            try await Self.waitForFirstReport(metrics)
            running.cancel()
            await running.value  // hangs (and the time limit fails the test) if run() ignores cancellation
            #expect(heap.isShutDown == false)
            await heap.shutdown()
        }

        @Test("run() returns when the heap is shut down")
        func runReturnsOnShutdown() async throws {
            let metrics = TestMetrics()
            let heap = ShardGroup(shardCount: 1)
            let reporter = StatsReporter(group: heap, interval: .seconds(3600), factory: metrics)
            let running = Task { await reporter.run() }
            try await Self.waitForFirstReport(metrics)
            await heap.shutdown()
            await running.value  // hangs (and the time limit fails the test) if run() ignores shutdown
            #expect(running.isCancelled == false)
        }

        @Test("run() with refreshesAreas measures the shards before reporting")
        func runRefreshesAreas() async throws {
            let metrics = TestMetrics()
            // A long idle delay, so idle maintenance does not measure the areas for us.
            let heap = ShardGroup(shardCount: 1, idleCollectDelay: .seconds(3600))
            let resident = ShardResident(heap: heap, shard: 0)
            _ = await resident.allocate(count: 100, byteCount: 64)
            #expect(heap.areaFigures(ofShard: 0).measuredAtUptimeNanoseconds == nil)
            let reporter = StatsReporter(group: heap, interval: .seconds(3600), refreshesAreas: true, factory: metrics)
            let running = Task { await reporter.run() }
            try await Self.waitForFirstReport(metrics)
            running.cancel()
            await running.value
            #expect(heap.areaFigures(ofShard: 0).measuredAtUptimeNanoseconds != nil)
            #expect(
                try metrics.expectGauge("sharded_heap_committed_bytes", [("shard", "0")]).lastValue.map { $0 > 0 }
                    == true
            )
            await heap.shutdown()
        }

        /// Waits (bounded) until a reporter has pushed its first figures into `metrics`.
        static func waitForFirstReport(_ metrics: TestMetrics) async throws {
            for _ in 0..<500 {
                if (try? metrics.expectGauge("sharded_heap_process_resident_bytes")) != nil { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("the reporter made no report within 5 seconds")
        }
    }
}
