import ShardedHeap

/// Process-wide memory and time figures.
///
/// `residentBytes` is the real resident set size (`/proc/self/statm`). mimalloc's own
/// `mi_process_info` calls its commit counter "current RSS" on Linux; here it is named for what
/// it is, ``mimallocCommittedBytes``.
///
/// JSON keys (stable): `resident_bytes`, `peak_resident_bytes`, `mimalloc_committed_bytes`,
/// `mimalloc_peak_committed_bytes`, `page_faults`, `elapsed_ms`, `user_cpu_ms`, `system_cpu_ms`.
public struct ProcessStats: Sendable, Hashable, Codable {
    /// Bytes resident in memory now (`/proc/self/statm`), or 0 where that file cannot be read.
    public var residentBytes: Int
    /// The most bytes resident at once since the process started its program: the kernel's
    /// `VmHWM` (`/proc/self/status`), or getrusage's `ru_maxrss` where that cannot be read;
    /// never less than ``residentBytes``. (`ru_maxrss` survives `execve`, so under `swift run`
    /// it would report the package manager's peak; `VmHWM` does not.)
    public var peakResidentBytes: Int
    /// Bytes mimalloc has committed now, over all its heaps (`mi_process_info`).
    ///
    /// mimalloc 2.0.9 keeps this counter loosely: once segments of an exclusive arena (a capped
    /// shard's) are freed, it falls by more than it rose, and it can go below zero. Compare
    /// changes over a short interval without capped groups, or use ``residentBytes``.
    public var mimallocCommittedBytes: Int
    /// The most bytes mimalloc has had committed at once.
    public var mimallocPeakCommittedBytes: Int
    /// Page faults of the process so far (major ones, as `mi_process_info` reports them).
    public var pageFaults: Int
    /// Milliseconds since the process started.
    public var elapsedMilliseconds: Int
    /// User CPU time of the process so far, in milliseconds.
    public var userCPUMilliseconds: Int
    /// System CPU time of the process so far, in milliseconds.
    public var systemCPUMilliseconds: Int

    /// Creates figures from their parts. Normally you get them from ``current()`` or a
    /// ``StatsSnapshot``.
    public init(
        residentBytes: Int,
        peakResidentBytes: Int,
        mimallocCommittedBytes: Int,
        mimallocPeakCommittedBytes: Int,
        pageFaults: Int,
        elapsedMilliseconds: Int,
        userCPUMilliseconds: Int,
        systemCPUMilliseconds: Int
    ) {
        self.residentBytes = residentBytes
        self.peakResidentBytes = peakResidentBytes
        self.mimallocCommittedBytes = mimallocCommittedBytes
        self.mimallocPeakCommittedBytes = mimallocPeakCommittedBytes
        self.pageFaults = pageFaults
        self.elapsedMilliseconds = elapsedMilliseconds
        self.userCPUMilliseconds = userCPUMilliseconds
        self.systemCPUMilliseconds = systemCPUMilliseconds
    }

    /// Reads the figures now.
    ///
    /// - Complexity: O(1): one `mi_process_info` call, one read of `/proc/self/statm` and one of
    ///   `/proc/self/status`.
    ///
    /// Any thread may call this.
    public static func current() -> ProcessStats {
        let figures = MimallocProcessFigures.current()
        let resident = ResidentMemory.currentBytes() ?? 0
        return ProcessStats(
            residentBytes: resident,
            peakResidentBytes: max(ResidentMemory.peakBytes() ?? figures.peakResidentBytes, resident),
            mimallocCommittedBytes: figures.committedBytes,
            mimallocPeakCommittedBytes: figures.peakCommittedBytes,
            pageFaults: figures.pageFaults,
            elapsedMilliseconds: figures.elapsedMilliseconds,
            userCPUMilliseconds: figures.userMilliseconds,
            systemCPUMilliseconds: figures.systemMilliseconds
        )
    }

    enum CodingKeys: String, CodingKey {
        case residentBytes = "resident_bytes"
        case peakResidentBytes = "peak_resident_bytes"
        case mimallocCommittedBytes = "mimalloc_committed_bytes"
        case mimallocPeakCommittedBytes = "mimalloc_peak_committed_bytes"
        case pageFaults = "page_faults"
        case elapsedMilliseconds = "elapsed_ms"
        case userCPUMilliseconds = "user_cpu_ms"
        case systemCPUMilliseconds = "system_cpu_ms"
    }
}
