/// One named metric with its samples, as both the Prometheus text and ``StatsReporter`` export
/// it. Internal: the public names are listed on ``StatsSnapshot/prometheusText(labels:)``.
struct MetricFamily {
    enum Kind: String {
        case gauge
        case counter
    }

    enum Value: Equatable {
        case integer(Int)
        case real(Double)

        /// The value as Prometheus text prints it.
        var text: String {
            switch self {
            case .integer(let value): return String(value)
            case .real(let value):
                if value.isNaN { return "NaN" }
                if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
                return value.description
            }
        }
    }

    struct Sample {
        /// The `shard` label: a shard index, `fallback`, or nil for process-wide figures.
        var shard: String?
        var value: Value
    }

    var name: String
    var help: String
    var kind: Kind
    var samples: [Sample]

    /// The `shard` label value of the fallback bucket.
    static let fallbackShardLabel = "fallback"
}
