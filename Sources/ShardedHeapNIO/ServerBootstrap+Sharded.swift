#if NIO
import NIOCore
import NIOPosix

extension ServerBootstrap {
    /// Makes the listening channel and every accepted channel allocate their buffers with
    /// ``NIOCore/ByteBufferAllocator/sharded`` (`ChannelOptions.allocator`, as server and child
    /// channel options). Reads, and buffers that handlers make from `context.channel.allocator`,
    /// then come from the shard of the event loop that serves the channel, when the event loop
    /// group is adopted by a ``ShardedHeap/ShardGroup`` (`ShardGroup(adopting:)`), and from the
    /// fallback otherwise.
    public func shardedAllocation() -> ServerBootstrap {
        serverChannelOption(ChannelOptions.allocator, value: .sharded)
            .childChannelOption(ChannelOptions.allocator, value: .sharded)
    }
}
#endif
