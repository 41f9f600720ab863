import ShardedHeap
import ShardedHeapStats

/// The request-serving phase: many concurrent requests in shard scopes, one response in four
/// handed to the sender, progress on standard error.
struct Workload {
    /// What the phase did, as the demo itself counted it.
    struct Result: Sendable {
        /// Requests that completed.
        var completed = 0
        /// The requests' and the sender's checks, summed.
        var tally = CheckTally()
        /// Responses handed to the sender.
        var handedOn = 0
        /// What the sender received and checked.
        var sender = Sender.Result()
        /// Handed-on responses freed off their shard's thread (``Outgoing/remoteFreesMade``).
        var remoteFreesMade = 0
        /// Seconds from the first request to the sender's last free.
        var seconds = 0.0
    }

    /// The command line.
    let options: DemoOptions
    /// The group the requests allocate from.
    let heap: ShardGroup

    /// Runs every request, keeping `options.concurrency` in flight, then waits for the sender.
    ///
    /// Progress lines go to standard error every tenth of the run, with a shard table at half way.
    ///
    /// - Returns: The demo's own counts and the elapsed time.
    func run() async -> Result {
        let (stream, queue) = AsyncStream.makeStream(of: Outgoing.self)
        let sender = Sender.start(receiving: stream)
        let handler = RequestHandler(corruptRequest: options.corruptRequest, heap: heap)
        let heap = heap
        let requests = options.requests
        let started = ContinuousClock.now
        var result = Result()
        let progressStep = max(1, requests / 10)

        await withTaskGroup(of: RequestOutcome.self) { group in
            var next = 0
            func launch() {
                let number = next
                next += 1
                group.addTask {
                    await withShardedAllocation(on: heap) { alloc in await handler.handle(request: number, alloc: alloc)
                    }
                }
            }
            for _ in 0..<min(options.concurrency, requests) { launch() }
            while let outcome = await group.next() {
                result.tally.add(outcome.tally)
                if let outgoing = outcome.outgoing {
                    queue.yield(outgoing)
                    result.handedOn += 1
                }
                result.completed += 1
                if result.completed % progressStep == 0 || result.completed == requests {
                    let seconds = Self.seconds(since: started)
                    let snapshot = Stats.snapshot(of: heap)
                    StandardError.print(
                        "  \(DemoFormat.grouped(result.completed).leftPadded(to: 9)) requests  "
                            + "\(DemoFormat.grouped(Int(Double(result.completed) / max(seconds, 1e-9))).leftPadded(to: 8))"
                            + " requests processed/s so far  "
                            + "live \(DemoFormat.bytes(snapshot.totals.heapLiveBytes)) in "
                            + "\(snapshot.totals.heapLiveAllocations) blocks, "
                            + "RSS \(DemoFormat.bytes(snapshot.process.residentBytes))"
                    )
                    if result.completed == progressStep * 5 && result.completed < requests {
                        await heap.measureAreas()  // fresh committed/used figures from each shard thread
                        StandardError.print("  half way, areas measured without a collect:")
                        for line in ShardTable(snapshot: Stats.snapshot(of: heap)).lines {
                            StandardError.print("  " + line)
                        }
                    }
                }
                if next < requests { launch() }
            }
        }
        queue.finish()
        result.sender = await sender.value
        result.tally.add(result.sender.tally)
        // Relaxed: both the loop and the sender have finished; see Outgoing.remoteFreesMade.
        result.remoteFreesMade = Outgoing.remoteFreesMade.load(ordering: .relaxed)
        result.seconds = Self.seconds(since: started)
        return result
    }

    /// Seconds elapsed since `start`.
    ///
    /// - Parameter start: An instant of the continuous clock.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
