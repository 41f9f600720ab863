extension RegionArray {
    /// The elements, for reading without unsafe pointers. The span borrows the array: while it
    /// is in use the array cannot change (the compiler checks it).
    public var span: Span<Element> {
        @_lifetime(borrow self)
        borrowing get {
            // Safe: the region holds the storage while `self` exists, and nothing changes the
            // `count` initialised elements while the span borrows `self`.
            let span = Span(_unsafeElements: UnsafeBufferPointer(elements.buffer))
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// The elements, for writing without unsafe pointers. The span holds exclusive access to the
    /// array for its whole life.
    public var mutableSpan: MutableSpan<Element> {
        @_lifetime(&self)
        mutating get {
            // Safe: as for `span`; the span's lifetime is an exclusive access to `self`.
            let span = MutableSpan(_unsafeElements: elements.buffer)
            return _overrideLifetime(span, mutating: &self)
        }
    }

    /// Calls `body` with the elements for reading.
    /// - Warning: The buffer must not escape `body`.
    public func withUnsafeBufferPointer<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeBufferPointer(elements.buffer))
    }

    /// Calls `body` with the elements for writing.
    /// - Warning: The buffer must not escape `body`.
    public mutating func withUnsafeMutableBufferPointer<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(elements.buffer)
    }
}

extension Array where Element: BitwiseCopyable {
    /// Creates a Swift array holding a copy of a region array's elements (on the Swift heap, so
    /// it may leave the region's scope).
    ///
    /// - Complexity: O(`elements.count`).
    public init(copying elements: borrowing RegionArray<Element>) {
        self = elements.withUnsafeBufferPointer { Array($0) }
    }
}
