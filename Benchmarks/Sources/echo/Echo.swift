// `swift run -c release --package-path Benchmarks echo [--messages N] [--reps R]`
//
// A TCP echo server on 127.0.0.1 with two event loops, fed by four client connections that each
// send messages of seeded random sizes (64 B to 16 KiB) one at a time and wait for the echo.
// Four variants, each in child processes, interleaved rep by rep:
//   default       NIO's default ByteBufferAllocator (malloc)
//   sharded       ShardGroup(adopting:) on the server's loops and ByteBufferAllocator.sharded
//   ...+copy      the same, with a handler that answers in a new buffer from the channel's
//                 allocator (a server that builds its responses)
// Reported per variant: the median ns per message (round trip), the server's buffer
// blocks per message (new blocks, growth that moved included; counted by the shard counters, or
// by counting hooks around malloc for the default, in a separate counting run),
// and the median peak RSS of the child.
import BenchmarkSupport
import CAllocBench
import Foundation
@_spi(CustomByteBufferAllocator) import NIOCore
import NIOPosix
import ShardedHeap
import ShardedHeapNIO
import Synchronization

@main
enum Echo {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        func value(_ name: String, _ fallback: Int) -> Int {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
            return Int(arguments[index + 1]) ?? fallback
        }
        let messages = value("--messages", 20_000)
        if let index = arguments.firstIndex(of: "--child") {
            let variant = Variant(rawValue: arguments[index + 1])!
            let result = try await run(variant, messages: messages, counting: arguments.contains("--count"))
            print("RESULT \(result.nanosecondsPerMessage) \(result.allocationsPerMessage) \(cab_max_rss_kib())")
            return
        }
        try parent(messages: messages, reps: value("--reps", 7))
    }

    enum Variant: String, CaseIterable {
        case `default`, sharded
        /// The handler answers with a new buffer from the channel's allocator, as a server that
        /// builds its responses does.
        case defaultCopy = "default+copy"
        case shardedCopy = "sharded+copy"

        var isSharded: Bool { self == .sharded || self == .shardedCopy }
        var copies: Bool { self == .defaultCopy || self == .shardedCopy }
    }

    // MARK: The parent

    static func parent(messages: Int, reps: Int) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var times: [Variant: [Double]] = [:]
        var peaks: [Variant: [Int]] = [:]
        var allocations: [Variant: Double] = [:]
        for variant in Variant.allCases {
            allocations[variant] = child(executable, variant, messages: messages, counting: true).allocations
        }
        for rep in 1...reps {
            FileHandle.standardError.write(Data("rep \(rep)/\(reps)\n".utf8))
            for variant in Variant.allCases {
                let result = child(executable, variant, messages: messages, counting: false)
                times[variant, default: []].append(result.nanoseconds)
                peaks[variant, default: []].append(result.peakKiB)
            }
        }
        func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
        print("echo: \(messages) messages over 4 connections, 64 B to 16 KiB, server on 2 event loops")
        print("machine: \(MachineProbe.cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("median of \(reps) interleaved child runs; allocations from one counting run")
        print("| allocator | ns per message | server blocks per message | peak RSS |")
        print("| --- | ---: | ---: | ---: |")
        for variant in Variant.allCases {
            let ns = median(times[variant]!)
            let peak = median(peaks[variant]!)
            let range = "\(Int(times[variant]!.min()!))-\(Int(times[variant]!.max()!))"
            print(
                "| \(variant.rawValue) | \(Int(ns)) (\(range)) | \(String(format: "%.3f", allocations[variant]!)) | \(peak / 1024) MiB |"
            )
        }
        for (sharded, plain) in [(Variant.sharded, Variant.default), (.shardedCopy, .defaultCopy)] {
            let ratio = median(times[sharded]!) / median(times[plain]!)
            print("\(sharded.rawValue) / \(plain.rawValue) time: \(String(format: "%.2f", ratio))x")
        }
    }

    static func child(
        _ executable: String,
        _ variant: Variant,
        messages: Int,
        counting: Bool
    ) -> (nanoseconds: Double, allocations: Double, peakKiB: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            ["--child", variant.rawValue, "--messages", String(messages)] + (counting ? ["--count"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { fatalError("echo: cannot start a child: \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") })
        else { fatalError("echo: the \(variant) child failed (status \(process.terminationStatus)): \(text)") }
        let fields = line.split(separator: " ")
        return (Double(fields[1])!, Double(fields[2])!, Int(fields[3])!)
    }

    // MARK: A child

    /// Counts the default allocator's new blocks for the counting run (the hooks call malloc, as
    /// NIO's default ones do).
    static let defaultCalls = Atomic<Int>(0)

    static let countingDefault = ByteBufferAllocator(
        allocate: { size in
            Echo.defaultCalls.wrappingAdd(1, ordering: .relaxed)
            return malloc(size)
        },
        reallocate: { pointer, _, newSize in
            let moved = realloc(pointer, newSize)
            // A block that moved is a new block, as the shard counters count it.
            if moved != pointer { Echo.defaultCalls.wrappingAdd(1, ordering: .relaxed) }
            return moved
        },
        deallocate: { pointer in free(pointer) },
        copy: { destination, source, count in destination.copyMemory(from: source, byteCount: count) }
    )

    static func run(
        _ variant: Variant,
        messages: Int,
        counting: Bool
    ) async throws -> (
        nanosecondsPerMessage: Double, allocationsPerMessage: Double
    ) {
        let serverLoops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let clientLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let shards = variant.isSharded ? ShardGroup(adopting: serverLoops) : nil
        var bootstrap = ServerBootstrap(group: serverLoops)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        if variant.isSharded {
            bootstrap = bootstrap.shardedAllocation()
        } else if counting {
            bootstrap = bootstrap.childChannelOption(ChannelOptions.allocator, value: countingDefault)
        }
        let copies = variant.copies
        let server = try await bootstrap.childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(EchoHandler(copies: copies))
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress!.port!

        let connections = 4
        let perConnection = messages / connections
        let start = cab_now_ns()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for connection in 0..<connections {
                tasks.addTask {
                    var random = SplitMix64(seed: 0xEC40 &+ UInt64(connection))
                    let client = try await ClientBootstrap(group: clientLoops)
                        .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                        .connect(host: "127.0.0.1", port: port) { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                            }
                        }
                    try await client.executeThenClose { inbound, outbound in
                        var replies = inbound.makeAsyncIterator()
                        var message = ByteBuffer()
                        for _ in 0..<perConnection {
                            let size = 64 + random.below(16 * 1024 - 64)
                            message.clear()
                            message.writeRepeatingByte(0xA5, count: size)
                            try await outbound.write(message)
                            var received = 0
                            while received < size, let chunk = try await replies.next() {
                                received += chunk.readableBytes
                            }
                            precondition(received == size, "echo: \(received) of \(size) bytes came back")
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let elapsed = Double(cab_now_ns() - start)
        try await server.close()
        let allocated: Int
        if let shards {
            allocated = (0..<shards.shardCount).reduce(0) { $0 + shards.counters(ofShard: $1).totalAllocations }
            await shards.shutdown()
        } else {
            allocated = defaultCalls.load(ordering: .relaxed)
        }
        try await serverLoops.shutdownGracefully()
        try await clientLoops.shutdownGracefully()
        let total = perConnection * connections
        return (elapsed / Double(total), Double(allocated) / Double(total))
    }
}

/// Writes back whatever it reads: in the buffer it read it into, or in a new one from the
/// channel's allocator.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let copies: Bool

    init(copies: Bool) {
        self.copies = copies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard copies else {
            context.write(data, promise: nil)
            return
        }
        let request = unwrapInboundIn(data)
        var response = context.channel.allocator.buffer(capacity: request.readableBytes)
        response.writeImmutableBuffer(request)
        context.write(wrapOutboundOut(response), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
