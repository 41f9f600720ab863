#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex that guards no value of its own: the caller's state is reached only inside
/// `withLock`.
///
/// Used where the guarded state lives elsewhere (a pool's free list, for instance), instead of a
/// `PThreadLocked<Void>`. An empty `Void` field shares its address with the object's header, so
/// ThreadSanitizer took the header read that starts every call for an unlocked read of the field
/// that the previous holder wrote, and reported a race the lock in fact prevents.
final class PThreadMutex: @unchecked Sendable {
    // @unchecked: the pointer is set once in init; the mutex itself is the synchronisation.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        // Safe: the pointer was just allocated and is initialised once.
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the mutex held. Any thread may call this; it must not be re-entered from
    /// `body` on the same mutex.
    @inline(__always)
    func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
