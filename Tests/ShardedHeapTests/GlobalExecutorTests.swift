import Glibc
import ShardedHeap
import ShardedHeapTestSupport
import Testing

/// Installing a global executor changes the whole process, so each test runs in a child process.
@Suite("A shard group as the global concurrent executor")
struct GlobalExecutorTests {
    @Test("Tasks, async let, task-group children and sleeps run on shard threads and allocate from shards")
    func tasksRunOnShards() async {
        await #expect(processExitsWith: .success) {
            let group = ShardGroup(shardCount: 2)
            group.installAsGlobalExecutor()
            @Sendable func whereAmI() async -> Int? { group.currentShardIndex }
            let detached = await Task.detached { group.currentShardIndex }.value
            async let child = whereAmI()
            let inGroup = await withTaskGroup(of: Int?.self) { tasks in
                for _ in 0..<16 { tasks.addTask { group.currentShardIndex } }
                return await tasks.reduce(into: [Int?]()) { $0.append($1) }
            }
            let afterSleep = await Task.detached { () -> Int? in
                try? await Task.sleep(for: .milliseconds(20))
                return group.currentShardIndex
            }.value
            let buffer = await Task.detached { OwnedBuffer(byteCount: 256) }.value
            let childShard = await child
            guard detached != nil, childShard != nil, inGroup.allSatisfy({ $0 != nil }), afterSleep != nil,
                buffer.shardIndex != nil
            else {
                print(
                    "off the shards: detached \(String(describing: detached)), async let \(String(describing: childShard)), group \(inGroup), after sleep \(String(describing: afterSleep)), buffer \(String(describing: buffer.shardIndex))"
                )
                exit(1)
            }
            // Both shards take work queued from outside them.
            let shards = Set(inGroup.compactMap { $0 })
            guard !shards.isEmpty else { exit(2) }
        }
    }

    @Test("An await that needs no other executor continues on the shard thread without queueing a job")
    func awaitsContinueInline() async {
        await #expect(processExitsWith: .success) {
            let group = ShardGroup(shardCount: 2)
            group.installAsGlobalExecutor()
            let calls = 1_000
            let (queued, onShard) = await Task.detached { () -> (Int, Bool) in
                let before = group.jobsQueued
                var sum = 0
                for index in 0..<calls { sum &+= await nonisolatedStep(index) }
                return (group.jobsQueued - before, sum > 0 && group.currentShardIndex != nil)
            }.value
            // Each call enters and leaves a nonisolated async function (an executor switch to
            // the generic executor and back); none of them needs another thread.
            guard queued < calls / 10, onShard else {
                print("\(calls) nonisolated calls queued \(queued) global jobs (on a shard: \(onShard))")
                exit(1)
            }
        }
    }

    @Test("Installing a second group traps, saying why")
    func secondInstallTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            ShardGroup(shardCount: 1).installAsGlobalExecutor()
            ShardGroup(shardCount: 1).installAsGlobalExecutor()
        }
        #expect(standardError(of: result).contains("a shard group is already the global executor"))
    }
}

/// A nonisolated async function the optimizer may not inline, so that calling it switches
/// executors as a handler's calls do.
@inline(never)
private func nonisolatedStep(_ value: Int) async -> Int {
    value &+ 1
}
