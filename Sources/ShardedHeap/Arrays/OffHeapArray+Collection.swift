extension OffHeapArray: RandomAccessCollection, MutableCollection {
    public typealias Index = Int
    public typealias Indices = Range<Int>

    /// Always 0.
    public var startIndex: Int { 0 }

    /// ``count``.
    public var endIndex: Int { count }

    /// The element at `position`.
    ///
    /// - Precondition: `0 <= position < count`; the message names the bad index.
    /// - Complexity: O(1).
    @inlinable
    public subscript(position: Int) -> Element {
        get {
            precondition(
                UInt(bitPattern: position) < UInt(bitPattern: count),
                "OffHeapArray: index \(position) out of range 0..<\(count)")
            // Safe: `position` is within the initialised elements.
            return base.unsafelyUnwrapped[position]
        }
        set {
            precondition(
                UInt(bitPattern: position) < UInt(bitPattern: count),
                "OffHeapArray: index \(position) out of range 0..<\(count)")
            // Safe: as above; BitwiseCopyable elements need no deinitialisation.
            base.unsafelyUnwrapped[position] = newValue
        }
    }

    /// Calls `body` with the elements as a contiguous buffer (lets the standard library's
    /// algorithms take their fast paths).
    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R? {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the elements as a contiguous mutable buffer.
    public func withContiguousMutableStorageIfAvailable<R>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R
    ) rethrows -> R? {
        var buffer = UnsafeMutableBufferPointer(start: base, count: count)
        return try body(&buffer)
    }
}
