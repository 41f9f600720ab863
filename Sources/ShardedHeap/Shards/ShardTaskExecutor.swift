/// The task-executor face of a shard: what ``withShardedAllocation(on:shard:_:)`` and
/// ``ShardGroup/task(shard:priority:operation:)`` give a task as its executor preference.
///
/// Its jobs run on the shard's thread as the global executor's run on its threads: isolated to
/// no serial executor, with this as their task executor. So when such a task enters a
/// nonisolated async function, or returns from an actor, the runtime finds it already where it
/// prefers to be and continues on the thread. Were its jobs run isolated to the shard's serial
/// executor (which the runtime must do for an actor's jobs, and so for every job queued through
/// ``ShardExecutor``), each such switch would differ in serial executor and queue the rest of
/// the job again: a lock and a trip through the run loop for every `await`.
///
/// The group holds one per shard; it holds its shard. Any thread may queue a job.
final class ShardTaskExecutor: TaskExecutor {
    /// The shard whose thread runs the jobs.
    let shard: ShardExecutor

    init(shard: ShardExecutor) {
        self.shard = shard
    }

    func enqueue(_ job: consuming ExecutorJob) {
        shard.submit(.taskJob(UnownedJob(job), asUnownedTaskExecutor()))
    }
}
