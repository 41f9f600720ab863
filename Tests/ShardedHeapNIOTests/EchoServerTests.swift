#if NIO
import NIOCore
import NIOPosix
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeapNIO

/// Writes back whatever it reads, in the buffer it read it into.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

@Suite("A TCP echo server on event loops adopted by shards", .serialized)
struct EchoServerTests {
    static func sum(_ group: ShardGroup) -> AllocationCounters {
        (0..<group.shardCount).map { group.counters(ofShard: $0) }.reduce(into: AllocationCounters()) { total, next in
            total.totalAllocations += next.totalAllocations
            total.totalDeallocations += next.totalDeallocations
            total.allocatedBytes += next.allocatedBytes
            total.freedBytes += next.freedBytes
        }
    }

    @Test("Messages of random sizes come back intact; the server's buffers came from shards and all went back")
    func echo() async throws {
        let serverLoops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let shards = ShardGroup(adopting: serverLoops)
        let clientLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: serverLoops)
            .shardedAllocation()
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(server.localAddress?.port)

        var random = SplitMix64(seed: 0xEC40)
        let messages: [[UInt8]] = (0..<200).map { index in
            let count = 1 + Int(random.next() % 65_536)
            return (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ index) }
        }
        // Four connections, so that both event loops (and so both shards) serve some.
        for connection in 0..<4 {
            let client = try await ClientBootstrap(group: clientLoops)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await client.executeThenClose { inbound, outbound in
                var replies = inbound.makeAsyncIterator()
                for message in messages[(connection * 50)..<((connection + 1) * 50)] {
                    try await outbound.write(ByteBuffer(bytes: message))
                    var received: [UInt8] = []
                    while received.count < message.count, var chunk = try await replies.next() {
                        received += chunk.readBytes(length: chunk.readableBytes) ?? []
                    }
                    #expect(received == message, "a \(message.count)-byte message came back as \(received.count) bytes")
                }
            }
        }

        let served = (0..<shards.shardCount).map { shards.counters(ofShard: $0).totalAllocations }
        #expect(served.allSatisfy { $0 > 0 }, "allocations per shard: \(served)")
        // NIO reuses a channel's read buffer once nothing else holds it, so there are fewer
        // blocks than messages; each connection needs at least one.
        #expect(Self.sum(shards).totalAllocations >= 4, "at least one read buffer per connection")
        #expect(shards.fallbackCounters.totalAllocations == 0, "every server buffer came from a shard")

        // The accepted channels close after the clients; then every block is back.
        try await server.close()
        let deadline = ContinuousClock.now + .seconds(5)
        while Self.sum(shards).liveAllocations != 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let total = Self.sum(shards)
        #expect(total.liveAllocations == 0, "left live: \(total)")
        #expect(total.liveBytes == 0)

        await shards.shutdown()
        try await serverLoops.shutdownGracefully()
        try await clientLoops.shutdownGracefully()
    }
}
#endif
