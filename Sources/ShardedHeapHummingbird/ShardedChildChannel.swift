#if Hummingbird
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ShardedHeapNIO

/// A Hummingbird child channel that first sets `ChannelOptions.allocator` to
/// `ByteBufferAllocator.sharded`, then sets up as `base` does; made by
/// `HTTPServerBuilder.shardedHTTP1(configuration:)`.
public struct ShardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value

    /// The channel setup this one wraps.
    public let base: Base

    /// Wraps `base`.
    public init(_ base: Base) {
        self.base = base
    }

    /// Sets the allocator, then sets up as `base` does. Hummingbird calls this on the channel's
    /// event loop.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.setOption(ChannelOptions.allocator, value: .sharded).flatMap {
            self.base.setup(channel: channel, logger: logger)
        }
    }

    /// Handles the connection as `base` does.
    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
#endif
