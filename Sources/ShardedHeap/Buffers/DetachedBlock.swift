/// The block of a ``UniqueBuffer`` handed to another owner without copying (a SwiftNIO
/// `ByteBuffer`, a Foundation `Data`), which frees it with ``free()`` when it is done.
///
/// The new owner has the bytes to itself, as the unique buffer had: it may write them. The free
/// may happen on any thread and is counted where the block was made. Integrations use this
/// through `package` access; it is not public API.
package struct DetachedBlock: @unchecked Sendable {
    // @unchecked: the block is owned by exactly one holder at a time, which frees it once.
    let block: Block

    init(_ block: Block) {
        self.block = block
    }

    /// The first byte.
    package var pointer: UnsafeMutableRawPointer { block.pointer }

    /// The bytes the block holds (at least the capacity the buffer had).
    package var capacity: Int { block.usableSize }

    /// Frees the block and counts the free in its record. Call it once; any thread may.
    package func free() {
        block.free()
    }
}
