import ShardedHeap

/// A response handed to the sender task, which checks it and frees it on its own thread.
struct Outgoing: Sendable {
    /// The response; the sender holds the last reference, so the block is freed there.
    let buffer: OwnedBuffer
    /// The request the response answers, from which the sender recomputes the expected bytes.
    let requestNumber: Int
}
