#if Hummingbird
import Hummingbird
import HummingbirdCore

extension HTTPServerBuilder {
    /// HTTP/1.1, with every connection's buffers (reads, and NIO's header encoding) from
    /// `ByteBufferAllocator.sharded`: from the shard of the event loop that serves the
    /// connection when the application's event loop group is adopted by a shard group
    /// (`ShardGroup(adopting:)`), and from the fallback otherwise.
    public static func shardedHTTP1(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        .init { responder in
            ShardedChildChannel(HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
#endif
