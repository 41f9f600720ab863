import ShardedHeap
import Testing

@Suite("Executor switches inside a shard scope")
struct ScopeSwitchTests {
    @Test("An await that needs no other executor continues on the shard thread without queueing a job")
    func awaitsContinueInline() async {
        let group = ShardGroup(shardCount: 1)
        let calls = 1_000
        let (queued, onShard) = await withShardedAllocation(on: group) { _ -> (Int, Bool) in
            let before = group.jobsQueued
            var sum = 0
            for index in 0..<calls { sum &+= await scopeStep(index) }
            return (group.jobsQueued - before, sum > 0 && group.currentShardIndex == 0)
        }
        #expect(onShard)
        // Each call enters and leaves a nonisolated async function; the task prefers the shard's
        // executor, so none of them needs another thread.
        #expect(queued < calls / 10, "\(calls) nonisolated calls queued \(queued) jobs")
        await group.shutdown()
    }
}

/// A nonisolated async function the optimizer may not inline, so that calling it switches to
/// the generic executor and back.
@inline(never)
private func scopeStep(_ value: Int) async -> Int {
    value &+ 1
}
