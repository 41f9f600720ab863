#if NIO
import NIOCore
import NIOPosix

extension ClientBootstrap {
    /// Makes the connected channel allocate its buffers with
    /// ``NIOCore/ByteBufferAllocator/sharded`` (`ChannelOptions.allocator`).
    public func shardedAllocation() -> ClientBootstrap {
        channelOption(ChannelOptions.allocator, value: .sharded)
    }
}
#endif
