/// A value guarded by a pthread mutex, with `Mutex`'s `withLock` shape.
///
/// Used instead of `Synchronization.Mutex` for state that many threads contend for. On Linux,
/// `Mutex` hands a contended lock over inside the kernel (a priority-inheriting futex), where
/// ThreadSanitizer cannot see the hand-over, so under contention TSan reports races between two
/// critical sections that the lock in fact separates. TSan intercepts pthread mutexes, so with
/// this type the CI's TSan run checks the real ordering.
///
/// For a lock with no value of its own, use ``PThreadMutex``.
final class PThreadLocked<Value: ~Copyable> {
    private let mutex = PThreadMutex()
    private var value: Value

    init(_ value: consuming Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try mutex.withLock { () throws(Failure) -> Result in try body(&value) }
    }
}

// @unchecked: `value` is only reached through `withLock`, which holds the mutex.
extension PThreadLocked: @unchecked Sendable where Value: ~Copyable {}
