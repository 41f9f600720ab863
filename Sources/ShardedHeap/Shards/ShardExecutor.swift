import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One shard's dedicated thread: a `TaskExecutor` and `SerialExecutor` whose thread owns the
/// shard's mimalloc heap.
///
/// ## Thread life
/// The thread starts on the first job. It creates the heap on itself (a mimalloc heap may only be
/// used by the thread that created it), publishes its slot in thread-local storage, and runs a
/// job loop. When the queue is empty it parks on a condition variable and uses no CPU. If it did
/// work, or another thread freed one of its blocks, it first waits `idleCollectDelay` and, if
/// still idle, collects its heap so that memory freed from other threads goes back.
///
/// `stop()` drains the queue, deletes the heap (live blocks stay valid), clears the slot and ends
/// the thread. Jobs that still arrive afterwards (an actor that uses this executor, a task that
/// prefers it) start a *retired* thread without a heap, so nothing ever hangs; allocations there
/// use the fallback path. A retired thread ends as soon as its queue is empty, and the next late
/// job starts another: every thread a shard starts ends once the shard is stopped and its last
/// job has run.
final class ShardExecutor: TaskExecutor, SerialExecutor {
    enum State {
        case notStarted
        case running
        case stopping
        case stopped
        case retired
    }

    enum Work {
        /// A job for this executor (an actor on it, a task that prefers it): isolated to it.
        case job(UnownedJob)
        /// A job of a task that prefers the shard's ``ShardTaskExecutor`` (the one given): not
        /// isolated to the shard.
        case taskJob(UnownedJob, UnownedTaskExecutor)
        /// A job of the global concurrent executor, when the group serves as that
        /// (``ShardGroup/installAsGlobalExecutor()``): not isolated to the shard.
        case globalJob(UnownedJob)
        case call(@Sendable () -> Void)
    }

    let slot: ShardSlot
    let idleCollectNanoseconds: Int
    private let threadName: String
    private let lock = PThreadLock()

    // Guarded by `lock`.
    private var pending: [Work] = []
    /// Jobs queued here, of every kind (counted under the lock that queues them).
    private var jobsQueued = 0
    private var state: State = .notStarted
    private var isParked = false
    private var maintenanceWanted = false
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private var thread: pthread_t?
    /// The run loop of another library whose thread this shard adopted (nil for a shard with a
    /// thread of its own). Fixed at init.
    let adoptedLoop: (any HostedRunLoop)?
    /// `adoptedLoop` while its thread is alive and the shard has started: work goes to it then.
    private var host: (any HostedRunLoop)?
    /// Whether a drain of `pending` is queued on `host`.
    private var hostDrainQueued = false
    /// Whether a maintenance pass is queued on `host`.
    private var hostMaintenanceQueued = false
    /// `Mimalloc.forkGeneration` when the state above was last valid.
    private var forkGeneration = Mimalloc.forkGeneration

