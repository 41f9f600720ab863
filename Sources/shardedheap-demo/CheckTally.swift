/// What the demo wrote and what its checks found, summed over requests.
struct CheckTally: Sendable {
    /// Buffers the demo made (a request makes a body and a response).
    var buffersMade = 0
    /// Bytes the demo wrote into those buffers (bodies and responses).
    var bytesWritten = 0
    /// Bytes compared with their recomputed expected value.
    var bytesChecked = 0
    /// Compared bytes that differed from the expected value.
    var mismatchedBytes = 0
    /// Buffers (bodies or responses) with at least one mismatched byte.
    var failedBuffers = 0

    /// Adds `other`'s figures to these.
    ///
    /// - Parameter other: The tally to add.
    mutating func add(_ other: CheckTally) {
        buffersMade += other.buffersMade
        bytesWritten += other.bytesWritten
        bytesChecked += other.bytesChecked
        mismatchedBytes += other.mismatchedBytes
        failedBuffers += other.failedBuffers
    }
}
