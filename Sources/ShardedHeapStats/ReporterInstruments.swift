import Metrics

/// The swift-metrics objects a ``StatsReporter`` has made, and the counter values it last
/// pushed. Metric objects are made on first use (one per metric name and `shard` label) and
/// reused. Guarded by the reporter's mutex.
struct ReporterInstruments {
    let factory: any MetricsFactory
    let dimensions: [(String, String)]

    private var gauges: [String: Gauge] = [:]
    private var counters: [String: (counter: Counter, last: Int)] = [:]
    private var realCounters: [String: (counter: FloatingPointCounter, last: Double)] = [:]

    init(factory: any MetricsFactory, dimensions: [(String, String)]) {
        self.factory = factory
        self.dimensions = dimensions
    }

    /// Pushes every sample of `families`: gauges are set, counters are incremented by what
    /// they grew since the last push (so the backend's counter equals our running total).
    mutating func record(_ families: [MetricFamily]) {
        for family in families {
            for sample in family.samples {
                let key = sample.shard.map { family.name + "|" + $0 } ?? family.name
                switch (family.kind, sample.value) {
                case (.gauge, .integer(let value)):
                    gauge(key, family.name, sample.shard).record(value)
                case (.gauge, .real(let value)):
                    gauge(key, family.name, sample.shard).record(value)
                case (.counter, .integer(let value)):
                    let entry =
                        counters[key]
                        ?? (Counter(label: family.name, dimensions: dims(sample.shard), factory: factory), 0)
                    if value > entry.last { entry.counter.increment(by: value - entry.last) }
                    counters[key] = (entry.counter, max(value, entry.last))
                case (.counter, .real(let value)):
                    let entry =
                        realCounters[key]
                        ?? (
                            FloatingPointCounter(label: family.name, dimensions: dims(sample.shard), factory: factory),
                            0
                        )
                    if value > entry.last { entry.counter.increment(by: value - entry.last) }
                    realCounters[key] = (entry.counter, max(value, entry.last))
                }
            }
        }
    }

    private mutating func gauge(_ key: String, _ name: String, _ shard: String?) -> Gauge {
        if let gauge = gauges[key] { return gauge }
        let gauge = Gauge(label: name, dimensions: dims(shard), factory: factory)
        gauges[key] = gauge
        return gauge
    }

    private func dims(_ shard: String?) -> [(String, String)] {
        guard let shard else { return dimensions }
        return dimensions + [("shard", shard)]
    }
}
