#if compiler(>=6.3)
@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
import Dispatch

/// The global concurrent executor made of a group's shard threads, so that tasks that prefer
/// no executor (every `Task { }`, `async let`, task-group child and nonisolated async function,
/// which is where a server's handlers run) run on shard threads and allocate from shard heaps
/// without a hop. Installed by ``ShardGroup/installAsGlobalExecutor()``; internal, because its
/// scheduling conformance is to an SPI protocol.
///
/// A job enqueued from one of the group's shard threads stays on that shard (its memory is
/// likely there); one from any other thread goes to the next shard, round robin. Each shard runs
/// its jobs one at a time: there is no work stealing, so a job that blocks holds up the jobs
/// queued behind it on that shard (as a blocked thread of the cooperative pool holds up the
/// pool). Delayed jobs (`Task.sleep`) wait in Dispatch's timer, then join a shard. Priorities
/// are not used.
///
/// Built on Swift 6.3's experimental `@_spi(ExperimentalCustomExecutors)` interface, which may
/// change with the next compiler.
final class ShardedGlobalExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `group` is immutable and Sendable; the executor keeps no state of its own.

    /// The group whose shard threads run the jobs.
    let group: ShardGroup

    init(group: ShardGroup) {
        self.group = group
    }

    /// Queues a job on the current shard of ``group``, or on the next one. Any thread may call
    /// this; the runtime does.
    func enqueue(_ job: consuming ExecutorJob) {
        enqueue(unowned: UnownedJob(job))
    }

    private func enqueue(unowned job: UnownedJob) {
        let index = group.currentShardIndex ?? group.nextShardIndex()
        group.executor(at: index).submit(.globalJob(job))
    }

    /// Queues a job after `delay` (what `Task.sleep` needs). Any thread may call this.
    /// - Precondition: the clock's durations are `Swift.Duration` (`ContinuousClock`,
    ///   `SuspendingClock`).
    func enqueue<C: Clock>(
        _ job: consuming ExecutorJob,
        after delay: C.Duration,
        tolerance: C.Duration?,
        clock: C
    ) {
        guard let duration = delay as? Duration else {
            fatalError("ShardedGlobalExecutor: cannot wait on \(C.self), whose durations are \(C.Duration.self)")
        }
        let unowned = UnownedJob(job)
        let (seconds, attoseconds) = duration.components
        let nanoseconds = max(0, Int(seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
            self.enqueue(unowned: unowned)
        }
    }
}

extension ShardedGlobalExecutor: SchedulingExecutor {}

/// What `_createExecutors` asks for: the installed executor, and the platform's main executor.
enum ShardedExecutorFactory: ExecutorFactory {
    nonisolated(unsafe) static var installed: ShardedGlobalExecutor?

    static var mainExecutor: any MainExecutor { PlatformExecutorFactory.mainExecutor }

    static var defaultExecutor: any TaskExecutor {
        guard let installed else { fatalError("ShardedHeap: no global executor was installed") }
        return installed
    }
}
#endif
