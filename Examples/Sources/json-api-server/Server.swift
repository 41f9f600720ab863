import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix
import OffHeapImages
import ShardedHeap
import ShardedHeapHummingbird
import ShardedHeapNIO
import ShardedHeapStats

@main
enum Server {
    static func main() async {
        let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
        do {
            try await serve(options)
        } catch {
            // One line, not a backtrace: a port in use or an unwritable image path is the
            // caller's to fix.
            Options.fail("\(error)")
        }
    }

    static func serve(_ options: Options) async throws {
        // First, before any task starts: handlers then run on shard threads.
        let executorShards: ShardGroup? =
            options.plain || options.cooperativePool
            ? nil
            : ShardGroup(
                shardCount: options.executorShards
                    ?? max(1, ProcessInfo.processInfo.activeProcessorCount - options.eventLoops)
            )
        executorShards?.installAsGlobalExecutor()

        let records = try RecordStore.open(path: options.imagePath, count: options.records)
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: options.eventLoops)
        let loopShards = options.plain ? nil : ShardGroup(adopting: loops)
        let groups = [executorShards, loopShards].compactMap { $0 }
        let address = BindAddress.hostname(options.host, port: options.port)
        let onRunning: @Sendable (any Channel) async -> Void = { channel in
            let line =
                "json-api-server: listening on \(options.host):\(channel.localAddress?.port ?? 0) (\(options.plain ? "plain" : options.cooperativePool ? "sharded, cooperative pool" : "sharded"))\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        if options.plain {
            let router = Router(context: BasicRequestContext.self)
            addRoutes(to: router, records: records, count: options.records, groups: groups) { _ in
                ByteBufferAllocator()
            } aggregate: { request, _ in
                var numbers: [Int] = []
                let body = try await request.body.collect(upTo: 1 << 20)
                guard Handlers.parseIntegers(body, append: { numbers.append($0) }) else { return nil }
                return Handlers.aggregate(&numbers, into: ByteBufferAllocator())
            }
            let app = Application(
                router: router,
                configuration: .init(address: address, serverName: nil),
                onServerRunning: onRunning,
                eventLoopGroupProvider: .shared(loops)
            )
            try await app.runService()
        } else {
            let router = Router(context: ShardedRequestContext.self)
            router.add(middleware: RequestMemoryMiddleware<ShardedRequestContext>())
            addRoutes(to: router, records: records, count: options.records, groups: groups) { context in
                context.allocator
            } aggregate: { request, context in
                var numbers = OffHeapArray<Int>(allocator: context.requestMemory)
                let body = try await request.body.collect(upTo: 1 << 20)
                guard Handlers.parseIntegers(body, append: { numbers.append($0) }) else { return nil }
                return Handlers.aggregate(&numbers, into: context.allocator)
            }
            let app = Application(
                router: router,
                server: .shardedHTTP1(),
                configuration: .init(address: address, serverName: nil),
                onServerRunning: onRunning,
                eventLoopGroupProvider: .shared(loops)
            )
            try await app.runService()
        }
    }

    /// The three routes, for either context.
    static func addRoutes<Context: RequestContext>(
        to router: Router<Context>,
        records: MappedImage<[Record]>,
        count: Int,
        groups: [ShardGroup],
        allocator: @escaping @Sendable (Context) -> ByteBufferAllocator,
        aggregate: @escaping @Sendable (Request, Context) async throws -> ByteBuffer?
    ) {
        let json: HTTPFields = [.contentType: "application/json"]
        router.get("/records/:id") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int.self)
            guard let buffer = try Handlers.record(id, from: records, count: count, into: allocator(context)) else {
                return Response(status: .notFound)
            }
            return Response(status: .ok, headers: json, body: ResponseBody(byteBuffer: buffer))
        }
        router.post("/aggregate") { request, context -> Response in
            guard let buffer = try await aggregate(request, context) else { return Response(status: .badRequest) }
            return Response(status: .ok, headers: json, body: ResponseBody(byteBuffer: buffer))
        }
        router.get("/stats") { _, _ -> Response in
            Response(status: .ok, headers: json, body: ResponseBody(byteBuffer: ByteBuffer(string: statsJSON(groups))))
        }
    }

    /// What the load script reads: allocation counts of every group (shards and fallback, plus
    /// `ShardGroup.shared`'s fallback, where buffers made off every shard count) and peak RSS.
    static func statsJSON(_ groups: [ShardGroup]) -> String {
        var shardAllocations = 0
        var shardLive = 0
        var fallbackAllocations = ShardGroup.shared.fallbackCounters.totalAllocations
        var fallbackLive = ShardGroup.shared.fallbackCounters.liveAllocations
        for group in groups {
            let snapshot = Stats.snapshot(of: group)
            for shard in snapshot.shards {
                shardAllocations += shard.totalAllocations
                shardLive += shard.liveAllocations
            }
            fallbackAllocations += snapshot.fallback.totalAllocations
            fallbackLive += snapshot.fallback.liveAllocations
        }
        let peak = ProcessStats.current().peakResidentBytes
        return """
            {"shard_allocations":\(shardAllocations),"fallback_allocations":\(fallbackAllocations),\
            "shard_live":\(shardLive),"fallback_live":\(fallbackLive),"peak_rss_bytes":\(peak),\
            "sharded":\(!groups.isEmpty)}
            """
    }
}
