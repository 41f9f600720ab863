#if compiler(>=6.3)
@_spi(ExperimentalCustomExecutors) import _Concurrency
import Synchronization

extension ShardGroup {
    private static let globalExecutorInstalled = Atomic<Bool>(false)

    /// Makes this group's shard threads the process's global concurrent executor, so that tasks
    /// without an executor preference (server handlers, `Task { }`, `async let`, task groups,
    /// nonisolated async functions) run on shard threads and allocate from shard heaps.
    ///
    /// A job queued from one of the group's shard threads stays on that shard; one from any
    /// other thread goes to the next shard, round robin. Each shard runs its jobs one at a time,
    /// with no work stealing: a job that blocks holds up those queued behind it on its shard, as
    /// a blocked thread of the cooperative pool holds up the pool. Delayed jobs (`Task.sleep`)
    /// wait in Dispatch's timer, then join a shard. Priorities are not used.
    ///
    /// Call it once, as the first statement of your `main`, before anything starts a task: jobs
    /// already queued on the old executor stay there. The main actor keeps the platform's main
    /// executor. The group must outlive its use as the global executor; shutting it down makes
    /// later global jobs run on retired shard threads without heaps (nothing hangs, nothing is
    /// shard-served).
    ///
    /// Uses Swift 6.3's experimental custom-executor interface (`_createExecutors(factory:)`),
    /// which may change with the next compiler.
    ///
    /// - Precondition: no group was installed before (checked; the call traps saying so).
    public func installAsGlobalExecutor() {
        let (exchanged, _) = ShardGroup.globalExecutorInstalled.compareExchange(
            expected: false,
            desired: true,
            ordering: .acquiringAndReleasing
        )
        require(exchanged, "ShardGroup.installAsGlobalExecutor: a shard group is already the global executor")
        let executor = ShardedGlobalExecutor(group: self)
        ShardedExecutorFactory.installed = executor
        _createExecutors(factory: ShardedExecutorFactory.self)
    }
}
#endif
