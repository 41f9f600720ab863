#if Hummingbird
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix
import ShardedHeap
import ShardedHeapNIO
import Synchronization
import Testing

@testable import ShardedHeapHummingbird

/// Where a test keeps a weak reference to a request's memory, to see when it goes.
private final class MemoryWatch: Sendable {
    private let memory = Mutex<Weak?>(nil)
    private let aliveWhileWriting = Mutex<Bool?>(nil)

    struct Weak: @unchecked Sendable {
        // @unchecked: read and written only under the mutex.
        weak var value: RequestMemory?
    }

    func watch(_ value: RequestMemory) { memory.withLock { $0 = Weak(value: value) } }
    var isAlive: Bool { memory.withLock { $0?.value != nil } }
    func noteWhileWriting() {
        let alive = isAlive
        aliveWhileWriting.withLock { $0 = alive }
    }
    var wasAliveWhileWriting: Bool? { aliveWhileWriting.withLock { $0 } }
}

/// Runs an application on 127.0.0.1 (port 0) while `body` runs, then stops it.
func withServer<Context: RequestContext>(
    router: Router<Context>,
    server: HTTPServerBuilder = .http1(),
    eventLoops: MultiThreadedEventLoopGroup,
    _ body: (Int) async throws -> Void
) async throws where Context.Source == ApplicationRequestContextSource {
    let port = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            port.continuation.yield(channel.localAddress?.port ?? 0)
            port.continuation.finish()
        },
        eventLoopGroupProvider: .shared(eventLoops)
    )
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await app.runService() }
        var ports = port.stream.makeAsyncIterator()
        let bound = try #require(await ports.next())
        try await body(bound)
        tasks.cancelAll()
    }
}

@Suite("Hummingbird: request memory and shard-served connections", .serialized)
struct RequestMemoryTests {
    @Test("A handler's request memory is freed once the request is done, and values made from it work")
    func freedAfterRequest() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let watch = MemoryWatch()
        let router = Router(context: ShardedRequestContext.self)
        router.post("/sum") { request, context -> String in
            watch.watch(context.requestMemory)
            let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
            var numbers = OffHeapArray<Int>(allocator: context.requestMemory)
            for field in text.split(separator: ",") { numbers.append(Int(field) ?? 0) }
            #expect(context.requestMemory.isUsed)
            return "\(numbers.reduce(0, +))"
        }
        try await withServer(router: router, eventLoops: loops) { port in
            let reply = try await httpRequest("POST", "/sum", body: "1,2,3,40", port: port, group: loops)
            #expect(reply.status == 200)
            #expect(reply.body == "46")
            // The context, the array and so the memory are gone with the request.
            let deadline = ContinuousClock.now + .seconds(2)
            while watch.isAlive && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(!watch.isAlive, "the request's memory outlived the request")
        }
        try await loops.shutdownGracefully()
    }

    @Test("With the middleware, a body written after the handler returned still reads the request memory")
    func middlewareKeepsMemoryForTheBody() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let watch = MemoryWatch()
        let router = Router(context: ShardedRequestContext.self)
        router.add(middleware: RequestMemoryMiddleware<ShardedRequestContext>())
        router.get("/stream") { _, context -> Response in
            watch.watch(context.requestMemory)
            // Raw request memory, read by a body Hummingbird writes after this returns.
            let bytes = try context.requestMemory.allocate(byteCount: 5, alignment: 1)
            bytes.copyMemory(from: Array("hello".utf8), byteCount: 5)
            let address = UInt(bitPattern: bytes)
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await Task.sleep(for: .milliseconds(20))
                    watch.noteWhileWriting()
                    // Safe: the middleware keeps the memory alive until this body is written.
                    let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: 5)
                    try await writer.write(ByteBuffer(bytes: raw))
                    try await writer.finish(nil)
                }
            )
        }
        try await withServer(router: router, eventLoops: loops) { port in
            let reply = try await httpRequest("GET", "/stream", port: port, group: loops)
            #expect(reply.status == 200)
            #expect(reply.body.contains("hello"))
            #expect(watch.wasAliveWhileWriting == true, "the memory went before the body was written")
            let deadline = ContinuousClock.now + .seconds(2)
            while watch.isAlive && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(!watch.isAlive)
        }
        try await loops.shutdownGracefully()
    }

    @Test("shardedHTTP1 on adopted event loops: every connection buffer comes from a shard")
    func connectionsServedByShards() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let shards = ShardGroup(adopting: loops)
        let router = Router(context: ShardedRequestContext.self)
        router.get("/hello") { _, context -> ByteBuffer in
            var buffer = context.allocator.buffer(capacity: 64)
            buffer.writeString("hello from a shard buffer")
            return buffer
        }
        try await withServer(router: router, server: .shardedHTTP1(), eventLoops: loops) { port in
            for _ in 0..<20 {
                let reply = try await httpRequest("GET", "/hello", port: port, group: loops)
                #expect(reply.status == 200)
                #expect(reply.body == "hello from a shard buffer")
            }
        }
        let allocations = (0..<shards.shardCount).map { shards.counters(ofShard: $0).totalAllocations }
        #expect(allocations.reduce(0, +) >= 20, "connection buffers per shard: \(allocations)")
        #expect(shards.fallbackCounters.totalAllocations == 0)
        await shards.shutdown()
        try await loops.shutdownGracefully()
    }
}
#endif
