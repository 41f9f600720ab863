extension StatsSnapshot {
    /// The snapshot in the Prometheus text exposition format (version 0.0.4), ready to serve
    /// from a `/metrics` handler with content type `text/plain; version=0.0.4`.
    ///
    /// Each metric has `# HELP` and `# TYPE` lines. Per-shard metrics carry a `shard` label:
    /// the shard index, or `fallback` for the heap's off-shard allocations.
    ///
    /// Process-wide (no `shard` label):
    /// `sharded_heap_process_resident_bytes`, `sharded_heap_process_resident_peak_bytes`,
    /// `sharded_heap_process_mimalloc_committed_bytes`,
    /// `sharded_heap_process_mimalloc_committed_peak_bytes` (gauges);
    /// `sharded_heap_process_page_faults_total`, `sharded_heap_process_cpu_user_seconds_total`,
    /// `sharded_heap_process_cpu_system_seconds_total` (counters);
    /// `sharded_heap_process_uptime_seconds` (gauge).
    ///
    /// Per shard and `fallback`: `sharded_heap_live_bytes`, `sharded_heap_live_allocations`
    /// (gauges); `sharded_heap_allocations_total`, `sharded_heap_deallocations_total`,
    /// `sharded_heap_allocated_bytes_total`, `sharded_heap_freed_bytes_total` (counters).
    ///
    /// Per shard only: `sharded_heap_remote_deallocations_total`,
    /// `sharded_heap_foreign_allocations_total` (counters); `sharded_heap_committed_bytes`,
    /// `sharded_heap_used_bytes`, `sharded_heap_fragmentation_ratio`,
    /// `sharded_heap_area_age_seconds` (gauges; the age only once the shard was measured).
    ///
    /// - Parameter labels: Labels added to every sample before `shard`, for example
    ///   `[("heap", "cache")]` when you export more than one heap. Names must be valid
    ///   Prometheus label names; values are escaped.
    /// - Returns: The exposition text, ending with a newline.
    /// - Complexity: O(shard count).
    ///
    /// Any thread may call this.
    public func prometheusText(labels: [(String, String)] = []) -> String {
        var text = ""
        text.reserveCapacity(4096 + shards.count * 1024)
        for family in metricFamilies {
            text += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                var pairs = labels
                if let shard = sample.shard { pairs.append(("shard", shard)) }
                text += family.name
                if !pairs.isEmpty {
                    text += "{"
                    text += pairs.map { "\($0.0)=\"\(Self.escapeLabelValue($0.1))\"" }.joined(separator: ",")
                    text += "}"
                }
                text += " " + sample.value.text + "\n"
            }
        }
        return text
    }

    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func escapeHelp(_ help: String) -> String {
        var escaped = ""
        for character in help {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
