import ShardedHeap

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension OwnedBuffer {
    /// A shared buffer holding a copy of `data`'s bytes, from the shard running the caller (or
    /// the fallback). O(`data.count`).
    ///
    /// Any thread may call this.
    public convenience init(copying data: Data) {
        var unique = UniqueBuffer(capacity: data.count)
        data.withUnsafeBytes { bytes in unique.append(bytes.bytes) }
        self.init(unique)
    }

    /// A shared buffer holding a copy of `array`'s bytes (a Swift array cannot adopt outside
    /// storage, so both directions copy). O(`array.count`).
    ///
    /// Any thread may call this.
    public convenience init(copying array: [UInt8]) {
        self.init(copying: array.span.bytes)
    }
}

extension Array where Element == UInt8 {
    /// The bytes of a shared buffer, copied into a new array. O(`buffer.count`).
    public init(copying buffer: OwnedBuffer) {
        self = buffer.bytes.withUnsafeBytes { Array($0) }
    }
}
