extension UniqueBuffer {
    /// The initialised bytes, for reading.
    ///
    /// The span borrows the buffer: while it is in use the buffer cannot grow, shrink, be written
    /// or be consumed (the compiler checks it).
    public var bytes: RawSpan {
        @_lifetime(borrow self)
        borrowing get {
            // Safe: the first `count` bytes are initialised and stay allocated while `self` is
            // borrowed, which the span's lifetime enforces.
            let span = RawSpan(_unsafeStart: block.pointer, byteCount: count)
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// The initialised bytes, for writing.
    ///
    /// The span holds exclusive access to the buffer for its whole life: no other span, read or
    /// change of the buffer can overlap it (the compiler checks it).
    public var mutableBytes: MutableRawSpan {
        @_lifetime(&self)
        mutating get {
            // Safe: as for `bytes`; the span's lifetime is an exclusive access to `self`.
            let span = MutableRawSpan(_unsafeStart: block.pointer, byteCount: count)
            return _overrideLifetime(span, mutating: &self)
        }
    }

    /// Calls `body` with the initialised bytes for reading.
    /// - Warning: The buffer pointer must not escape `body`.
    public func withUnsafeBytes<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: block.pointer, count: count))
    }

    /// Calls `body` with the initialised bytes for writing.
    /// - Warning: The buffer pointer must not escape `body`.
    public mutating func withUnsafeMutableBytes<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableRawBufferPointer(start: block.pointer, count: count))
    }

    /// Calls `body` with the whole block (``capacity`` bytes) and the number of initialised bytes,
    /// which `body` may change; the buffer's ``count`` becomes that number.
    ///
    /// This is how hot code fills memory it allocated with ``init(capacity:alignment:)``.
    ///
    /// - Parameter body: Writes bytes and sets `initializedCount` to how many bytes from the start
    ///   are initialised.
    /// - Warning: The buffer pointer must not escape `body`, and `body` must have initialised
    ///   every byte below `initializedCount`: the safe views read them.
    /// - Precondition: `0 <= initializedCount <= capacity` when `body` returns (checked; the
    ///   message names the value).
    public mutating func withUnsafeUninitializedCapacity<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer, inout Int) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var initialized = count
        defer {
            require(
                initialized >= 0 && initialized <= capacity,
                "UniqueBuffer.withUnsafeUninitializedCapacity: initializedCount \(initialized) is outside 0...\(capacity)"
            )
            count = initialized
        }
        return try body(UnsafeMutableRawBufferPointer(start: block.pointer, count: capacity), &initialized)
    }
}
