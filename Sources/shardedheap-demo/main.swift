// shardedheap-demo: a simulated request-serving workload on ShardGroup.shared.
//
// Many concurrent requests each run in a shard scope: they fill a request body, transform it
// into a response, check both against bytes recomputed from the request number, and drop them.
// One request in four hands its response to a sender task, which checks it and frees it on
// another thread (a remote free). A short second phase times allocation alone. The demo ends
// with the shard table, what it means, and a verdict computed from the counts: PASS, or FAIL
// with exit status 1. `--help` lists the flags; `--json` prints the report as JSON. Progress
// goes to standard error.
import ShardedHeap
import ShardedHeapStats

#if canImport(Glibc)
import Glibc
#endif

let peakMemory = PeakMemory.start()
let options = DemoOptions(arguments: CommandLine.arguments)
let heap = ShardGroup.shared

let heading =
    "ShardedHeap demo: \(DemoFormat.grouped(options.requests)) requests, \(options.concurrency) at a time, "
    + "\(heap.shardCount) shards"
if options.json { StandardError.print(heading) } else { print(heading) }

let before = Stats.snapshot(of: heap)
let workload = await Workload(options: options, heap: heap).run()
await heap.measureAreas(collect: true)
let after = Stats.snapshot(of: heap)

StandardError.print("  timing allocation alone: \(DemoFormat.grouped(options.allocationPairs)) make+free pairs")
let allocation = await AllocationPhase.run(pairs: options.allocationPairs, shardCount: heap.shardCount)

let report = DemoReport(
    options: options,
    workload: workload,
    before: before,
    after: after,
    allocation: allocation,
    peakResidentBytes: peakMemory.currentPeakBytes(),
    peakSource: peakMemory.source,
    residentBytes: ProcessStats.current().residentBytes
)
if options.json {
    print(report.json.text)
} else {
    for line in report.textLines { print(line) }
}
exit(report.passed ? 0 : 1)
