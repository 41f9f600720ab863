import ShardedHeap

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Data {
    /// Makes a `Data` of a unique buffer's initialised bytes without copying them: the buffer's
    /// block becomes the `Data`'s storage and is freed, through the shard path and counted where
    /// it was made, when the last `Data` sharing it goes (on whatever thread that is).
    ///
    /// The `Data` has the bytes to itself, as the unique buffer had, so writing through it is
    /// sound. Foundation keeps up to about 14 bytes inline: such a small buffer is copied and its
    /// block freed at once.
    ///
    /// Any thread may call this.
    public init(_ unique: consuming UniqueBuffer) {
        let (block, count) = unique.detachBlock()
        self.init(bytesNoCopy: block.pointer, count: count, deallocator: .custom { _, _ in block.free() })
    }

    /// Makes a `Data` that reads a shared buffer's bytes in place, without copying them, and keeps
    /// the buffer alive until the last `Data` sharing those bytes goes.
    ///
    /// Unsafe because `Data` writes in place into storage it was given when it holds the only
    /// reference to it: a `Data` made here, or a copy of it, that is mutated after every other
    /// copy is gone writes into the shared buffer, which other holders may be reading (a data
    /// race), instead of copying first. A test in this package shows Foundation doing exactly
    /// that. Use it to hand the bytes to APIs that only read a `Data` (decoders, writers); use
    /// ``init(copying:)`` for a `Data` that someone may change.
    ///
    /// Any thread may call this.
    public init(unsafeSharing buffer: OwnedBuffer) {
        self.init(
            bytesNoCopy: buffer.unsafeBaseAddress,
            count: buffer.count,
            deallocator: .custom { _, _ in withExtendedLifetime(buffer) {} }
        )
    }

    /// Copies a shared buffer's bytes into a new `Data`. O(`buffer.count`).
    public init(copying buffer: OwnedBuffer) {
        self.init(bytes: buffer.unsafeBaseAddress, count: buffer.count)
    }
}
