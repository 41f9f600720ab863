import Metrics
import ShardedHeap

#if ServiceLifecycle
import ServiceLifecycle
#endif

/// Samples a heap's statistics on an interval and pushes them through swift-metrics.
///
/// The library never bootstraps a metrics backend: bootstrap Prometheus, StatsD, OpenTelemetry
/// or any other swift-metrics backend in your application, and the figures appear there under
/// the names listed on ``StatsSnapshot/prometheusText(labels:)`` (gauges and counters with a
/// `shard` dimension for per-shard figures; `shard` is `fallback` for off-shard allocations).
///
/// ```swift
/// MetricsSystem.bootstrap(myBackend)              // your application, once
/// let reporter = StatsReporter(interval: .seconds(10))
/// let reporting = Task { await reporter.run() }   // or hand it to a service group
/// // ...
/// reporting.cancel()
/// ```
///
/// ``run()`` returns when its task is cancelled or the heap is shut down, so the reporter fits a
/// swift-service-lifecycle `ServiceGroup`: with the package's `ServiceLifecycle` trait it is a
/// `Service`, whose `run()` also returns on graceful shutdown.
///
/// Counters are pushed as increments: each report adds what a count grew since the previous
/// report, so the backend's counter equals the heap's running total.
///
/// All members may be called from any thread.
public final class StatsReporter: Sendable {
    /// The heap reported on.
    public let group: ShardGroup
    /// The time between two reports in ``run()``.
    public let interval: Duration
    /// Whether ``run()`` measures every shard's areas (`group.measureAreas()`) before each
    /// report. Otherwise the area figures are those the shards measured during idle maintenance.
    public let refreshesAreas: Bool

    private let instruments: PThreadLock<ReporterInstruments>

    /// Creates a reporter. Nothing is sampled until ``report()`` or ``run()``.
    ///
    /// - Parameters:
    ///   - group: The heap to report on; `ShardGroup.shared` by default.
    ///   - interval: The time between two reports in ``run()``; 10 seconds by default.
    ///   - refreshesAreas: Measure shard areas before each report in ``run()`` (costs one short
    ///     job per shard thread, O(pages)); off by default.
    ///   - dimensions: Dimensions added to every metric before `shard`, for example
    ///     `[("heap", "cache")]` when you report more than one heap.
    ///   - factory: The metrics factory to use; by default `MetricsSystem.factory` as it is when
    ///     the reporter is created (so bootstrap your backend first). Pass one explicitly to report
    ///     to a backend of your own, or to a `TestMetrics` in tests.
    /// - Precondition: `interval > .zero`.
    public init(
        group: ShardGroup = .shared,
        interval: Duration = .seconds(10),
        refreshesAreas: Bool = false,
        dimensions: [(String, String)] = [],
        factory: any MetricsFactory = MetricsSystem.factory
    ) {
        require(interval > .zero, "StatsReporter: interval must be positive (got \(interval))")
        self.group = group
        self.interval = interval
        self.refreshesAreas = refreshesAreas
        self.instruments = PThreadLock(ReporterInstruments(factory: factory, dimensions: dimensions))
    }

    /// Takes a snapshot of ``group`` now and pushes it.
    ///
    /// - Returns: The snapshot pushed.
    /// - Complexity: O(shard count); never waits for a shard thread.
    ///
    /// Any thread may call this; concurrent calls are serialised.
    @discardableResult
    public func report() -> StatsSnapshot {
        let snapshot = Stats.snapshot(of: group)
        record(snapshot)
        return snapshot
    }

    /// Pushes `snapshot`, a snapshot of ``group`` you took yourself.
    ///
    /// - Parameter snapshot: A snapshot of ``group``.
    /// - Precondition: `snapshot.groupID == group.id`.
    ///
    /// Any thread may call this; concurrent calls are serialised.
    public func record(_ snapshot: StatsSnapshot) {
        require(
            snapshot.groupID == group.id,
            "StatsReporter: snapshot of shard group \(snapshot.groupID) given to the reporter of shard group \(group.id)"
        )
        let families = snapshot.metricFamilies
        instruments.withLock { $0.record(families) }
    }

    /// Reports every ``interval`` until the calling task is cancelled or ``group`` is shut down,
    /// then returns. The first report is made at once.
    ///
    /// With the package's `ServiceLifecycle` trait, the reporter is also a swift-service-lifecycle
    /// `Service`, and in a `ServiceGroup` graceful shutdown ends `run()` as cancellation does.
    /// List a `ShardGroupService` (module `ShardedHeapLifecycle`) for the group before the
    /// reporter: the reporter then returns before its group shuts down. A group shut down some
    /// other way while the `ServiceGroup` runs ends `run()` early, which a `ServiceGroup` treats
    /// as its service finishing (by default it then shuts everything down).
    ///
    /// A shutdown is noticed within 100 ms, even with a long interval.
    ///
    /// Call it from any task, once per reporter at a time.
    public func run() async {
        #if ServiceLifecycle
        await cancelWhenGracefulShutdown { await self.reportUntilStopped() }
        #else
        await reportUntilStopped()
        #endif
    }

    private func reportUntilStopped() async {
        let clock = ContinuousClock()
        while !Task.isCancelled && !group.isShutDown {
            if refreshesAreas { await group.measureAreas() }
            report()
            let deadline = clock.now.advanced(by: interval)
            while !group.isShutDown {
                let now = clock.now
                if now >= deadline { break }
                do {
                    try await Task.sleep(for: min(deadline - now, .milliseconds(100)), clock: clock)
                } catch {
                    return  // cancelled
                }
            }
        }
    }
}
