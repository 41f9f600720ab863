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
            require(
                UInt(bitPattern: position) < UInt(bitPattern: count),
                "OffHeapArray: index \(position) out of range 0..<\(count)"
            )
            // Safe: `position` is within the initialised elements.
            return base.unsafelyUnwrapped[position]
        }
        set {
            require(
                UInt(bitPattern: position) < UInt(bitPattern: count),
                "OffHeapArray: index \(position) out of range 0..<\(count)"
            )
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

    /// Exchanges the elements at `i` and `j`.
    ///
    /// - Precondition: Both indices are valid.
    /// - Complexity: O(1).
    public func swapAt(_ i: Int, _ j: Int) {
        let first = self[i]
        self[i] = self[j]
        self[j] = first
    }
}

extension OffHeapArray {
    /// Reverses the elements in place. (A class needs no `var` for this.)
    ///
    /// - Complexity: O(`count`).
    public func reverse() {
        withUnsafeMutableBufferPointer { buffer in
            var buffer = buffer
            buffer.reverse()
        }
    }

    /// Sorts the elements in place with `areInIncreasingOrder`.
    ///
    /// - Complexity: O(*n* log *n*).
    public func sort(by areInIncreasingOrder: (Element, Element) throws -> Bool) rethrows {
        var buffer = UnsafeMutableBufferPointer(start: base, count: count)
        try buffer.sort(by: areInIncreasingOrder)
    }
}

extension OffHeapArray where Element: Comparable {
    /// Sorts the elements in place in increasing order.
    ///
    /// - Complexity: O(*n* log *n*).
    public func sort() {
        sort(by: <)
    }
}
