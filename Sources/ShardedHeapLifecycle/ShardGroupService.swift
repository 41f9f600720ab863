#if ServiceLifecycle
import ServiceLifecycle
import ShardedHeap

/// A swift-service-lifecycle `Service` that shuts a `ShardGroup` down when its
/// `ServiceGroup` shuts down.
///
/// List it *before* the services that allocate from the group: a `ServiceGroup` shuts its
/// services down in reverse order and waits for each, so the group goes last, after everything
/// that used it has returned.
///
/// ```swift
/// let shards = ShardGroup(shardCount: 4)
/// let group = ServiceGroup(
///     services: [ShardGroupService(shards), StatsReporter(group: shards), server],
///     gracefulShutdownSignals: [.sigterm],
///     logger: logger
/// )
/// try await group.run()
/// ```
///
/// `run()` waits for graceful shutdown (or cancellation), then calls `shutdown()` on the group
/// and returns once every shard thread has stopped. It never returns early, so the `ServiceGroup`
/// never sees it finish unexpectedly.
public struct ShardGroupService: Service {
    /// The group shut down by this service.
    public let group: ShardGroup

    /// A service that shuts `group` down on graceful shutdown.
    public init(_ group: ShardGroup) {
        self.group = group
    }

    /// Waits for graceful shutdown or cancellation, then shuts the group down. Any task may call
    /// this; the `ServiceGroup` does.
    public func run() async {
        // Cancellation ends the wait as graceful shutdown does; either way the group goes.
        try? await gracefulShutdown()
        await group.shutdown()
    }
}
#endif
