import Foundation
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeapStats

extension StatsTests {
    @Suite("Text, JSON and Prometheus output")
    struct ExportFormats {
        /// A heap with known contents on shard 0 (measured), shard 1 never started, and two
        /// fallback allocations.
        static func populatedSnapshot() async throws -> (StatsSnapshot, ShardGroup, ShardResident, [OwnedBuffer]) {
            let heap = ShardGroup(shardCount: 2)
            let resident = ShardResident(heap: heap, shard: 0)
            let (_, allOnShard) = await resident.allocate(count: 1234, byteCount: 100)
            try #require(allOnShard)
            await heap.measureAreas()
            let offShard: [OwnedBuffer] = await withShardedAllocation(on: heap, shard: 0) { alloc in
                await Task.detached { [alloc.makeBuffer(byteCount: 10), alloc.makeBuffer(byteCount: 20)] }.value
            }
            return (Stats.snapshot(of: heap), heap, resident, offShard)
        }

        @Test("JSON round-trips and uses the documented key names")
        func jsonRoundTrip() async throws {
            let (snapshot, heap, _, _) = try await Self.populatedSnapshot()
            #expect(snapshot.shards[0].areaAgeSeconds != nil)
            #expect(snapshot.shards[1].areaAgeSeconds == nil)

            let data = try JSONEncoder().encode(snapshot)
            let decoded = try JSONDecoder().decode(StatsSnapshot.self, from: data)
            #expect(decoded == snapshot)

            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(
                Set(object.keys) == ["heap_id", "is_shut_down", "taken_at_uptime_ns", "process", "shards", "totals"]
            )
            let process = try #require(object["process"] as? [String: Any])
            #expect(
                Set(process.keys) == [
                    "resident_bytes", "peak_resident_bytes", "mimalloc_committed_bytes",
                    "mimalloc_peak_committed_bytes", "page_faults", "elapsed_ms", "user_cpu_ms", "system_cpu_ms",
                ]
            )
            let shards = try #require(object["shards"] as? [[String: Any]])
            let shardKeys: Set<String> = [
                "index", "live_bytes", "live_allocations", "total_allocations", "total_deallocations",
                "allocated_bytes", "freed_bytes", "remote_deallocations", "foreign_allocations",
                "committed_bytes", "used_bytes", "fragmentation",
            ]
            #expect(Set(shards[0].keys) == shardKeys.union(["areas_measured_at_uptime_ns", "area_age_seconds"]))
            #expect(Set(shards[1].keys) == shardKeys)
            #expect(shards[0]["live_allocations"] as? Int == 1234)
            let totals = try #require(object["totals"] as? [String: Any])
            #expect(
                Set(totals.keys) == [
                    "shard_count", "live_bytes", "live_allocations", "total_allocations", "total_deallocations",
                    "allocated_bytes", "freed_bytes", "remote_deallocations", "foreign_allocations",
                    "committed_bytes", "used_bytes", "fragmentation", "oldest_area_age_seconds", "fallback",
                ]
            )
            let fallback = try #require(totals["fallback"] as? [String: Any])
            #expect(
                Set(fallback.keys) == [
                    "live_bytes", "live_allocations", "total_allocations", "total_deallocations",
                    "allocated_bytes", "freed_bytes",
                ]
            )
            #expect(fallback["live_allocations"] as? Int == 2)
            await heap.shutdown()
        }

        @Test("Prometheus text parses line by line, with HELP and TYPE before each metric")
        func prometheusTextParses() async throws {
            let (snapshot, heap, _, _) = try await Self.populatedSnapshot()
            let text = snapshot.prometheusText(labels: [("heap", "te\"st")])
            #expect(text.hasSuffix("\n"))

            var help: Set<String> = []
            var types: [String: String] = [:]
            var samples: [String: Double] = [:]  // "name{labels}" -> value
            let sampleLine =
                /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$/
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                if line.hasPrefix("# HELP ") {
                    let parts = line.split(separator: " ", maxSplits: 3)
                    try #require(parts.count == 4, "HELP line without text: \(line)")
                    help.insert(String(parts[2]))
                } else if line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    try #require(parts.count == 4 && ["gauge", "counter"].contains(parts[3]), "bad TYPE: \(line)")
                    try #require(help.contains(String(parts[2])), "TYPE before HELP: \(line)")
                    types[String(parts[2])] = String(parts[3])
                } else {
                    let match = try #require(try sampleLine.wholeMatch(in: line), "unparsable line: \(line)")
                    let name = String(match.1)
                    try #require(types[name] != nil, "sample before its TYPE: \(line)")
                    let value = try #require(Double(match.4), "bad value: \(line)")
                    samples[name + "{" + String(match.3 ?? "") + "}"] = value
                }
            }

            let process = "heap=\"te\\\"st\""
            #expect(
                samples["sharded_heap_process_resident_bytes{\(process)}"] == Double(snapshot.process.residentBytes)
            )
            #expect(
                samples["sharded_heap_process_mimalloc_committed_bytes{\(process)}"]
                    == Double(snapshot.process.mimallocCommittedBytes)
            )
            #expect(types["sharded_heap_process_page_faults_total"] == "counter")
            #expect(types["sharded_heap_live_bytes"] == "gauge")
            #expect(types["sharded_heap_allocations_total"] == "counter")
            let shard0 = "heap=\"te\\\"st\",shard=\"0\""
            let shard1 = "heap=\"te\\\"st\",shard=\"1\""
            let fallback = "heap=\"te\\\"st\",shard=\"fallback\""
            #expect(samples["sharded_heap_live_allocations{\(shard0)}"] == 1234)
            #expect(samples["sharded_heap_live_bytes{\(shard0)}"] == Double(snapshot.shards[0].liveBytes))
            #expect(samples["sharded_heap_allocations_total{\(shard0)}"] == 1234)
            #expect(samples["sharded_heap_live_allocations{\(shard1)}"] == 0)
            #expect(samples["sharded_heap_live_allocations{\(fallback)}"] == 2)
            #expect(samples["sharded_heap_foreign_allocations_total{\(shard0)}"] == 2)
            #expect(samples["sharded_heap_committed_bytes{\(shard0)}"] == Double(snapshot.shards[0].committedBytes))
            #expect(samples["sharded_heap_fragmentation_ratio{\(shard0)}"] == snapshot.shards[0].fragmentation)
            #expect(samples["sharded_heap_area_age_seconds{\(shard0)}"] != nil)
            #expect(samples["sharded_heap_area_age_seconds{\(shard1)}"] == nil, "never measured: no sample")
            #expect(samples["sharded_heap_committed_bytes{\(fallback)}"] == nil)
            #expect(types.count == 20)
            #expect(help.count == 20)
            await heap.shutdown()
        }

        @Test("Prometheus text without extra labels has bare process samples")
        func prometheusWithoutLabels() async throws {
            let heap = ShardGroup(shardCount: 1)
            let text = Stats.snapshot(of: heap).prometheusText()
            let lines = text.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("sharded_heap_process_resident_bytes ") })
            #expect(lines.contains("sharded_heap_live_bytes{shard=\"0\"} 0"))
            #expect(lines.contains("sharded_heap_live_bytes{shard=\"fallback\"} 0"))
            await heap.shutdown()
        }

        @Test("description is an aligned table with one row per shard, all and fallback")
        func descriptionTable() async throws {
            let (snapshot, heap, _, _) = try await Self.populatedSnapshot()
            let lines = snapshot.description.split(separator: "\n").map(String.init)
            #expect(lines[0].hasPrefix("ShardGroup \(snapshot.groupID): 2 shards"))
            let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("shard ") })
            let table = Array(lines[headerIndex...])
            #expect(table.count == 1 + 2 + 2)
            #expect(Set(table.map(\.count)).count == 1, "every table line has the same width")
            #expect(
                table.map { $0.split(separator: " ").first.map(String.init) ?? "" }
                    == ["shard", "0", "1", "all", "fallback"]
            )

            // Right-aligned: a cell ends where its header ends.
            func cell(_ row: String, _ column: String) throws -> String {
                let header = table[0]
                let end = try #require(header.range(of: "  " + column + " ") ?? header.range(of: "  " + column))
                    .upperBound
                let endOffset =
                    header.distance(from: header.startIndex, to: end)
                    - (header[header.index(before: end)] == " " ? 1 : 0)
                let prefix = row.prefix(endOffset)
                return String(prefix.split(separator: " ", omittingEmptySubsequences: true).last ?? "")
            }
            #expect(try cell(table[1], "live allocs") == "1234")
            #expect(try cell(table[2], "live allocs") == "0")
            #expect(try cell(table[3], "allocs") == "1234")
            #expect(try cell(table[4], "live allocs") == "2")
            #expect(try cell(table[2], "areas age") == "never")
            // Fragmentation where blocks are in use; "-" where none is (not "0.0%" or "100.0%").
            #expect(try cell(table[1], "frag").hasSuffix("%"))
            #expect(try cell(table[2], "frag") == "-")
            #expect(try cell(table[4], "committed") == "-")
            await heap.shutdown()
        }

        @Test("byte, percent and second formatting")
        func formatting() {
            #expect(StatsFormat.bytes(0) == "0 B")
            #expect(StatsFormat.bytes(1023) == "1023 B")
            #expect(StatsFormat.bytes(1536) == "1.5 KiB")
            #expect(StatsFormat.bytes(256 * mebibyte) == "256.0 MiB")
            #expect(StatsFormat.bytes(-3 * 1024) == "-3.0 KiB")
            #expect(StatsFormat.bytes(5 << 30 + 1 << 29) == "5.5 GiB")
            #expect(StatsFormat.percent(0.1234) == "12.3%")
            #expect(StatsFormat.percent(0) == "0.0%")
            #expect(StatsFormat.seconds(2.36) == "2.4 s")
            #expect(StatsFormat.milliseconds(1234) == "1.23 s")
            #expect(StatsFormat.fixed(0.05, decimals: 2) == "0.05")
        }

        @Test("/proc/self/statm parsing takes the resident field")
        func statmParsing() {
            func parse(_ text: String) -> Int? {
                Array(text.utf8).withUnsafeBufferPointer { ResidentMemory.parseSecondField($0) }
            }
            #expect(parse("12345 678 90 1 0 2 0\n") == 678)
            #expect(parse("1 2") == 2)
            #expect(parse("1") == nil)
            #expect(parse("") == nil)
            #expect(ResidentMemory.currentBytes().map { $0 > 0 } == true)
        }
    }
}
