/// The run loop of another library whose thread a shard adopts: a SwiftNIO event loop, whose
/// thread then owns the shard's heap (see `ShardedHeapNIO`).
///
/// The shard creates its heap on the loop's thread when it is first used, and deletes it there
/// when its group shuts down. Work for the shard (jobs of tasks and actors on its executor,
/// maintenance) is handed to the loop through ``execute(_:)``, so it runs on that thread, one
/// piece at a time, in the order it came.
package protocol HostedRunLoop: AnyObject, Sendable {
    /// Runs `work` on the loop's thread soon, after the work handed over before it. Any thread
    /// may call this.
    func execute(_ work: @escaping @Sendable () -> Void)
    /// Runs `work` on the loop's thread after `delay`. Any thread may call this.
    func execute(after delay: Duration, _ work: @escaping @Sendable () -> Void)
}