    init(slot: ShardSlot, threadName: String, idleCollectDelay: Duration, adopting loop: (any HostedRunLoop)? = nil) {
        self.slot = slot
        self.threadName = threadName
        self.adoptedLoop = loop
        let (seconds, attoseconds) = idleCollectDelay.components
        self.idleCollectNanoseconds = max(1_000_000, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        slot.attach(self)
    }

    /// Runs `body` with `lock` held, first noticing a fork: in a forked child the shard's thread
    /// does not exist (and the lock may have been copied while held), so the lock is set up anew
    /// and the shard counts as stopped. Its next job starts a retired thread without a heap; the
    /// old heap is never touched again in the child.
    @inline(__always)
    private func locked<Result>(_ body: () -> Result) -> Result {
        if Mimalloc.forkGeneration != forkGeneration {
            recoverInForkedChild()
        }
        return lock.withLock(body)
    }

    @inline(never)
    private func recoverInForkedChild() {
        lock.reinitializeInForkedChild()
        lock.withLock {
            guard Mimalloc.forkGeneration != forkGeneration else { return }
            forkGeneration = Mimalloc.forkGeneration
            if state != .notStarted {
                state = .stopped
            }
            thread = nil
            host = nil
            hostDrainQueued = false
            hostMaintenanceQueued = false
            isParked = false
            maintenanceWanted = false
            // The parent's waiters belong to the parent; their continuations cannot resume here.
            stopWaiters = []
        }
    }

    // MARK: Executor conformance

    func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func isSameExclusiveExecutionContext(other: ShardExecutor) -> Bool {
        self === other
    }

    func checkIsolated() {
        require(isCurrentThread, "ShardedHeap: expected to run on the thread of shard \(slot.index)")
    }

    // MARK: Submitting work

    /// Queues work and starts or wakes the thread as needed. Any thread may call this.
    func submit(_ work: Work) {
        let drainOn: (any HostedRunLoop)? = locked {
            pending.append(work)
            if case .call = work {} else { jobsQueued &+= 1 }
            if let host {
                guard !hostDrainQueued else { return nil }
                hostDrainQueued = true
                return host
            }
            switch state {
            case .notStarted:
                if let adoptedLoop {
                    // The loop's thread creates the heap, then drains; later drains follow it.
                    state = .running
                    host = adoptedLoop
                    hostDrainQueued = true
                    adoptedLoop.execute {
                        self.adoptedThreadStarts()
                        self.drainHosted()
                    }
                    return nil
                }
                startThread(withHeap: true)
            case .stopped:
                startThread(withHeap: false)
            case .running, .stopping, .retired:
                if isParked { lock.signal() }
            }
            return nil
        }
        // Outside the lock: the hosted loop has locks of its own.
        drainOn?.execute { self.drainHosted() }
    }

    /// Runs `body` on the owner thread and returns its result.
    func perform<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            submit(.call { continuation.resume(returning: body()) })
        }
    }

    /// Asks an idle owner to collect soon (used after frees from other threads).
    func requestMaintenance() {
        let maintainOn: (any HostedRunLoop)? = locked {
            guard state == .running else { return nil }
            if let host {
                guard !hostMaintenanceQueued else { return nil }
                hostMaintenanceQueued = true
                return host
            }
            maintenanceWanted = true
            if isParked { lock.signal() }
            return nil
        }
        maintainOn?.execute(after: .nanoseconds(idleCollectNanoseconds)) {
            self.locked { self.hostMaintenanceQueued = false }
            self.runHostedMaintenance()
        }
    }

    // MARK: An adopted thread

    /// The adopted loop's thread, first thing: creates the heap there and makes the shard the
    /// thread's own, as a shard's own thread does at its start.
    private func adoptedThreadStarts() {
        require(
            Mimalloc.Shard.current == nil,
            "ShardedHeap: this event loop's thread is already a shard's (shard \(ShardSlot.current?.index ?? -1) of group \(ShardSlot.current?.groupID ?? -1)); it can serve one shard"
        )
        guard let heap = Mimalloc.Heap.createOnCallingThread(inArena: slot.arena) else {
            fatalError("ShardedHeap: mi_heap_new failed for shard \(slot.index)")
        }
        slot.shard.setHeap(heap)
        Mimalloc.Shard.setCurrent(slot.shard)
        let current = pthread_self()
        locked { thread = current }
        // Safe: executors live as long as their group's slots, which are immortal.
        Mimalloc.watchCurrentThreadExit(
            { context in
                Unmanaged<ShardExecutor>.fromOpaque(context!).takeUnretainedValue().adoptedThreadEnded()
            },
            context: Unmanaged.passUnretained(self).toOpaque()
        )
    }

    /// The adopted loop's thread, when the shard stops: gives the page pool back, deletes the heap
    /// and resumes the callers of `stop()`. Late work goes on running on the loop (without a
    /// heap) while it lives.
    private func adoptedThreadStops() {
        slot.retirePagePool()
        Mimalloc.Shard.setCurrent(nil)
        Mimalloc.watchCurrentThreadExit(nil, context: nil)
        slot.heap?.delete()
        slot.shard.setHeap(nil)
        let waiters = locked { () -> [CheckedContinuation<Void, Never>] in
            defer { stopWaiters = [] }
            state = .retired
            // From now on the thread is a retired one that another library ends.
            return stopWaiters
        }
        for waiter in waiters { waiter.resume() }
        // A new watch: if the loop's thread ends, later work needs a thread of the shard's own.
        Mimalloc.watchCurrentThreadExit(
            { context in
                Unmanaged<ShardExecutor>.fromOpaque(context!).takeUnretainedValue().adoptedThreadEnded()
            },
            context: Unmanaged.passUnretained(self).toOpaque()
        )
    }

    /// The adopted loop's thread, as it exits (the other library ended it). The heap is not
    /// touched here (mimalloc deletes a thread's heaps at its exit itself); the shard counts as
    /// stopped, its `stop()` callers resume, and queued work that the ending loop did not take
    /// runs on a retired thread of the shard's own.
    private func adoptedThreadEnded() {
        Mimalloc.Shard.setCurrent(nil)
        slot.shard.setHeap(nil)
        let waiters = locked { () -> [CheckedContinuation<Void, Never>] in
            defer { stopWaiters = [] }
            host = nil
            hostDrainQueued = false
            hostMaintenanceQueued = false
            thread = nil
            state = .stopped
            if !pending.isEmpty { startThread(withHeap: false) }
            return stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Hosting thread, called by the hosted loop: runs the work queued so far.
    private func drainHosted() {
        var batch: [Work] = []
        locked {
            hostDrainQueued = false
            swap(&batch, &pending)
        }
        for work in batch {
            run(work)
        }
    }

    /// Runs one piece of work on the owner thread.
    @inline(__always)
    private func run(_ work: Work) {
        switch work {
        case .job(let job):
            job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
        case .taskJob(let job, let taskExecutor):
            job.runSynchronously(on: taskExecutor)
        case .globalJob(let job):
            // As the global executor's own threads run them: isolated to no executor and with
            // no task executor. Were it run "on" this task executor instead, its every later switch
            // to the generic executor (entering a nonisolated async function, returning from
            // an actor) would differ in task executor from the task's (none), and the runtime
            // would queue the rest of the job again rather than continue on this thread.
            job.runSynchronously(on: ShardExecutor.genericExecutor)
        case .call(let body):
            body()
        }
    }

    /// The runtime's generic executor (what the global concurrent executor's jobs run on): the
    /// reference whose two words are zero. No public initialiser makes it.
    // Safe: `UnownedSerialExecutor` is a frozen struct of one `Builtin.Executor`, two words, and
    // the runtime's generic executor reference is both words zero (`SerialExecutorRef::generic`).
    static let genericExecutor: UnownedSerialExecutor = {
        precondition(MemoryLayout<UnownedSerialExecutor>.size == 2 * MemoryLayout<UInt>.size)
        return unsafeBitCast((UInt(0), UInt(0)), to: UnownedSerialExecutor.self)
    }()

    /// How many jobs (of tasks, actors and the global executor) were queued on this shard. Any
    /// thread may read it.
    var jobsQueuedCount: Int { locked { jobsQueued } }

    /// Whether the calling thread is this executor's thread (running or retired).
    var isCurrentThread: Bool {
        let current = pthread_self()
        return locked { thread.map { pthread_equal($0, current) != 0 } ?? false }
    }

    /// Whether the thread runs and owns a heap (started and not yet stopped).
    var isRunningWithHeap: Bool {
        locked { state == .running || state == .stopping }
    }

    /// Whether the thread has started, for tests and stats.
    var hasStarted: Bool {
        locked { state != .notStarted }
    }

    /// CPU time the thread has used so far, or nil before it starts.
    var threadCPUTime: Duration? {
        guard let thread = locked({ self.thread }) else { return nil }
        var clock = clockid_t()
        guard pthread_getcpuclockid(thread, &clock) == 0 else { return nil }
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return nil }
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    // MARK: Stopping

    /// Drains queued jobs, deletes the heap and ends the thread. Returns once the heap is gone
    /// (at once when it already is, or never was); every caller, however many at once, waits
    /// for that.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = locked {
                switch state {
                case .notStarted:
                    state = .stopped
                    return true
                case .stopped, .retired:
                    return true
                case .running, .stopping:
                    let first = state == .running
                    state = .stopping
                    stopWaiters.append(continuation)
                    if isParked { lock.signal() }
                    if first, let host {
                        // Queued on the loop after the work already queued there.
                        host.execute { self.adoptedThreadStops() }
                    }
                    return false
                }
            }
            if resumeNow { continuation.resume() }
        }
    }

    // MARK: The thread

    /// Call with `lock` held.
    private func startThread(withHeap: Bool) {
        state = withHeap ? .running : .retired
        let context = Unmanaged.passRetained(ThreadContext(executor: self, withHeap: withHeap)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(
            &handle,
            nil,
            { argument in
                // Safe: `argument` is the context retained just above, released here exactly once.
                let context = Unmanaged<ThreadContext>.fromOpaque(argument!).takeRetainedValue()
                context.executor.threadMain(withHeap: context.withHeap)
                return nil
            },
            context
        )
        require(result == 0, "ShardedHeap: cannot start the thread of shard \(slot.index) (pthread_create: \(result))")
        pthread_detach(handle)
        thread = handle
    }

    private final class ThreadContext {
        let executor: ShardExecutor
        let withHeap: Bool
        init(executor: ShardExecutor, withHeap: Bool) {
            self.executor = executor
            self.withHeap = withHeap
        }
    }

    /// The thread's life. With a heap: create it, run jobs until stopped, give the page pool back
    /// to whoever still holds it, delete the heap, then go on without a heap while late jobs are
    /// queued. Without a heap (a *retired* thread, started for work that arrived after the stop):
    /// run jobs until the queue is empty, then end. Whenever the thread ends, the state is
    /// `.stopped`, so the next late job starts a new retired thread; nothing ever waits for a
    /// thread that has ended, and no thread outlives its last job.
    private func threadMain(withHeap: Bool) {
        Mimalloc.setCurrentThreadName(threadName)
        if withHeap {
            guard let heap = Mimalloc.Heap.createOnCallingThread(inArena: slot.arena) else {
                fatalError("ShardedHeap: mi_heap_new failed for shard \(slot.index)")
            }
            slot.shard.setHeap(heap)
            Mimalloc.Shard.setCurrent(slot.shard)
            runLoop(withHeap: true)
            // `state` is `.stopping` and the queue was empty: no job of this shard can run here
            // any more, on its heap.
            slot.retirePagePool()
            Mimalloc.Shard.setCurrent(nil)
            slot.heap?.delete()
            slot.shard.setHeap(nil)
            let (waiters, lateWork) = locked { () -> ([CheckedContinuation<Void, Never>], Bool) in
                let waiters = stopWaiters
                stopWaiters = []
                // Jobs that arrived while the heap was being deleted run here, without a heap.
                state = pending.isEmpty ? .stopped : .retired
                return (waiters, !pending.isEmpty)
            }
            for waiter in waiters { waiter.resume() }
            guard lateWork else { return }
        }
        runLoop(withHeap: false)
    }

    /// Runs queued work. With a heap, it parks when idle (collecting after `idleCollectDelay`)
    /// and returns once stopping with an empty queue. Without one, it returns as soon as the
    /// queue is empty, leaving the state `.stopped`.
    private func runLoop(withHeap: Bool) {
        var batch: [Work] = []
        var dirty = false
        while true {
            let next: Bool = locked {
                while pending.isEmpty {
                    if !withHeap {
                        state = .stopped
                        return false
                    }
                    if state == .stopping {
                        return false
                    }
                    if dirty || maintenanceWanted {
                        isParked = true
                        let signalled = lock.wait(nanoseconds: idleCollectNanoseconds)
                        isParked = false
                        if !signalled && pending.isEmpty {
                            maintenanceWanted = false
                            dirty = false
                            // Collect outside the lock.
                            return true
                        }
                    } else {
                        isParked = true
                        lock.wait()
                        isParked = false
                    }
                }
                swap(&batch, &pending)
                return true
            }
            guard next else { return }
            if batch.isEmpty {
                runMaintenance()
                continue
            }
            dirty = true
            for work in batch {
                run(work)
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Maintenance on an adopted loop, which never says whether it is idle: a collect that does
    /// not force (it frees what other threads freed and returns empty pages, without walking
    /// every page or measuring areas), so that a busy loop pays little for it.
    private func runHostedMaintenance() {
        slot.shard.clearCollectRequest()
        slot.heap?.collect(force: false)
    }

    /// Idle maintenance on the owner thread: collect, then measure the heap's areas.
    private func runMaintenance() {
        slot.shard.clearCollectRequest()
        guard let heap = slot.heap else { return }
        heap.collect(force: true)
        slot.recordAreas(of: heap)
    }
}

// @unchecked: all mutable state is guarded by `lock`, except `slot.heap`, which only the
// executor's own thread touches.
extension ShardExecutor: @unchecked Sendable {}
