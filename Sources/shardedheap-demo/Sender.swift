import ShardedHeap

/// The task that receives handed-on responses and checks them; the responses are freed on its
/// thread (see ``Outgoing`` for where each free is counted).
enum Sender {
    /// What the sender checked.
    struct Result: Sendable {
        /// The sender's checks of the responses (it writes nothing, so only checked figures).
        var tally = CheckTally()
        /// Responses received.
        var received = 0
    }

    /// Starts the sender, a detached task (so it runs off the shard threads).
    ///
    /// - Parameter stream: The responses to check; the task ends when the stream finishes.
    /// - Returns: The task; its value is what it checked.
    static func start(receiving stream: AsyncStream<Outgoing>) -> Task<Result, Never> {
        Task.detached {
            var result = Result()
            for await outgoing in stream {
                // The hand-off outlives every reference the check takes to its buffer: were it
                // released first (its last use is above the check's end), its `deinit` could run
                // here while the check still held the buffer, see a second reference, and not
                // count the free that the shard then counts (seen once in CI: 500 against 499).
                withExtendedLifetime(outgoing) {
                    let input = RequestInput(number: outgoing.requestNumber)
                    let check = ByteCheck.response(outgoing.buffer.bytes, of: input)
                    result.tally.bytesChecked += check.checked
                    result.tally.mismatchedBytes += check.mismatched
                    if check.mismatched > 0 { result.tally.failedBuffers += 1 }
                    result.received += 1
                }
            }
            return result
        }
    }
}
