/// Process-wide figures that mimalloc keeps (`mi_process_info`).
///
/// On Linux mimalloc's "current RSS" is really its commit counter, so this type calls it
/// ``committedBytes``. Read real resident memory from `/proc/self/statm` instead.
public struct MimallocProcessFigures: Sendable, Hashable, Codable {
    /// Milliseconds since the process started.
    public var elapsedMilliseconds: Int
    /// User CPU time of the process, in milliseconds.
    public var userMilliseconds: Int
    /// System CPU time of the process, in milliseconds.
    public var systemMilliseconds: Int
    /// Bytes mimalloc has committed now.
    public var committedBytes: Int
    /// The most bytes mimalloc has had committed at once.
    public var peakCommittedBytes: Int
    /// Peak resident set size (getrusage's `ru_maxrss`), in bytes.
    public var peakResidentBytes: Int
    /// Page faults of the process so far.
    public var pageFaults: Int

    /// Reads the figures now. Any thread may call this.
    public static func current() -> MimallocProcessFigures {
        let info = Mimalloc.processInfo()
        return MimallocProcessFigures(
            elapsedMilliseconds: info.elapsedMilliseconds,
            userMilliseconds: info.userMilliseconds,
            systemMilliseconds: info.systemMilliseconds,
            committedBytes: info.committedBytes,
            peakCommittedBytes: info.peakCommittedBytes,
            peakResidentBytes: info.peakResidentBytes,
            pageFaults: info.pageFaults
        )
    }
}
