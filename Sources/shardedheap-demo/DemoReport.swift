import ShardedHeapStats

/// Everything the demo reports at the end: its own counts, the shared heap's counters, the
/// timings and the peak memory, and the verdict computed from them.
struct DemoReport {
    /// The command line the run used.
    let options: DemoOptions
    /// The workload's own counts and time.
    let workload: Workload.Result
    /// The shared heap before the workload, to take the workload's changes from.
    let before: StatsSnapshot
    /// The shared heap after the workload and a collect.
    let after: StatsSnapshot
    /// The allocation-rate phase.
    let allocation: AllocationPhase.Result
    /// The demo's own peak resident bytes, by ``peakSource``.
    let peakResidentBytes: Int
    /// How ``peakResidentBytes`` was measured.
    let peakSource: PeakMemory.Source
    /// Resident bytes at the end.
    let residentBytes: Int

    /// Allocations the shared heap counted during the workload, on its shards and in fallback.
    var buffersCounted: Int {
        (after.totals.totalAllocations + after.fallback.totalAllocations)
            - (before.totals.totalAllocations + before.fallback.totalAllocations)
    }

    /// Remote frees the shared heap's shards counted during the workload.
    var remoteFreesCounted: Int { after.totals.remoteDeallocations - before.totals.remoteDeallocations }

    /// Allocations the shared heap still holds at the end, on its shards and in fallback.
    var liveAllocations: Int { after.totals.heapLiveAllocations }

    /// Usable bytes the shared heap still holds at the end.
    var liveBytes: Int { after.totals.heapLiveBytes }

    /// Requests processed per second over the workload, including filling, transforming and
    /// checking every byte.
    var requestsPerSecond: Double { workload.seconds > 0 ? Double(workload.completed) / workload.seconds : 0 }

    /// The verdict's checks, each with a name, whether it held, and what was found.
    var checks: [Check] {
        let tally = workload.tally
        let sender = workload.sender
        let count = DemoFormat.grouped
        return [
            Check(
                name: "requests completed",
                passed: workload.completed == options.requests,
                found: "\(count(workload.completed)) of \(count(options.requests)) requests completed"
            ),
            Check(
                name: "bytes match",
                passed: tally.mismatchedBytes == 0,
                found:
                    "\(DemoFormat.counted(tally.mismatchedBytes, "byte")) in \(DemoFormat.counted(tally.failedBuffers, "buffer"))"
                    + " did not match the expected bytes"
            ),
            Check(
                name: "every byte checked",
                passed: tally.bytesChecked == tally.bytesWritten,
                found: "\(count(tally.bytesChecked)) of \(count(tally.bytesWritten)) written bytes checked"
            ),
            Check(
                name: "every response received",
                passed: sender.received == workload.handedOn,
                found: "the sender received \(count(sender.received)) of \(count(workload.handedOn)) responses"
            ),
            Check(
                name: "buffers counted",
                passed: buffersCounted == tally.buffersMade,
                found:
                    "the heap counted \(count(buffersCounted)) allocations for \(count(tally.buffersMade)) buffers made"
            ),
            Check(
                name: "remote frees counted",
                passed: remoteFreesCounted == workload.remoteFreesMade,
                found:
                    "the shards counted \(count(remoteFreesCounted)) remote frees for \(count(workload.remoteFreesMade)) made"
            ),
            Check(
                name: "nothing left",
                passed: liveAllocations == 0 && liveBytes == 0,
                found: DemoFormat.counted(liveAllocations, "allocation")
                    + " (\(DemoFormat.bytes(liveBytes))) still live"
            ),
            Check(
                name: "allocation phase counted",
                passed: allocation.countedAllocations == allocation.pairsMade && allocation.liveAllocations == 0,
                found: "its group counted \(count(allocation.countedAllocations)) allocations for "
                    + "\(count(allocation.pairsMade)) made, \(allocation.liveAllocations) left"
            ),
        ]
    }

    /// Whether every check held.
    var passed: Bool { checks.allSatisfy(\.passed) }

    /// The one-line verdict, computed from the counts: `PASS: ...` or `FAIL: ` and every check
    /// that did not hold.
    var verdict: String {
        let failed = checks.filter { !$0.passed }
        guard failed.isEmpty else { return "FAIL: " + failed.map(\.found).joined(separator: "; ") }
        let tally = workload.tally
        return "PASS: \(DemoFormat.grouped(tally.buffersMade)) buffers in \(DemoFormat.grouped(workload.completed)) "
            + "requests, every byte checked (\(DemoFormat.grouped(tally.bytesChecked)) bytes), "
            + "\(DemoFormat.grouped(workload.remoteFreesMade)) freed on other threads, all counted, "
            + "\(liveAllocations) left"
    }

    /// One condition of the verdict.
    struct Check {
        /// A short name, the same in the text and the JSON.
        let name: String
        /// Whether the condition held.
        let passed: Bool
        /// What the demo found, as a phrase.
        let found: String
    }
}
