#if NIO
@_spi(CustomByteBufferAllocator) import NIOCore
import ShardedHeap

extension ByteBuffer {
    /// Makes a `ByteBuffer` of a unique buffer's bytes without copying them: the buffer's block
    /// becomes the `ByteBuffer`'s storage, its initialised bytes are the readable bytes, and the
    /// rest of its capacity is room to write.
    ///
    /// The block is freed when the last `ByteBuffer` sharing that storage goes, on whatever
    /// thread that is, and the free counts in the shard that made it. If the `ByteBuffer` later
    /// needs more room, its bytes move to a block of ``NIOCore/ByteBufferAllocator/sharded``.
    ///
    /// - Precondition: the buffer's capacity fits NIO's 32-bit capacity (below 4 GiB).
    ///
    /// Any thread may call this.
    public init(_ unique: consuming UniqueBuffer) {
        let (block, count) = unique.detachBlock()
        require(
            block.capacity <= Int(UInt32.max),
            "ByteBuffer(UniqueBuffer): a capacity of \(block.capacity) bytes is more than a ByteBuffer holds"
        )
        AdoptedBlocks.adopt(block)
        self.init(
            takingOwnershipOf: UnsafeMutableRawBufferPointer(start: block.pointer, count: block.capacity),
            allocator: AdoptedBlocks.allocator,
            readerIndex: 0,
            writerIndex: count
        )
    }
}
#endif
