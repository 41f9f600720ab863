#if NIO
@_spi(CustomByteBufferAllocator) import NIOCore
import ShardedHeap
import Synchronization

/// Blocks of `UniqueBuffer`s that became `ByteBuffer`s without a copy.
///
/// A buffer's block has no header (buffers keep their record in the buffer value), and NIO's
/// free hook gets only the pointer, so adopted blocks are kept here, by address, until NIO frees
/// them. They have their own `ByteBufferAllocator` (``allocator``), which NIO keeps in the
/// adopted buffer's storage: its hooks look the pointer up here first and otherwise treat it as
/// a block of ``NIOCore/ByteBufferAllocator/sharded`` (a buffer that outgrew its adopted block
/// moves to one of those). A lookup takes a lock: adoption is for hand-offs, not for every
/// buffer of a hot path.
enum AdoptedBlocks {
    private static let table = Mutex<[UInt: DetachedBlock]>([:])

    static func adopt(_ block: DetachedBlock) {
        table.withLock { $0[UInt(bitPattern: block.pointer)] = block }
    }

    static func take(_ pointer: UnsafeMutableRawPointer) -> DetachedBlock? {
        table.withLock { $0.removeValue(forKey: UInt(bitPattern: pointer)) }
    }

    /// How many adopted blocks NIO holds now, for tests.
    static var count: Int { table.withLock { $0.count } }

    static let allocator = ByteBufferAllocator(
        allocate: { size in ContextFreeAllocation.allocate(byteCount: Int(size)) },
        reallocate: { pointer, oldSize, newSize in
            guard let pointer, let adopted = AdoptedBlocks.take(pointer) else {
                return ContextFreeAllocation.reallocate(pointer, oldByteCount: Int(oldSize), newByteCount: Int(newSize))
            }
            let moved = ContextFreeAllocation.allocate(byteCount: Int(newSize))
            // Safe: both blocks are live and distinct; the copy stays inside both.
            moved.copyMemory(from: adopted.pointer, byteCount: min(Int(oldSize), Int(newSize), adopted.capacity))
            adopted.free()
            return moved
        },
        deallocate: { pointer in
            if let adopted = AdoptedBlocks.take(pointer) {
                adopted.free()
            } else {
                ContextFreeAllocation.deallocate(pointer)
            }
        },
        copy: { destination, source, count in destination.copyMemory(from: source, byteCount: Int(count)) }
    )
}
#endif
