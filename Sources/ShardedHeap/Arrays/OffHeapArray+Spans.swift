extension OffHeapArray {
    /// The elements, for reading without unsafe pointers. The span borrows the array: while it
    /// is in use the array cannot change (the compiler checks it).
    public var span: Span<Element> {
        @_lifetime(borrow self)
        borrowing get {
            // Safe: the storage is alive while `self` is borrowed and holds `count` initialised
            // elements; no change can happen while the span borrows `self`.
            let span = Span(_unsafeElements: UnsafeBufferPointer(storage.elements.buffer))
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// The elements, for writing without unsafe pointers. The span holds exclusive access to the
    /// array for its whole life; the storage is made this array's own first.
    public var mutableSpan: MutableSpan<Element> {
        @_lifetime(&self)
        mutating get {
            makeUnique()
            // Safe: the storage is this array's alone, and the span's lifetime is an exclusive
            // access to `self`.
            let span = MutableSpan(_unsafeElements: storage.elements.buffer)
            return _overrideLifetime(span, mutating: &self)
        }
    }

    /// Calls `body` with the elements for reading.
    /// - Warning: The buffer must not escape `body`.
    public func withUnsafeBufferPointer<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withExtendedLifetime(storage) { () throws(Failure) -> Result in
            try body(UnsafeBufferPointer(storage.elements.buffer))
        }
    }

    /// Calls `body` with the elements for writing, after making the storage this array's own.
    /// - Warning: The buffer must not escape `body`.
    public mutating func withUnsafeMutableBufferPointer<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        makeUnique()
        return try withExtendedLifetime(storage) { () throws(Failure) -> Result in
            try body(storage.elements.buffer)
        }
    }
}
