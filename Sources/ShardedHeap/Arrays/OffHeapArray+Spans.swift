extension OffHeapArray {
    /// The elements, for reading without unsafe pointers.
    ///
    /// The span is valid while the array is alive and not resized; don't append, insert or remove
    /// while it exists, and (with a region) don't let it outlive the region.
    public var span: Span<Element> {
        @_lifetime(borrow self)
        get {
            // Safe: the storage is allocated while `self` is alive and holds `count` initialised
            // elements; resizing while the span exists is ruled out by the docs.
            let span = Span(_unsafeElements: UnsafeBufferPointer(start: base, count: count))
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// The elements, for writing without unsafe pointers.
    ///
    /// The same rules as for ``span`` apply, and no other access to the array may happen while
    /// the mutable span exists (a class cannot enforce this; you must).
    public var mutableSpan: MutableSpan<Element> {
        @_lifetime(borrow self)
        get {
            // Safe: as for `span`; the caller keeps the access exclusive.
            let span = MutableSpan(_unsafeElements: UnsafeMutableBufferPointer(start: base, count: count))
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// Calls `body` with the elements for reading.
    /// - Warning: The buffer must not escape `body`.
    public func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the elements for writing.
    /// - Warning: The buffer must not escape `body`, and `body` must not resize the array.
    public func withUnsafeMutableBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableBufferPointer(start: base, count: count))
    }
}
