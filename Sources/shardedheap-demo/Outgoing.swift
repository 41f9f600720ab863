import ShardedHeap
import Synchronization

/// A response handed to the sender task, which checks it; it is freed wherever the last
/// reference to this hand-off goes.
///
/// The hand-off holds the response's only reference (the handler drops its own when it
/// returns), so the response's block is freed as this object's `deinit` finishes, on the thread
/// that runs it. Usually that is the sender's thread; sometimes the request loop on the main
/// thread still holds its copy when the sender is done, and the last reference goes there. Either
/// way `deinit` sees the thread and counts a free off the owner shard's thread in
/// ``remoteFreesMade``, which is the number the shards' remote-free counters must match.
final class Outgoing {
    /// Frees of handed-on responses made on a thread that is not the owner of the buffer's shard.
    ///
    /// Relaxed is enough: it is read only after the request loop and the sender task have
    /// finished, and task completion (`await group.next()`, `await sender.value`) orders every
    /// increment before the read.
    static let remoteFreesMade = Atomic<Int>(0)

    /// The response. Read-only in practice; `var` only so that `deinit` can ask whether it holds
    /// the last reference (`isKnownUniquelyReferenced` takes `inout`).
    private var storedBuffer: OwnedBuffer
    /// The request the response answers, from which the sender recomputes the expected bytes.
    let requestNumber: Int
    /// The group the response came from, to tell its shard threads apart.
    let heap: ShardGroup

    /// Hands on `buffer`, the response to request `requestNumber` from `heap`.
    ///
    /// - Parameters:
    ///   - buffer: The response; the caller must drop its own reference.
    ///   - requestNumber: The request it answers.
    ///   - heap: The group it was allocated from.
    init(buffer: OwnedBuffer, requestNumber: Int, heap: ShardGroup) {
        self.storedBuffer = buffer
        self.requestNumber = requestNumber
        self.heap = heap
    }

    /// The response.
    var buffer: OwnedBuffer { storedBuffer }

    deinit {
        // The block is freed right after this, on this thread, if this is its last reference.
        if isKnownUniquelyReferenced(&storedBuffer), let owner = storedBuffer.shardIndex,
            heap.currentShardIndex != owner
        {
            Self.remoteFreesMade.add(1, ordering: .relaxed)
        }
    }
}

// Safe to send: `storedBuffer` is written only in `init` and read by `deinit`, which runs alone;
// everything else is immutable, and `OwnedBuffer` and `ShardGroup` are `Sendable`.
extension Outgoing: @unchecked Sendable {}
