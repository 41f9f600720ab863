#if Hummingbird
import NIOCore
import NIOPosix

/// One HTTP/1.1 request on a connection of its own (`Connection: close`), the response read to
/// the end: enough for tests, with no HTTP client package to build.
func httpRequest(
    _ method: String,
    _ path: String,
    body: String = "",
    port: Int,
    group: any EventLoopGroup
) async throws -> (status: Int, body: String) {
    let channel = try await ClientBootstrap(group: group)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        let request =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        try await outbound.write(ByteBuffer(string: request))
        var text = ""
        for try await var chunk in inbound {
            text += chunk.readString(length: chunk.readableBytes) ?? ""
        }
        let statusLine = text.prefix { $0 != "\r" }
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        let parts = text.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
        return (status, parts.count == 2 ? String(parts[1]) : "")
    }
}
#endif
