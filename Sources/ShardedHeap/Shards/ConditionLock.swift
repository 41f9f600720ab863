#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with one condition variable, used by shard threads to park while idle.
///
/// A parked thread sleeps in the kernel (futex) and uses no CPU. Timed waits use
/// `CLOCK_MONOTONIC`, so wall-clock changes do not wake or stall a shard.
final class ConditionLock {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        initialize()
    }

    /// Initialises (or, in a forked child, re-initialises) the mutex and condition. In a forked
    /// child the copies may be held by threads that no longer exist; only the child's single
    /// thread may call this, before any other thread of the child uses the lock.
    func initialize() {
        // Safe: both pointers were allocated in init and stay valid for the object's life.
        var mutexAttributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&mutexAttributes)
        pthread_mutex_init(mutex, &mutexAttributes)
        pthread_mutexattr_destroy(&mutexAttributes)
        var conditionAttributes = pthread_condattr_t()
        pthread_condattr_init(&conditionAttributes)
        pthread_condattr_setclock(&conditionAttributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &conditionAttributes)
        pthread_condattr_destroy(&conditionAttributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the mutex held.
    @inline(__always)
    func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a signal. Call with the mutex held (inside `withLock`).
    func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Waits for a signal or until `nanoseconds` have passed. Call with the mutex held.
    /// - Returns: false when the time ran out.
    func wait(nanoseconds: Int) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = Int(now.tv_nsec) + nanoseconds % 1_000_000_000
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + nanoseconds / 1_000_000_000 + total / 1_000_000_000
        deadline.tv_nsec = total % 1_000_000_000
        return pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT
    }

    /// Wakes the waiting thread, if any. Call with the mutex held.
    func signal() {
        pthread_cond_signal(condition)
    }
}

// @unchecked: every access to the pthread objects goes through pthread calls, which do their own
// synchronisation; the pointers themselves never change after init.
extension ConditionLock: @unchecked Sendable {}
