#if canImport(Glibc)
import Glibc
#endif

/// The package's one lock: a pthread mutex guarding a value, with a condition variable for
/// threads that wait for that value to change.
///
/// ## Why not `Synchronization.Mutex`
/// On Linux, `Mutex` hands a contended lock over inside the kernel (a priority-inheriting
/// futex), where ThreadSanitizer cannot see the hand-over. Under contention TSan then reports
/// races between two critical sections that the lock in fact separates. TSan intercepts pthread
/// mutexes and condition variables, so with this type the CI's TSan run checks the real ordering.
///
/// ## Why the value lives in memory of its own
/// The mutex, the condition and the value are each allocated once in `init` and reached through
/// pointers that never change. A value stored in the object itself would, when empty (`Void`),
/// share its address with the object's header, and TSan took the header read that starts every
/// call for an unlocked read of the field that the previous holder wrote.
///
/// Any thread may call every member. `withLock` must not be re-entered on the same lock from its
/// own body.
package final class PThreadLock<State: ~Copyable> {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private let state: UnsafeMutablePointer<State>

    /// Creates a lock guarding `initialState`.
    package init(_ initialState: consuming sending State) {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        state = .allocate(capacity: 1)
        // Safe: `state` was just allocated for one value and is initialised once.
        state.initialize(to: initialState)
        initializePrimitives()
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        // Safe: nothing else can hold the lock once the last reference is gone.
        state.deinitialize(count: 1)
        state.deallocate()
        condition.deallocate()
        mutex.deallocate()
    }

    private func initializePrimitives() {
        // Safe: both pointers were allocated in init and stay valid for the object's life.
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Timed waits use CLOCK_MONOTONIC, so wall-clock changes neither wake nor stall them.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    /// Sets the mutex and condition up again in a forked child, where the parent's copies may be
    /// held by threads that do not exist there. The value is kept as it is.
    ///
    /// Only the child's single thread may call this, before any other thread of the child uses
    /// the lock.
    package func reinitializeInForkedChild() {
        initializePrimitives()
    }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    package func withLock<Result: ~Copyable, Failure: Error>(
        _ body: (inout State) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        // Safe: the mutex is held, so no other thread reaches the value meanwhile.
        return try body(&state.pointee)
    }

    /// Waits for ``signal()`` or ``broadcast()``; wake-ups may also be spurious. Call it only
    /// inside `withLock`: the mutex is released while waiting and held again on return.
    package func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Waits for a signal or until `nanoseconds` have passed. Call it only inside `withLock`.
    /// - Returns: false when the time ran out.
    package func wait(nanoseconds: Int) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = Int(now.tv_nsec) + nanoseconds % 1_000_000_000
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + nanoseconds / 1_000_000_000 + total / 1_000_000_000
        deadline.tv_nsec = total % 1_000_000_000
        return pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT
    }

    /// Wakes one waiting thread, if any. Call it inside `withLock`.
    package func signal() {
        pthread_cond_signal(condition)
    }

    /// Wakes every waiting thread. Call it inside `withLock`.
    package func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

extension PThreadLock where State == Void {
    /// Creates a lock that guards state kept elsewhere.
    package convenience init() {
        self.init(())
    }

    /// Runs `body` with the mutex held.
    @inline(__always)
    package func withLock<Result: ~Copyable, Failure: Error>(
        _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withLock { (_: inout Void) throws(Failure) -> Result in try body() }
    }
}

// @unchecked: the value is reached only inside `withLock`, which holds the mutex; the pointers
// themselves never change after init.
extension PThreadLock: @unchecked Sendable where State: ~Copyable {}
