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
    /// - Complexity: O(1); a write first copies storage shared with another array.
    @inlinable
    public subscript(position: Int) -> Element {
        get {
            storage.elements.checkIndex(position, caller: "OffHeapArray")
            return storage.elements[position]
        }
        set {
            storage.elements.checkIndex(position, caller: "OffHeapArray")
            makeUnique()
            storage.elements[position] = newValue
        }
    }

    /// Calls `body` with the elements as a contiguous buffer (lets the standard library's
    /// algorithms take their fast paths).
    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R? {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(storage.elements.buffer)) }
    }

    /// Calls `body` with the elements as a contiguous mutable buffer, after making the storage
    /// this array's own.
    public mutating func withContiguousMutableStorageIfAvailable<R>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R
    ) rethrows -> R? {
        makeUnique()
        var buffer = storage.elements.buffer
        return try withExtendedLifetime(storage) { try body(&buffer) }
    }
}
