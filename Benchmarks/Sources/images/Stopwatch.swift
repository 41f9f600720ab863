import CAllocBench

/// Wall-clock timing on CLOCK_MONOTONIC, and medians of repeated runs.
enum Stopwatch {
    /// Seconds that `body` takes, and what it returns.
    static func time<T>(_ body: () throws -> T) rethrows -> (seconds: Double, result: T) {
        let start = cab_now_ns()
        let result = try body()
        let end = cab_now_ns()
        return (Double(end - start) / 1e9, result)
    }

    /// The median of `values` (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
