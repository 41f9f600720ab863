import ShardedHeap

/// The task that receives handed-on responses, checks them and frees them on its own thread.
enum Sender {
    /// What the sender checked and freed.
    struct Result: Sendable {
        /// The sender's checks of the responses (it writes nothing, so only checked figures).
        var tally = CheckTally()
        /// Responses received.
        var received = 0
        /// Responses freed on a thread that is not the owner of the buffer's shard: frees the
        /// shard must count as remote.
        var remoteFreesMade = 0
    }

    /// Starts the sender, a detached task (so it runs off the shard threads).
    ///
    /// - Parameters:
    ///   - stream: The responses to check; the task ends when the stream finishes.
    ///   - heap: The group the responses came from, to tell its shard threads apart.
    /// - Returns: The task; its value is what it checked and freed.
    static func start(receiving stream: AsyncStream<Outgoing>, heap: ShardGroup) -> Task<Result, Never> {
        Task.detached {
            var result = Result()
            for await outgoing in stream {
                let check = ByteCheck.response(outgoing.buffer.bytes, of: RequestInput(number: outgoing.requestNumber))
                result.tally.bytesChecked += check.checked
                result.tally.mismatchedBytes += check.mismatched
                if check.mismatched > 0 { result.tally.failedBuffers += 1 }
                result.received += 1
                // The block is freed when `outgoing` goes at the end of this iteration, on this
                // thread: the stream handed over the last reference.
                if let owner = outgoing.buffer.shardIndex, heap.currentShardIndex != owner {
                    result.remoteFreesMade += 1
                }
            }
            return result
        }
    }
}
