#if ServiceLifecycle
import ServiceLifecycle
import ShardedHeap
import ShardedHeapStats
import Synchronization
import Testing

@testable import ShardedHeapLifecycle

/// A service that runs until graceful shutdown and notes whether the group was still up then.
private final class RecordingService: Service {
    let group: ShardGroup
    let groupUpWhenDone = Mutex<Bool?>(nil)

    init(group: ShardGroup) {
        self.group = group
    }

    func run() async throws {
        try? await gracefulShutdown()
        let up = !group.isShutDown
        groupUpWhenDone.withLock { $0 = up }
    }
}

@Suite("swift-service-lifecycle: StatsReporter and ShardGroupService in a real ServiceGroup")
struct ServiceGroupTests {
    @Test(
        "Graceful shutdown ends the reporter and the group within a second, with no error, and the shard group goes last"
    )
    func gracefulShutdown() async throws {
        // The reporter's interval is 30 s: a reporter that ignored graceful shutdown would keep
        // the group up that long. Other suites load both cores while this runs, so an attempt
        // may be slowed; the bound must hold in one of three.
        var elapsedPerAttempt: [Duration] = []
        for _ in 0..<3 {
            let shards = ShardGroup(shardCount: 2)
            let reporter = StatsReporter(group: shards, interval: .seconds(30))
            let user = RecordingService(group: shards)
            let serviceGroup = ServiceGroup(services: [ShardGroupService(shards), user, reporter])
            let running = Task { try await serviceGroup.run() }
            try await Task.sleep(for: .milliseconds(200))
            #expect(!shards.isShutDown)
            let clock = ContinuousClock()
            let start = clock.now
            await serviceGroup.triggerGracefulShutdown()
            let result = await running.result
            elapsedPerAttempt.append(clock.now - start)
            #expect(throws: Never.self) { try result.get() }
            #expect(shards.isShutDown)
            #expect(user.groupUpWhenDone.withLock { $0 } == true, "the shard group went before a service that used it")
            if elapsedPerAttempt.last! < .seconds(1) { break }
        }
        #expect(elapsedPerAttempt.contains { $0 < .seconds(1) }, "graceful shutdown took \(elapsedPerAttempt)")
    }

    @Test("Cancelling the service group also shuts the shard group down")
    func cancellation() async throws {
        let shards = ShardGroup(shardCount: 1)
        let serviceGroup = ServiceGroup(services: [ShardGroupService(shards), StatsReporter(group: shards)])
        let running = Task { try await serviceGroup.run() }
        try await Task.sleep(for: .milliseconds(100))
        running.cancel()
        _ = await running.result
        #expect(shards.isShutDown)
    }

    @Test("Outside a ServiceGroup, run() still returns when its group shuts down")
    func standalone() async throws {
        let shards = ShardGroup(shardCount: 1)
        let reporter = StatsReporter(group: shards, interval: .seconds(30))
        let running = Task { await reporter.run() }
        try await Task.sleep(for: .milliseconds(50))
        await shards.shutdown()
        let clock = ContinuousClock()
        let start = clock.now
        await running.value
        // It notices a shutdown within 100 ms; the bound leaves room for a loaded machine, and is
        // far below the 30 s interval a reporter that missed the shutdown would wait.
        #expect(clock.now - start < .seconds(5))
    }
}
#endif
