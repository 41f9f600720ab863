import Foundation

/// Runs `body` on a new OS thread (not a Swift concurrency thread) and waits for it.
public func onDetachedThread(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let thread = Thread {
            body()
            continuation.resume()
        }
        thread.start()
    }
}
